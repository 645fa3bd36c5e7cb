import { fieldErrorsFromZod, type RouteDefinition } from '@portalkit/client/contract';
import type { z } from 'zod';
import { ApiProblem } from './problem.js';

/** Validated input of a route, as the contract's schemas parsed it. */
export interface RouteInput {
  /** Path parameters. */
  params: Record<string, string>;
  /** Query string, coerced by the route's schema. */
  query: Record<string, unknown>;
  /** JSON body (JSON routes only). */
  body: unknown;
}

/** What a framework read from a request, before validation. */
export interface RawRouteInput {
  /** Path parameters as the router matched them. */
  params: Record<string, string | undefined>;
  /** Query string values (a repeated key as an array). */
  query: Record<string, unknown>;
  /** The request's `Content-Type` header. */
  contentType: string | undefined;
  /** The parsed JSON body, or a function reading it (called only for JSON routes with a body). */
  body?: unknown | (() => Promise<unknown>);
}

function parse(schema: z.ZodType | null, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = fieldErrorsFromZod(result.error).map((e) => ({ ...e, path: e.path ? e.path : where }));
    throw new ApiProblem(400, 'validation_failed', `the ${where} is invalid`, { errors });
  }
  return result.data;
}

/** `true` for `application/json` (with or without parameters). */
const isJson = (contentType: string | undefined) => /^application\/json\s*(;|$)/i.test(contentType ?? '');

/**
 * Validates the path parameters, query and JSON body of a request against the route's contract
 * schemas (415 when a JSON route gets another content type, 400 `validation_failed` with field
 * errors when a value is invalid or the JSON malformed).
 *
 * @example
 * ```ts
 * import { routes } from '@portalkit/client/contract';
 * import { validateRouteInput } from '@portalkit/platform/http';
 *
 * const input = await validateRouteInput(routes.login, {
 *   params: req.params,
 *   query: req.query,
 *   contentType: req.headers['content-type'],
 *   body: req.body,
 * });
 * ```
 */
export async function validateRouteInput(route: RouteDefinition, raw: RawRouteInput): Promise<RouteInput> {
  const params = parse(route.params, raw.params, 'path') as Record<string, string>;
  const query = parse(route.query, raw.query, 'query') as Record<string, unknown>;
  let body: unknown;
  if (route.bodyType === 'json' && route.body) {
    if (!isJson(raw.contentType)) {
      throw new ApiProblem(415, 'unsupported_media_type', 'send the body as application/json');
    }
    let value: unknown;
    try {
      value = typeof raw.body === 'function' ? await (raw.body as () => Promise<unknown>)() : raw.body;
    } catch (err) {
      if (err instanceof ApiProblem) throw err;
      throw malformedJson();
    }
    body = parse(route.body, value, 'body');
  }
  return { params, query, body };
}

/**
 * The 400 problem for a body that is not valid JSON.
 *
 * @example
 * ```ts
 * import { malformedJson } from '@portalkit/platform/http';
 *
 * if (err.type === 'entity.parse.failed') throw malformedJson();
 * ```
 */
export const malformedJson = (): ApiProblem =>
  new ApiProblem(400, 'validation_failed', 'the body is not valid JSON', {
    errors: [{ path: '', message: 'malformed JSON' }],
  });

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The request id of a request: the caller's `x-request-id` when it is well-formed (8..128 of
 * letters, digits and `. _ : -`), else a new UUID.
 *
 * @example
 * ```ts
 * import { requestIdFrom } from '@portalkit/platform/http';
 *
 * const requestId = requestIdFrom(req.headers['x-request-id']);
 * res.setHeader('x-request-id', requestId);
 * ```
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : crypto.randomUUID();
}

/**
 * The JSON body limit of the API (1 MiB): larger bodies get 413 `payload_too_large`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { JSON_BODY_LIMIT } from '@portalkit/platform/http';
 *
 * app.use(express.json({ limit: JSON_BODY_LIMIT }));
 * ```
 */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * The 413 problem for a JSON body over {@link JSON_BODY_LIMIT}.
 *
 * @example
 * ```ts
 * import { jsonTooLarge } from '@portalkit/platform/http';
 *
 * if (err.type === 'entity.too.large') throw jsonTooLarge();
 * ```
 */
export const jsonTooLarge = (): ApiProblem =>
  new ApiProblem(413, 'payload_too_large', 'the JSON body is larger than 1 MiB');
