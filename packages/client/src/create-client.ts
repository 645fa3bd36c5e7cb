import type {
  ClientEvents,
  DirectUploadOptions,
  Download,
  DownloadOptions,
  JsonRouteName,
  PortalkitClient,
  RouteInput,
  RouteOutput,
  UploadOptions,
} from './client-types.js';
import type { TokenResponse } from './contract/auth.js';
import type { Page } from './contract/primitives.js';
import { type RouteDefinition, routes } from './contract/routes.js';
import { ApiError, isApiError } from './errors.js';
import {
  countingStream,
  isReplayable,
  streamingMultipart,
  toBlob,
  toReadableStream,
  type UploadSource,
} from './internal/bodies.js';
import { fileNameFromDisposition } from './internal/download.js';
import { abortedError } from './internal/retry.js';
import {
  type CallInput,
  discard,
  type FetchLike,
  jsonBody,
  type PreparedBody,
  type RequestOptions,
  type RetryOptions,
  readJson,
  send,
  type TransportConfig,
} from './internal/transport.js';
import { type XhrLike, xhrPut } from './internal/xhr-put.js';
import { paginate } from './paginate.js';
import { memoryTokenStorage, type TokenStorage } from './token-storage.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Base URL of the API, e.g. `https://api.example.com` (paths start with `/api/v1`). */
  baseUrl: string;
  /** The `fetch` to use (tests, proxies, custom agents). @default globalThis.fetch */
  fetch?: FetchLike;
  /** Where the tokens live. @default memoryTokenStorage() */
  tokens?: TokenStorage;
  /** Validate every JSON answer against the contract (`invalid_response` on mismatch). @default true */
  validateResponses?: boolean;
  /** Time to wait for an answer, per attempt, in ms (`0` or `Infinity`: no timeout). @default 30000 */
  timeoutMs?: number;
  /**
   * Retry settings, or `false` to never retry. Idempotent calls (GET, PUT, DELETE) are retried on
   * network errors, timeouts and 408/429/500/502/503/504; every call on 429 and 503.
   * @default { limit: 2, baseDelayMs: 300, maxDelayMs: 10000, maxRetryAfterMs: 60000 }
   */
  retry?: Partial<RetryOptions> | false;
  /** Headers sent with every call (not to the storage provider during direct uploads). @default {} */
  headers?: Record<string, string>;
  /**
   * Serialises refreshes across the clients of one origin (browser tabs sharing `localStorage`):
   * each refresh runs under the lock `portalkit.refresh` and reads the newest refresh token inside
   * it, so two tabs never present the same one. `null` turns it off.
   * @default globalThis.navigator.locks (the Web Locks API), when there is one
   */
  locks?: {
    /** Runs `callback` while holding the lock `name` (exclusive), resolving to what it resolves to. */
    request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  } | null;
}

