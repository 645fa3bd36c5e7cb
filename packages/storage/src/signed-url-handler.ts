import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { isStorageError, StorageError } from './errors.js';
import { LocalStorage } from './providers/local.js';
import { parseRangeHeader } from './range.js';
import type { StorageProvider } from './types.js';

/**
 * Options of {@link createSignedUrlHandler}.
 *
 * @example
 * ```ts
 * const handler = createSignedUrlHandler(storage, { maxUploadBytes: 50 * 1024 * 1024 });
 * ```
 */
export interface SignedUrlHandlerOptions {
  /** Largest PUT body accepted when the URL does not bind a length. @default 104857600 (100 MiB) */
  maxUploadBytes?: number;
  /** `Cache-Control` of GET responses. @default 'private, max-age=0, no-store' */
  cacheControl?: string;
}

/**
 * Serves the signed URLs of the `local` provider: verifies the HMAC and the expiry, then streams
 * the object (GET/HEAD, single `Range` honoured, 206/416) or stores the body (PUT, bound to the
 * signed content type and length). Framework-agnostic: `fetch` takes a web `Request`, `node`
 * takes Node's `req`/`res`. Both answer 404 for paths outside the signing `baseUrl` path so you
 * can mount it as a fallthrough.
 *
 * @example
 * ```ts
 * // Hono
 * app.all('/storage/*', (c) => handler.fetch(c.req.raw));
 * // Express / node:http
 * app.use('/storage', (req, res) => handler.node(req, res)); // needs req.originalUrl or the full path
 * ```
 */
export interface SignedUrlHandler {
  /** Web `Request` -> `Response` (Hono, Bun, Deno, Next route handlers, undici servers). */
  fetch(request: Request): Promise<Response>;
  /** Node `IncomingMessage`/`ServerResponse` (node:http, Express, Fastify raw). Uses `req.originalUrl ?? req.url`. */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

interface CoreRequest {
  method: string;
  url: URL;
  header(name: string): string | null;
  body(): Readable | null;
}

interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable | string | null;
}

function problem(status: number, code: string, detail: string): CoreResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify({ type: 'about:blank', title: detail, status, detail, code }),
  };
}

function statusOf(error: StorageError): CoreResponse {
  switch (error.code) {
    case 'not_found':
      return problem(404, 'not_found', 'no such object');
    case 'too_large':
      return problem(413, 'payload_too_large', 'the body is larger than allowed');
    case 'invalid_key':
    case 'invalid_input':
      return problem(400, 'validation_failed', 'invalid request');
    default:
      return problem(503, 'internal', 'storage unavailable');
  }
}

/** Byte counter that fails once the body exceeds `max`. */
function limit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new StorageError('too_large', `body exceeds ${max} bytes`));
      else done(null, chunk);
    },
  });
}

