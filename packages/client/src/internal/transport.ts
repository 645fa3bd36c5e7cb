import { fieldErrorSchema, fieldErrorsFromZod, problemCodes, problemSchema } from '../contract/problem.js';
import type { RouteDefinition } from '../contract/routes.js';
import { ApiError, type ApiErrorCode } from '../errors.js';
import type { StoredTokens, TokenStorage } from '../token-storage.js';
import { abortedError, backoffMs, retryAfterMs, sleep } from './retry.js';

/** A `fetch`-compatible function. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Retry settings (see the package README). */
export interface RetryOptions {
  /** Retries after the first attempt. */
  limit: number;
  /** Delay before the first retry, doubled on each further one (before jitter). */
  baseDelayMs: number;
  /** Upper bound of a backoff delay. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown at once. */
  maxRetryAfterMs: number;
}

/** Per-call options accepted by every client method. */
export interface RequestOptions {
  /** Cancels the call (including retries and their waits): the call rejects with `aborted`. */
  signal?: AbortSignal;
  /** Time to wait for an answer, per attempt, in ms; overrides the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Retry settings for this call, or `false` for a single attempt. */
  retry?: Partial<RetryOptions> | false;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

export interface PreparedBody {
  /** Creates the body for one attempt. */
  create(): BodyInit;
  /** Content type to send (unset for FormData: fetch sets it with the boundary). */
  contentType?: string;
  /** False for one-shot streams: the request cannot be sent twice (no retry, no refresh-and-retry). */
  replayable: boolean;
  /** True when `create()` returns a ReadableStream (fetch needs `duplex: 'half'`). */
  streaming?: boolean;
}

export interface TransportConfig {
  baseUrl: string;
  fetch: FetchLike;
  tokens: TokenStorage;
  timeoutMs: number;
  retry: RetryOptions;
  headers: Record<string, string>;
  random: () => number;
  /**
   * Refreshes the tokens (single-flight); rejects when the refresh failed. The signal only stops
   * this caller's wait: the shared refresh itself runs on.
   */
  refresh: (signal?: AbortSignal) => Promise<void>;
}

export interface CallInput {
  /** Absolute URL to call instead of the route's path (direct uploads to the provider). */
  url?: string;
  params?: Record<string, string> | undefined;
  query?: Record<string, unknown> | undefined;
  body?: PreparedBody | undefined;
}

const statusCodes: Record<number, ApiErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Drops an answer's body without waiting (awaiting a cancel can stall on some transports). */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

export function jsonBody(value: unknown): PreparedBody {
  const text = JSON.stringify(value ?? {});
  return { create: () => text, contentType: 'application/json', replayable: true };
}

function badParam(route: RouteDefinition, name: string, problem: string): ApiError {
  return new ApiError('validation_failed', `${route.name}: the path parameter "${name}" ${problem}`, {
    errors: [{ path: `params.${name}`, message: problem }],
  });
}

export function buildUrl(baseUrl: string, route: RouteDefinition, input: CallInput): string {
  const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = input.params?.[name];
    // "." and ".." survive percent-encoding and URL parsing removes them as dot segments:
    // DELETE .../members/.. would reach DELETE /api/v1/tenants/:tenantId
    if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
      throw badParam(route, name, value === '.' || value === '..' ? 'cannot be "." or ".."' : 'is missing');
    }
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(input.query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const qs = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`;
}

/** The error code for an HTTP status without a problem body. */
export function codeForStatus(status: number): ApiErrorCode {
  return statusCodes[status] ?? 'http_error';
}

/** Builds the ApiError of an error answer (problem+json when possible) and consumes its body. */
export async function errorFromResponse(response: Response, what: string): Promise<ApiError> {
  const wait = retryAfterMs(response.headers.get('retry-after'));
  // read field by field: a code this client does not know yet (a newer server's, or
  // `not_implemented`) must not cost the caller the detail, field errors and request id
  let body: Record<string, unknown> = {};
  if (/json/i.test(response.headers.get('content-type') ?? '')) {
    body = Object(await response.json().catch(() => null)); // not JSON after all: {}
  } else {
    discard(response);
  }
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  const said = text('code');
  const detail = text('detail');
  const code = (problemCodes as readonly unknown[]).includes(said)
    ? (said as ApiErrorCode)
    : codeForStatus(response.status);
  return new ApiError(code, `${what} answered ${response.status} ${said ?? code}${detail ? `: ${detail}` : ''}`, {
    status: response.status,
    detail,
    errors: fieldErrorSchema.array().safeParse(body.errors).data ?? [],
    requestId: response.headers.get('x-request-id') ?? text('requestId'),
    retryAfter: wait === undefined ? undefined : Math.ceil(wait / 1000),
    problem: problemSchema.safeParse(body).data,
  });
}

interface Attempt {
  response: Response;
  /** Detaches the caller's signal; call once the body was read (JSON) or never (streams). */
  release(): void;
  /** The caller's signal (still attached until `release`): tells an abort from a broken body. */
  signal: AbortSignal | undefined;
}

async function attempt(
  fetcher: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<Attempt> {
  if (signal?.aborted) throw abortedError(signal);
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    Number.isFinite(timeoutMs) && timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, timeoutMs)
      : undefined;
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => signal?.removeEventListener('abort', onAbort);
  try {
    const response = await fetcher(url, { ...init, signal: controller.signal });
    return { response, release, signal };
  } catch (cause) {
    release();
    if (signal?.aborted) throw abortedError(signal);
    if (timedOut) throw new ApiError('timeout', `${what} got no answer within ${timeoutMs} ms`, { cause });
    throw new ApiError('network_error', `${what} failed: no answer from the server (${String(cause)})`, { cause });
  } finally {
    clearTimeout(timer);
  }
}

const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * Sends one call of a route: auth header, timeout, abort, retries with backoff and Retry-After,
 * refresh-and-retry on 401 token_expired. Resolves with the successful answer.
 */
export async function send(
  config: TransportConfig,
  route: RouteDefinition,
  input: CallInput,
  options: RequestOptions,
): Promise<Attempt> {
  const url = input.url ?? buildUrl(config.baseUrl, route, input);
  const what = input.url ? `${route.method} ${new URL(input.url).origin}` : `${route.method} ${route.path}`;
  const retry: RetryOptions =
    options.retry === false ? { ...config.retry, limit: 0 } : { ...config.retry, ...options.retry };
  const timeoutMs = options.timeoutMs ?? config.timeoutMs;
  const replayable = input.body?.replayable ?? true;
  const idempotent = idempotentMethods.has(route.method);
  const needsAuth = route.auth !== 'none';
  let retries = 0;
  let refreshed = false;

  if (needsAuth && !replayable) {
    // a streamed body cannot be sent twice: refresh first when the token is known to be stale
    const tokens = await config.tokens.get();
    if (tokens?.expiresAt !== undefined && tokens.expiresAt - 5_000 <= Date.now()) await config.refresh(options.signal);
  }

  for (;;) {
    const headers: Record<string, string> = { accept: 'application/json', ...config.headers, ...options.headers };
    let tokens: StoredTokens | null = null;
    if (needsAuth) {
      tokens = await config.tokens.get();
      if (!tokens)
        throw new ApiError('not_signed_in', `${what} needs a signed-in client: call client.auth.login() first`);
      headers.authorization = `Bearer ${tokens.accessToken}`;
    }
    const init: RequestInit = { method: route.method, headers };
    if (input.body) {
      init.body = input.body.create();
      if (input.body.contentType) headers['content-type'] = input.body.contentType;
      if (input.body.streaming || !input.body.replayable) (init as { duplex?: string }).duplex = 'half';
    }

    let result: Attempt;
    try {
      result = await attempt(config.fetch, url, init, timeoutMs, options.signal, what);
    } catch (error) {
      const code = (error as ApiError).code;
      if (code !== 'aborted' && idempotent && replayable && retries < retry.limit) {
        await sleep(backoffMs(retries, retry.baseDelayMs, retry.maxDelayMs, config.random), options.signal);
        retries++;
        continue;
      }
      throw error;
    }

    const { response } = result;
    if (response.status < 400) return result;
    result.release();

    if (response.status === 401 && needsAuth && !refreshed && replayable) {
      const error = await errorFromResponse(response, what);
      if (error.code !== 'token_expired') throw error;
      refreshed = true;
      const current = await config.tokens.get();
      // another call refreshed while this one was in flight: just retry with the new token
      if (!current || current.accessToken === tokens?.accessToken) await config.refresh(options.signal);
      continue;
    }

    const status = response.status;
    const retryable = status === 429 || status === 503 || (idempotent && [408, 500, 502, 504].includes(status));
    if (retryable && replayable && retries < retry.limit) {
      const wait = retryAfterMs(response.headers.get('retry-after'));
      if (wait === undefined || wait <= retry.maxRetryAfterMs) {
        discard(response);
        await sleep(wait ?? backoffMs(retries, retry.baseDelayMs, retry.maxDelayMs, config.random), options.signal);
        retries++;
        continue;
      }
    }
    throw await errorFromResponse(response, what);
  }
}

/** Reads and (optionally) validates the JSON answer of a route. */
export async function readJson(route: RouteDefinition, result: Attempt, validate: boolean): Promise<unknown> {
  const { response } = result;
  const what = `${route.method} ${route.path}`;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const meta = { status: response.status, requestId };
  try {
    if (route.responseType === 'none' || response.status === 204) {
      discard(response);
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(await response.text());
    } catch (cause) {
      // a body that broke off (the caller aborted, the connection failed) is not the server's fault
      if (result.signal?.aborted) throw abortedError(result.signal);
      const json = cause instanceof SyntaxError;
      throw new ApiError(
        json ? 'invalid_response' : 'network_error',
        `${what} answered ${response.status} ${json ? 'with a body that is not JSON' : 'but the body broke off'}`,
        { ...meta, cause },
      );
    }
    if (!validate || !route.response) return data;
    const parsed = route.response.safeParse(data);
    if (parsed.success) return parsed.data;
    const errors = fieldErrorsFromZod(parsed.error);
    const first = errors[0];
    throw new ApiError(
      'invalid_response',
      `${what} answered a body that does not match the contract (${first ? `${first.path || '(root)'}: ${first.message}` : 'invalid'}); check that client and server versions match`,
      { ...meta, errors, cause: parsed.error },
    );
  } finally {
    result.release();
  }
}
