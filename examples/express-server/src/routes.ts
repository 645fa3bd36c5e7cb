import { fieldErrorsFromZod, type RouteDefinition, type RouteName, routeList } from '@portalkit/client/contract';
import express, { type RequestHandler, type Router } from 'express';
import type { z } from 'zod';
import { HttpProblem, notImplemented } from './problem.js';

/** Validated input of a route, as the contract's schemas parsed it. */
export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

declare global {
  namespace Express {
    interface Locals {
      /** Parameters, query and JSON body after validation against the contract. */
      input: RouteInput;
    }
  }
}

/** Handlers by route name; a route without one answers 501 not_implemented. */
export type Handlers = Partial<Record<RouteName, RequestHandler[]>>;

function parse(schema: z.ZodType | null, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = fieldErrorsFromZod(result.error).map((e) => ({ ...e, path: e.path ? e.path : where }));
    throw new HttpProblem(400, 'validation_failed', `the ${where} is invalid`, { errors });
  }
  return result.data;
}

/** Validates params, query and (JSON) body of a request against the route's contract schemas. */
export function validate(route: RouteDefinition): RequestHandler {
  return (req, res, next) => {
    const params = parse(route.params, req.params, 'path') as Record<string, string>;
    const query = parse(route.query, req.query, 'query') as Record<string, unknown>;
    let body: unknown;
    if (route.bodyType === 'json' && route.body) {
      if (!req.is('application/json')) {
        throw new HttpProblem(415, 'unsupported_media_type', 'send the body as application/json');
      }
      body = parse(route.body, req.body, 'body');
    }
    res.locals.input = { params, query, body };
    next();
  };
}

/**
 * Mounts every API route of the contract's route table (except the system routes the app serves
 * itself): the guards the route's `auth`/`role` call for, validation, then the route's handlers, or
 * 501 when nothing provides it.
 */
export function apiRouter(
  handlers: Handlers,
  guards: (route: RouteDefinition) => RequestHandler[],
  system: ReadonlySet<string>,
): Router {
  const router = express.Router();
  for (const route of routeList) {
    if (system.has(route.name)) continue;
    const chain = handlers[route.name as RouteName] ?? [
      () => {
        throw notImplemented(`${route.method} ${route.path}`);
      },
    ];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    router[method](route.path, ...guards(route), validate(route), ...chain);
  }
  return router;
}