const defaultRetry: RetryOptions = { limit: 2, baseDelayMs: 300, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

function tokensOf(answer: TokenResponse) {
  return {
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    expiresAt: Date.now() + answer.expiresIn * 1000,
  };
}

function toDownload(response: Response): Download {
  const length = response.headers.get('content-length');
  const empty = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  return {
    response,
    status: response.status,
    fileName: fileNameFromDisposition(response.headers.get('content-disposition')),
    contentType: response.headers.get('content-type'),
    size: length === null ? null : Number(length),
    stream: () => response.body ?? empty(),
    blob: () => response.blob(),
    text: () => response.text(),
  };
}

/** Waits for `promise`, or rejects with `aborted` as soon as `signal` fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Creates a typed client of the portalkit reference API. Methods follow the API's groups
 * (`auth`, `tenants`, `members`, `invitations`, `files`, `audit`); inputs and outputs are the
 * contract's types; answers are validated; failures reject with {@link ApiError}. The client
 * keeps the tokens in its {@link TokenStorage}, refreshes them once on `401 token_expired` (one
 * refresh for any number of concurrent calls), and signs out when the refresh token is rejected.
 *
 * @param options - Base URL, fetch, token storage, validation, timeout and retry settings.
 * @returns A {@link PortalkitClient}.
 *
 * @example
 * ```ts
 * import { createClient, isApiError } from '@portalkit/client';
 *
 * const client = createClient({ baseUrl: 'http://127.0.0.1:3000' });
 * await client.auth.login({ email: 'ada@example.com', password: 'correct horse battery' });
 * const { memberships } = await client.auth.me();
 * for await (const file of client.files.iterate(memberships[0]!.tenantId)) console.log(file.name);
 * ```
 */
export function createClient(options: ClientOptions): PortalkitClient {
  const storage = options.tokens ?? memoryTokenStorage();
  const locks =
    options.locks === undefined
      ? (globalThis as { navigator?: { locks?: ClientOptions['locks'] } }).navigator?.locks
      : options.locks;
  const validate = options.validateResponses ?? true;
  const listeners: { [E in keyof ClientEvents]: Set<(payload: ClientEvents[E]) => void> } = {
    signedIn: new Set(),
    refreshed: new Set(),
    signedOut: new Set(),
  };
  const emit = <E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]) => {
    for (const listener of listeners[event]) {
      try {
        listener(payload);
      } catch {
        // a failing listener must not break the call that emitted the event
      }
    }
  };

  /** The plain refresh (no tenant switch) queued or running; null when none is. */
  let plain: Promise<TokenResponse> | null = null;
  /** Settles when every queued refresh has: refreshes run one after the other. */
  let queue: Promise<unknown> = Promise.resolve();

  const config: TransportConfig = {
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    tokens: storage,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: options.retry === false ? { ...defaultRetry, limit: 0 } : { ...defaultRetry, ...options.retry },
    headers: options.headers ?? {},
    random: Math.random,
    refresh: async (signal) => {
      await refreshTokens(undefined, signal ? { signal } : {});
    },
  };

  async function doRefresh(tenantId: string | undefined, callOptions: RequestOptions): Promise<TokenResponse> {
    const current = await storage.get();
    if (!current)
      throw new ApiError('not_signed_in', 'cannot refresh: no refresh token (call client.auth.login() first)');
    const body =
      tenantId === undefined
        ? { refreshToken: current.refreshToken }
        : { refreshToken: current.refreshToken, tenantId };
    let answer: TokenResponse;
    try {
      const result = await send(config, routes.refresh, { body: jsonBody(body) }, callOptions);
      answer = (await readJson(routes.refresh, result, validate)) as TokenResponse;
    } catch (error) {
      if (isApiError(error) && error.status === 401) {
        await storage.set(null);
        emit('signedOut', { reason: error.code === 'token_reused' ? 'token_reused' : 'unauthorized', error });
      }
      throw error;
    }
    await storage.set(tokensOf(answer));
    emit('refreshed', { user: answer.user });
    return answer;
  }

  /**
   * Refreshes never overlap: each one presents the refresh token the previous one stored (two at
   * once would present the same token, and the second would revoke the session as a reuse). A
   * plain refresh (a 401 `token_expired`, or `auth.refresh()` without a tenant) joins the plain
   * refresh queued or running, else queues; a tenant switch always queues (and a refused switch
   * fails nobody else). The caller's signal only ends its own wait: the refresh runs on and stores
   * the rotated pair, since the server has spent the old token once it got the request.
   */
  function refreshTokens(tenantId: string | undefined, callOptions: RequestOptions): Promise<TokenResponse> {
    const { signal, ...shared } = callOptions;
    let run = tenantId === undefined ? plain : null;
    if (!run) {
      const refresh = () => doRefresh(tenantId, shared);
      const next = queue.then(() => (locks ? locks.request('portalkit.refresh', refresh) : refresh()));
      queue = next.catch(() => undefined);
      if (tenantId === undefined) {
        plain = next;
        queue.then(() => {
          if (plain === next) plain = null;
        });
      }
      run = next;
    }
    return untilAborted(run, signal);
  }

  /** Clears the tokens; `signedOut` only when there were some (a failed refresh already said so). */
  async function signOut(): Promise<void> {
    const had = await storage.get();
    await storage.set(null);
    if (had) emit('signedOut', { reason: 'logout' });
  }

  async function call(route: RouteDefinition, input: CallInput, callOptions: RequestOptions = {}): Promise<unknown> {
    const result = await send(config, route, input, callOptions);
    return readJson(route, result, validate);
  }

  const json = jsonBody;

  function pageQuery(query: object | undefined, cursor: string | undefined): Record<string, unknown> {
    return cursor === undefined ? { ...query } : { ...query, cursor };
  }

  async function downloadCall(
    route: RouteDefinition,
    input: CallInput,
    callOptions: RequestOptions,
  ): Promise<Download> {
    const result = await send(config, route, input, callOptions);
    return toDownload(result.response);
  }

  async function putBytes(
    upload: { method: 'PUT'; url: string; headers: Record<string, string> },
    blob: Blob,
    callOptions: DirectUploadOptions,
  ): Promise<void> {
    const total = blob.size;
    const report = (loaded: number) => callOptions.onProgress?.({ loaded, total });
    const Xhr = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
    if (Xhr && !options.fetch) {
      // browsers: XMLHttpRequest has real upload progress and sets Content-Length itself
      await xhrPut(
        Xhr,
        upload.url,
        upload.headers,
        blob,
        report,
        callOptions.signal,
        callOptions.timeoutMs ?? config.timeoutMs,
      );
      report(total);
      return;
    }
    // the storage provider gets only the signed headers: never this API's Authorization header
    const providerConfig: TransportConfig = { ...config, headers: {} };
    const route = { ...routes.completeUpload, method: 'PUT', path: '/', auth: 'none' } as unknown as RouteDefinition;
    const body: PreparedBody = {
      create: () => countingStream(blob, report),
      replayable: true,
      streaming: true,
    };
    // signal, timeout and retry of the call; headers: only the signed ones
    const result = await send(
      providerConfig,
      route,
      { url: upload.url, body },
      { ...callOptions, headers: { ...upload.headers, 'content-length': String(total) } },
    );
    discard(result.response);
    result.release();
    report(total);
  }

  const client: PortalkitClient = {
    tokens: storage,
    on(event, listener) {
      listeners[event].add(listener);
      return () => {
        listeners[event].delete(listener);
      };
    },
    async request<N extends JsonRouteName>(name: N, input: RouteInput<N>, callOptions?: RequestOptions) {
      const route = routes[name] as RouteDefinition;
      const { params, query, body } = input as { params?: Record<string, string>; query?: object; body?: unknown };
      return (await call(
        route,
        {
          params,
          query: query as Record<string, unknown> | undefined,
          body: route.bodyType === 'json' ? json(body) : undefined,
        },
        callOptions,
      )) as RouteOutput<N>;
    },
    auth: {
      register: (body, o) => call(routes.register, { body: json(body) }, o) as never,
      verifyEmail: (body, o) => call(routes.verifyEmail, { body: json(body) }, o) as never,
      resendVerification: (body, o) => call(routes.resendVerification, { body: json(body) }, o) as never,
      async login(body, o) {
        const answer = (await call(routes.login, { body: json(body) }, o)) as TokenResponse;
        await storage.set(tokensOf(answer));
        emit('signedIn', { user: answer.user });
        return answer;
      },
      refresh: (body, o) => refreshTokens(body?.tenantId, o ?? {}),
      async logout(o) {
        const current = await storage.get();
        try {
          if (current) await call(routes.logout, { body: json({ refreshToken: current.refreshToken }) }, o);
        } catch (error) {
          if (!(isApiError(error) && error.status === 401)) throw error;
        } finally {
          await signOut();
        }
      },
      async logoutAll(o) {
        try {
          await call(routes.logoutAll, {}, o);
        } finally {
          await signOut();
        }
      },
      forgotPassword: (body, o) => call(routes.forgotPassword, { body: json(body) }, o) as never,
      resetPassword: (body, o) => call(routes.resetPassword, { body: json(body) }, o) as never,
      changePassword: (body, o) => call(routes.changePassword, { body: json(body) }, o) as never,
      me: (o) => call(routes.me, {}, o) as never,
      sessions: (o) => call(routes.listSessions, {}, o) as never,
      revokeSession: (sessionId, o) => call(routes.revokeSession, { params: { sessionId } }, o) as never,
    },
    tenants: {
      create: (body, o) => call(routes.createTenant, { body: json(body) }, o) as never,
      list: (o) => call(routes.listTenants, {}, o) as never,
      get: (tenantId, o) => call(routes.getTenant, { params: { tenantId } }, o) as never,
      update: (tenantId, body, o) => call(routes.updateTenant, { params: { tenantId }, body: json(body) }, o) as never,
      delete: (tenantId, o) => call(routes.deleteTenant, { params: { tenantId } }, o) as never,
    },
    members: {
      list: (tenantId, query, o) => call(routes.listMembers, { params: { tenantId }, query: { ...query } }, o) as never,
      iterate: (tenantId, query, o) =>
        paginate(
          (cursor) =>
            call(routes.listMembers, { params: { tenantId }, query: pageQuery(query, cursor) }, o) as Promise<
              Page<never>
            >,
        ),
      update: (tenantId, userId, body, o) =>
        call(routes.updateMember, { params: { tenantId, userId }, body: json(body) }, o) as never,
      remove: (tenantId, userId, o) => call(routes.removeMember, { params: { tenantId, userId } }, o) as never,
    },
    invitations: {
      create: (tenantId, body, o) =>
        call(routes.createInvitation, { params: { tenantId }, body: json(body) }, o) as never,
      list: (tenantId, o) => call(routes.listInvitations, { params: { tenantId } }, o) as never,
      revoke: (tenantId, invitationId, o) =>
        call(routes.revokeInvitation, { params: { tenantId, invitationId } }, o) as never,
      accept: (body, o) => call(routes.acceptInvitation, { body: json(body) }, o) as never,
    },
    files: {
      upload(tenantId, file: UploadSource, o: UploadOptions = {}) {
        const name = o.name ?? (typeof File !== 'undefined' && file instanceof File ? file.name : 'file');
        const contentType =
          o.contentType || (file instanceof Blob && file.type ? file.type : 'application/octet-stream');
        const fields: Array<[string, string]> = [];
        if (o.category !== undefined) fields.push(['category', o.category]);
        if (o.tags !== undefined && o.tags.length > 0) fields.push(['tags', o.tags.join(',')]);
        let body: PreparedBody;
        if (isReplayable(file)) {
          const blob = toBlob(file, contentType);
          body = {
            create: () => {
              const form = new FormData();
              for (const [key, value] of fields) form.append(key, value);
              form.append('file', blob.type === contentType ? blob : new Blob([blob], { type: contentType }), name);
              return form;
            },
            replayable: true,
          };
        } else {
          const stream = toReadableStream(file);
          let used = false;
          const multipart = streamingMultipart(fields, stream, name, contentType);
          body = {
            create: () => {
              if (used) throw new TypeError('[portalkit/client] a stream upload cannot be sent twice');
              used = true;
              return multipart.body;
            },
            contentType: multipart.contentType,
            replayable: false,
          };
        }
        return call(routes.uploadFile, { params: { tenantId }, body }, o) as never;
      },
      async uploadDirect(tenantId, file, o: DirectUploadOptions = {}) {
        const name = o.name ?? (typeof File !== 'undefined' && file instanceof File ? file.name : 'file');
        const contentType =
          o.contentType || (file instanceof Blob && file.type ? file.type : 'application/octet-stream');
        const blob = toBlob(file, contentType);
        // the API calls get the call's options, headers included; the provider's PUT gets no headers of ours
        const announced = (await call(
          routes.createUpload,
          { params: { tenantId }, body: json({ name, size: blob.size, contentType }) },
          o,
        )) as { fileId: string; upload: { method: 'PUT'; url: string; headers: Record<string, string> } };
        await putBytes(announced.upload, blob, o);
        return call(routes.completeUpload, { params: { tenantId, fileId: announced.fileId } }, o) as never;
      },
      createUpload: (tenantId, body, o) =>
        call(routes.createUpload, { params: { tenantId }, body: json(body) }, o) as never,
      completeUpload: (tenantId, fileId, o) =>
        call(routes.completeUpload, { params: { tenantId, fileId } }, o) as never,
      list: (tenantId, query, o) => call(routes.listFiles, { params: { tenantId }, query: { ...query } }, o) as never,
      iterate: (tenantId, query, o) =>
        paginate(
          (cursor) =>
            call(routes.listFiles, { params: { tenantId }, query: pageQuery(query, cursor) }, o) as Promise<
              Page<never>
            >,
        ),
      get: (tenantId, fileId, o) => call(routes.getFile, { params: { tenantId, fileId } }, o) as never,
      download(tenantId, fileId, o: DownloadOptions = {}) {
        const { range, ...rest } = o;
        const headers = { ...rest.headers };
        if (range) headers.range = `bytes=${range.start}-${range.end ?? ''}`;
        return downloadCall(routes.downloadFile, { params: { tenantId, fileId } }, { ...rest, headers });
      },
      delete: (tenantId, fileId, o) => call(routes.deleteFile, { params: { tenantId, fileId } }, o) as never,
    },
    audit: {
      list: (tenantId, query, o) =>
        call(routes.listAuditEvents, { params: { tenantId }, query: { ...query } }, o) as never,
      iterate: (tenantId, query, o) =>
        paginate(
          (cursor) =>
            call(routes.listAuditEvents, { params: { tenantId }, query: pageQuery(query, cursor) }, o) as Promise<
              Page<never>
            >,
        ),
      export: (tenantId, query, o = {}) =>
        downloadCall(
          routes.exportAuditEvents,
          { params: { tenantId }, query: { ...query } },
          { ...o, headers: { accept: 'application/x-ndjson, text/csv', ...o.headers } },
        ),
      verify: (tenantId, o) => call(routes.verifyAuditChain, { params: { tenantId } }, o) as never,
    },
  };
  return client;
}