async function handle(
  storage: LocalStorage,
  req: CoreRequest,
  options: SignedUrlHandlerOptions,
): Promise<CoreResponse> {
  const verdict = storage.verifySignedRequest(req.url);
  if (!verdict.ok) {
    if (verdict.reason === 'not_mine') return problem(404, 'not_found', 'not found');
    if (verdict.reason === 'url_expired') return problem(403, 'token_expired', 'the signed URL has expired');
    return problem(403, 'forbidden', 'invalid signature');
  }
  const { params } = verdict;
  const method = req.method.toUpperCase();
  if (params.method === 'GET' && (method === 'GET' || method === 'HEAD')) {
    try {
      const info = await storage.stat(params.key);
      const range = parseRangeHeader(req.header('range'), info.size);
      const headers: Record<string, string> = {
        'content-type': info.contentType,
        etag: info.etag,
        'last-modified': info.lastModified.toUTCString(),
        'accept-ranges': 'bytes',
        'cache-control': options.cacheControl ?? 'private, max-age=0, no-store',
        'x-content-type-options': 'nosniff',
      };
      if (params.disposition) headers['content-disposition'] = params.disposition;
      if (range === 'unsatisfiable') {
        return {
          status: 416,
          headers: { 'content-range': `bytes */${info.size}`, 'accept-ranges': 'bytes' },
          body: null,
        };
      }
      const ifRange = req.header('if-range');
      const useRange = range && (!ifRange || ifRange === info.etag) ? range : null;
      if (method === 'HEAD') {
        headers['content-length'] = String(info.size);
        return { status: 200, headers, body: null };
      }
      const got = await storage.get(params.key, useRange ? { range: useRange } : {});
      headers['content-length'] = String(got.contentLength);
      if (useRange && got.range) {
        headers['content-range'] = `bytes ${got.range.start}-${got.range.end}/${got.size}`;
        return { status: 206, headers, body: got.body };
      }
      return { status: 200, headers, body: got.body };
    } catch (error) {
      if (isStorageError(error)) return statusOf(error);
      throw error;
    }
  }
  if (params.method === 'PUT' && method === 'PUT') {
    const type = req.header('content-type') ?? undefined;
    if (params.contentType !== undefined && type !== params.contentType) {
      return problem(403, 'forbidden', 'content-type does not match the signed URL');
    }
    const lengthHeader = req.header('content-length');
    if (params.contentLength !== undefined && lengthHeader !== null && Number(lengthHeader) !== params.contentLength) {
      return problem(403, 'forbidden', 'content-length does not match the signed URL');
    }
    const max = params.contentLength ?? options.maxUploadBytes ?? 100 * 1024 * 1024;
    const body = req.body() ?? Readable.from([]);
    // The limiter can fail before storage.put() has attached its own listeners (put awaits
    // directory creation first); keep its error here so it is never an unhandled 'error' event
    // and always decides the answer (413), whatever error put() then reports for the dead stream.
    let overLimit: StorageError | undefined;
    const limiter = limit(max);
    limiter.once('error', (e) => {
      if (isStorageError(e)) overLimit = e;
    });
    try {
      const limited = body.pipe(limiter);
      body.once('error', (e) => limited.destroy(e));
      const info = await storage.put(params.key, limited, {
        contentType: type ?? 'application/octet-stream',
        ...(params.contentLength !== undefined ? { contentLength: params.contentLength } : {}),
      });
      return { status: 200, headers: { etag: info.etag, 'content-length': '0' }, body: null };
    } catch (thrown) {
      body.resume();
      const error = overLimit ?? thrown;
      if (isStorageError(error)) {
        if (error.code === 'invalid_input')
          return problem(400, 'validation_failed', 'body length does not match the signed URL');
        return statusOf(error);
      }
      throw error;
    }
  }
  return {
    status: 405,
    headers: { allow: params.method === 'GET' ? 'GET, HEAD' : 'PUT', 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title: 'method not allowed', status: 405, code: 'validation_failed' }),
  };
}

/**
 * Creates the handler serving the `local` provider's signed URLs (see {@link SignedUrlHandler}).
 * Throws `invalid_config` when `storage` is not a local provider with `signing` configured.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createSignedUrlHandler, createStorage } from '@portalkit/storage';
 *
 * const storage = createStorage({ provider: 'local', root: './data', signing: { secret, baseUrl: 'http://127.0.0.1:3000/storage' } });
 * const handler = createSignedUrlHandler(storage);
 * createServer((req, res) => void handler.node(req, res)).listen(3000);
 * ```
 */
export function createSignedUrlHandler(
  storage: StorageProvider,
  options: SignedUrlHandlerOptions = {},
): SignedUrlHandler {
  if (!(storage instanceof LocalStorage) || !storage.signingEnabled) {
    throw new StorageError(
      'invalid_config',
      'createSignedUrlHandler needs the local provider itself (not scoped()) with `signing` configured; S3-compatible providers serve their own signed URLs',
    );
  }
  return {
    async fetch(request: Request): Promise<Response> {
      const res = await handle(
        storage,
        {
          method: request.method,
          url: new URL(request.url),
          header: (name) => request.headers.get(name),
          body: () => (request.body ? Readable.fromWeb(request.body as WebReadableStream<Uint8Array>) : null),
        },
        options,
      );
      const body =
        res.body === null
          ? null
          : typeof res.body === 'string'
            ? res.body
            : (Readable.toWeb(res.body) as unknown as ReadableStream<Uint8Array>);
      return new Response(body, { status: res.status, headers: res.headers });
    },
    async node(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const out = await handle(
        storage,
        {
          method: req.method ?? 'GET',
          url: new URL(path, 'http://localhost'),
          header: (name) => {
            const v = req.headers[name.toLowerCase()];
            return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
          },
          body: () => req,
        },
        options,
      );
      res.writeHead(out.status, out.headers);
      if (out.body === null) res.end();
      else if (typeof out.body === 'string') res.end(out.body);
      else await pipeline(out.body, res).catch(() => undefined);
    },
  };
}
