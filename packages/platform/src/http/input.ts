import { BlockList, isIP } from 'node:net';
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
  /** The request's `Content-Encoding` header: JSON bodies must come uncompressed (415 otherwise). */
  contentEncoding?: string | undefined;
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

/** The `charset` parameter of a content type, lower-cased, or undefined. */
const charsetOf = (contentType: string | undefined) =>
  /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();

/**
 * Validates the path parameters, query and JSON body of a request against the route's contract
 * schemas (415 when a JSON route gets another content type, a charset other than UTF-8 or a
 * compressed body; 400 `validation_failed` with field errors when a value is invalid, the JSON
 * malformed or the body missing).
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
    const charset = charsetOf(raw.contentType);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      throw new ApiProblem(415, 'unsupported_media_type', 'the body must be UTF-8 JSON');
    }
    const encoding = raw.contentEncoding?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      throw new ApiProblem(415, 'unsupported_media_type', 'send the JSON body uncompressed (no Content-Encoding)');
    }
    let value: unknown;
    try {
      value = typeof raw.body === 'function' ? await (raw.body as () => Promise<unknown>)() : raw.body;
    } catch (err) {
      if (err instanceof ApiProblem) throw err;
      throw malformedJson();
    }
    // No body at all is not JSON either (the same answer whether the framework parsed or not).
    if (value === undefined) throw malformedJson();
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

/**
 * The client's address: the socket's, or with proxies trusted (`TRUST_PROXY`), the address the
 * outermost trusted proxy saw, read from `X-Forwarded-For` right to left. A hop count trusts that
 * many proxies; a list trusts the proxies with those addresses or in those CIDR ranges. The
 * left-most entry is only believed when every proxy after it is trusted: the caller writes it.
 * The same rule as Express's `trust proxy` with a number or a list.
 *
 * @example
 * ```ts
 * import { clientAddress } from '@portalkit/platform/http';
 *
 * clientAddress('10.0.0.2', '203.0.113.9, 198.51.100.4', 1); // '198.51.100.4'
 * clientAddress('10.0.0.2', '203.0.113.9, 10.0.0.1', ['10.0.0.0/8']); // '203.0.113.9'
 * clientAddress('10.0.0.2', '203.0.113.9', false); // '10.0.0.2'
 * ```
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trust: false | number | readonly string[],
): string | undefined {
  if (trust === false || trust === 0 || !forwardedFor) return socketAddress;
  // Nearest first: the socket's peer, then X-Forwarded-For from the right.
  const hops = [
    socketAddress,
    ...forwardedFor
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '')
      .reverse(),
  ];
  if (typeof trust === 'number') return hops[Math.min(trust, hops.length - 1)];
  const trusted = trustedProxies(trust);
  for (let i = 0; i < hops.length - 1; i++) {
    const hop = normalizeAddress(hops[i]) ?? '';
    const family = isIP(hop);
    if (family === 0 || !trusted.check(hop, family === 6 ? 'ipv6' : 'ipv4')) return hops[i];
  }
  return hops[hops.length - 1];
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) as `10.0.0.1`. */
const normalizeAddress = (address: string | undefined) => address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

const proxyLists = new WeakMap<readonly string[], BlockList>();

/** The trusted proxies of a `TRUST_PROXY` list as a BlockList (built once per list). */
function trustedProxies(list: readonly string[]): BlockList {
  let set = proxyLists.get(list);
  if (!set) {
    set = new BlockList();
    for (const entry of list) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) set.addAddress(address, type);
      else set.addSubnet(address, Number(prefix), type);
    }
    proxyLists.set(list, set);
  }
  return set;
}
