// Token handling, path safety and body-read failures over a real HTTP server on 127.0.0.1 with
// Node's fetch. The server rotates refresh tokens like the reference API: each refresh token works
// once; presenting a used one revokes the whole family and answers 401 token_reused.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, memoryTokenStorage, type SignedOutEvent, webTokenStorage } from '@portalkit/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenPair, user } from './fixtures.js';

const tenant = { id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: '2026-01-31T12:00:00.000Z' };

interface State {
  /** Refresh tokens that may still be used once. */
  live: Set<string>;
  /** Refresh tokens already used (presenting one again is a reuse). */
  used: Set<string>;
  /** Access tokens the server accepts. */
  access: Set<string>;
  revoked: boolean;
  refreshes: Array<{ refreshToken: string; tenantId?: string }>;
  reused: number;
  requests: string[];
  refreshDelayMs: number;
  /** Custom answer for a path (body-read failure tests). */
  custom: Map<string, (req: IncomingMessage, res: ServerResponse) => void>;
}

let server: Server;
let base = '';
let state: State;

function fresh(): State {
  return {
    live: new Set(),
    used: new Set(),
    access: new Set(),
    revoked: false,
    refreshes: [],
    reused: 0,
    requests: [],
    refreshDelayMs: 40,
    custom: new Map(),
  };
}

/** Issues a pair the server accepts and returns it. */
function issue(tenantId?: string) {
  const n = randomUUID();
  const pair = { ...tokenPair(0), accessToken: `access-${tenantId ?? 'none'}-${n}`, refreshToken: `refresh-${n}` };
  state.live.add(pair.refreshToken);
  state.access.add(pair.accessToken);
  return pair;
}

function problem(res: ServerResponse, status: number, code: string) {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'x-request-id': `req-${code}` });
  res.end(JSON.stringify({ type: `https://portalkit.dev/problems/${code}`, title: code, status, code, detail: code }));
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    state.requests.push(`${req.method} ${req.url}`);
    const custom = state.custom.get(req.url ?? '');
    if (custom) return custom(req, res);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'rid' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'POST' && req.url === '/api/v1/auth/refresh') {
      const body = JSON.parse(text) as { refreshToken: string; tenantId?: string };
      state.refreshes.push(body);
      await new Promise((r) => setTimeout(r, state.refreshDelayMs));
      if (state.used.has(body.refreshToken)) {
        state.reused++;
        state.revoked = true;
        state.live.clear();
        state.access.clear();
        return problem(res, 401, 'token_reused');
      }
      if (!state.live.has(body.refreshToken) || state.revoked) return problem(res, 401, 'unauthorized');
      // like the reference API: membership is checked before rotating, so a refused switch spends nothing
      if (body.tenantId === 'not-a-member') return problem(res, 403, 'forbidden');
      state.live.delete(body.refreshToken);
      state.used.add(body.refreshToken);
      return json(200, issue(body.tenantId));
    }
    if (req.method === 'POST' && req.url === '/api/v1/auth/login') return json(200, issue());
    if (req.method === 'POST' && req.url === '/api/v1/auth/logout') {
      res.writeHead(204);
      return res.end();
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!state.access.has(bearer)) return problem(res, 401, state.revoked ? 'unauthorized' : 'token_expired');
    if (req.method === 'GET' && req.url === '/api/v1/tenants/t1') return json(200, { tenant });
    if (req.method === 'GET' && req.url === '/api/v1/auth/me') return json(200, { user, memberships: [] });
    if (req.method === 'DELETE') {
      res.writeHead(204);
      return res.end();
    }
    problem(res, 404, 'not_found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  state = fresh();
});

/** A client holding a valid refresh token and an access token the server says has expired. */
function expiredClient() {
  const pair = issue();
  state.access.delete(pair.accessToken);
  const tokens = memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
  return { client: createClient({ baseUrl: base, tokens, retry: false }), tokens };
}

describe('refreshes never present the same refresh token twice', () => {
  it('serialises two explicit tenant switches started together', async () => {
    const { client } = expiredClient();
    const [a, b] = await Promise.all([
      client.auth.refresh({ tenantId: 't2' }),
      client.auth.refresh({ tenantId: 't3' }),
    ]);
    expect(state.reused).toBe(0);
    expect(state.refreshes.map((r) => r.tenantId)).toEqual(['t2', 't3']);
    expect(a.refreshToken).not.toBe(b.refreshToken);
    await expect(client.tenants.get('t1')).resolves.toMatchObject({ tenant: { id: 't1' } });
  });

  it('lets a call that got token_expired refresh after a tenant switch in flight, not alongside it', async () => {
    const { client } = expiredClient();
    const events: SignedOutEvent[] = [];
    client.on('signedOut', (e) => events.push(e));
    const switching = client.auth.refresh({ tenantId: 't2' });
    const reading = client.tenants.get('t1');
    await expect(switching).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(reading).resolves.toMatchObject({ tenant: { id: 't1' } });
    expect(state.reused).toBe(0);
    expect(state.refreshes.map((r) => r.tenantId)).toEqual(['t2', undefined]);
    expect(events).toEqual([]);
  });

  it('a refused tenant switch does not fail a call that needed a refresh meanwhile', async () => {
    const { client } = expiredClient();
    const switching = client.auth.refresh({ tenantId: 'not-a-member' }).catch((e: unknown) => e);
    const reading = client.tenants.get('t1');
    expect(await switching).toMatchObject({ code: 'forbidden', status: 403 });
    await expect(reading).resolves.toMatchObject({ tenant: { id: 't1' } });
    expect(state.reused).toBe(0);
  });

  it('a plain explicit refresh started while a tenant switch is in flight runs after it', async () => {
    const { client } = expiredClient();
    await Promise.all([client.auth.refresh({ tenantId: 't2' }), client.auth.refresh()]);
    expect(state.reused).toBe(0);
    await expect(client.tenants.get('t1')).resolves.toMatchObject({ tenant: { id: 't1' } });
  });
});

describe('a caller aborting does not cancel the shared refresh', () => {
  it('the aborting caller rejects with aborted; the refresh completes, is stored, and other callers get its tokens', async () => {
    state.refreshDelayMs = 150;
    const { client, tokens } = expiredClient();
    const controller = new AbortController();
    const explicit = client.auth.refresh(undefined, { signal: controller.signal });
    const reading = client.tenants.get('t1'); // gets token_expired and joins the refresh in flight
    await new Promise((r) => setTimeout(r, 60));
    controller.abort(new Error('user navigated away'));
    await expect(explicit).rejects.toMatchObject({ code: 'aborted' });
    await expect(reading).resolves.toMatchObject({ tenant: { id: 't1' } });
    expect(state.refreshes).toHaveLength(1);
    // the rotated pair was kept: the next refresh presents the new token, not the used one
    const stored = await tokens.get();
    expect(state.live.has(stored!.refreshToken)).toBe(true);
    await client.auth.refresh();
    expect(state.reused).toBe(0);
  });
});

describe('path parameters', () => {
  it('refuses "." and ".." ids, which URL normalisation would turn into another route', async () => {
    const pair = issue();
    const client = createClient({
      baseUrl: base,
      tokens: memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
    });
    // DELETE /api/v1/tenants/t1/members/.. would be sent as DELETE /api/v1/tenants/t1 (the tenant)
    const error = await client.members.remove('t1', '..').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation_failed', status: 0, errors: [{ path: 'params.userId' }] });
    await expect(client.files.delete('t1', '.')).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(client.tenants.get('..')).rejects.toMatchObject({ code: 'validation_failed' });
    expect(state.requests).toEqual([]);
  });

  it('still percent-encodes other characters, so "/", "?" and "#" stay inside the segment', async () => {
    const pair = issue();
    const client = createClient({
      baseUrl: `${base}/`,
      tokens: memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
    });
    await client.members.remove('t1', '../x?y#z');
    expect(state.requests).toEqual(['DELETE /api/v1/tenants/t1/members/..%2Fx%3Fy%23z']);
  });
});

describe('failures while reading the answer body', () => {
  it('reports an abort during the JSON body as aborted, not as a body that is not JSON', async () => {
    const pair = issue();
    state.custom.set('/api/v1/tenants/t1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"tenant":'); // ...and never finishes
    });
    const client = createClient({
      baseUrl: base,
      tokens: memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
    });
    const controller = new AbortController();
    const pending = client.tenants.get('t1', { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    controller.abort(new Error('stop'));
    expect(await pending).toMatchObject({ code: 'aborted' });
  });

  it('reports a connection reset during the JSON body as network_error', async () => {
    const pair = issue();
    state.custom.set('/api/v1/tenants/t1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"tenant":');
      setTimeout(() => res.socket?.destroy(), 30);
    });
    const client = createClient({
      baseUrl: base,
      tokens: memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
    });
    await expect(client.tenants.get('t1')).rejects.toMatchObject({ code: 'network_error', status: 200 });
  });
});

describe('webTokenStorage over a storage that throws', () => {
  function throwingStorage(failing: { get?: boolean; set?: boolean; remove?: boolean }) {
    const data = new Map<string, string>();
    const quota = () => Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    return {
      data,
      getItem: (k: string) => {
        if (failing.get) throw Object.assign(new Error('The operation is insecure.'), { name: 'SecurityError' });
        return data.get(k) ?? null;
      },
      setItem: (k: string, v: string) => {
        if (failing.set) throw quota();
        data.set(k, v);
      },
      removeItem: (k: string) => {
        if (failing.remove) throw quota();
        data.delete(k);
      },
    };
  }

  it('keeps the tokens of a login for this page when the storage refuses to write or read', async () => {
    for (const failing of [{ set: true }, { get: true, set: true, remove: true }]) {
      const client = createClient({ baseUrl: base, tokens: webTokenStorage(throwingStorage(failing)) });
      await client.auth.login({ email: 'ada@example.com', password: 'pw' });
      await expect(client.auth.me()).resolves.toMatchObject({ user: { id: user.id } });
      await client.auth.logout();
      expect(await client.tokens.get()).toBeNull();
    }
  });

  it('clears the tokens on sign-out even when removing the entry fails', async () => {
    const web = throwingStorage({ remove: true });
    const storage = webTokenStorage(web);
    storage.set({ accessToken: 'a', refreshToken: 'r' });
    expect(() => storage.set(null)).not.toThrow();
    expect(storage.get()).toBeNull();
  });
});

describe('problem bodies this client version does not fully know', () => {
  it('keeps the detail, field errors and request id of a problem with an unknown code', async () => {
    state.custom.set('/api/v1/auth/me', (_req, res) => {
      // what the platform answers for a route nothing provides (no x-request-id header here)
      res.writeHead(501, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'https://portalkit.dev/problems/not_implemented',
          title: 'Not implemented',
          status: 501,
          detail: 'GET /api/v1/auth/me is not available in this build',
          code: 'not_implemented',
          requestId: 'req-501',
        }),
      );
    });
    state.custom.set('/api/v1/tenants/t1', (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/problem+json', 'x-request-id': 'req-400' });
      res.end(
        JSON.stringify({
          type: 'https://portalkit.dev/problems/quota_exceeded',
          title: 'Quota exceeded',
          status: 400,
          detail: 'the tenant has no room left',
          code: 'quota_exceeded',
          errors: [{ path: 'size', message: 'over the quota' }],
        }),
      );
    });
    const pair = issue();
    const client = createClient({
      baseUrl: base,
      retry: false,
      tokens: memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
    });
    const notImplemented = await client.auth.me().catch((e: unknown) => e);
    expect(notImplemented).toMatchObject({
      code: 'http_error',
      status: 501,
      detail: 'GET /api/v1/auth/me is not available in this build',
      requestId: 'req-501',
    });
    expect((notImplemented as Error).message).toContain('not_implemented');
    await expect(client.tenants.get('t1')).rejects.toMatchObject({
      code: 'validation_failed',
      status: 400,
      detail: 'the tenant has no room left',
      errors: [{ path: 'size', message: 'over the quota' }],
      requestId: 'req-400',
    });
  });
});

describe('sign-out events', () => {
  it('logoutAll whose refresh finds the session revoked emits one signedOut, not two', async () => {
    const { client, tokens } = expiredClient();
    const stored = await tokens.get();
    state.live.delete(stored!.refreshToken);
    state.used.add(stored!.refreshToken); // rotated elsewhere: presenting it is a reuse
    const events: SignedOutEvent[] = [];
    client.on('signedOut', (e) => events.push(e));
    await expect(client.auth.logoutAll()).rejects.toMatchObject({ code: 'token_reused' });
    expect(events.map((e) => e.reason)).toEqual(['token_reused']);
    expect(await tokens.get()).toBeNull();
  });

  it('logout and logoutAll emit signedOut once when signed in, and not again when already signed out', async () => {
    const { client } = expiredClient();
    const events: SignedOutEvent[] = [];
    client.on('signedOut', (e) => events.push(e));
    await client.auth.logout();
    await client.auth.logout();
    await expect(client.auth.logoutAll()).rejects.toMatchObject({ code: 'not_signed_in' });
    expect(events).toEqual([{ reason: 'logout' }]);
  });
});

describe('download file names', () => {
  it('keeps only the last path segment of the name the answer suggests', async () => {
    const pair = issue();
    const names: Record<string, string> = {
      '/api/v1/tenants/t1/files/f1/download': 'attachment; filename="../../.bashrc"',
      '/api/v1/tenants/t1/files/f2/download': "attachment; filename*=UTF-8''..%2F..%5Cevil%0A.sh",
      '/api/v1/tenants/t1/files/f3/download': 'attachment; filename=".."',
      '/api/v1/tenants/t1/files/f4/download': "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
    };
    for (const [path, disposition] of Object.entries(names)) {
      state.custom.set(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': disposition });
        res.end('x');
      });
    }
    const client = createClient({
      baseUrl: base,
      tokens: memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
    });
    const fileName = async (id: string) => {
      const download = await client.files.download('t1', id);
      await download.text();
      return download.fileName;
    };
    expect(await fileName('f1')).toBe('.bashrc');
    expect(await fileName('f2')).toBe('evil.sh');
    expect(await fileName('f3')).toBeNull();
    expect(await fileName('f4')).toBe('résumé.pdf');
  });
});

describe('several clients on one session (tabs sharing localStorage)', () => {
  /** An in-process stand-in for the Web Locks API (navigator.locks), which Node does not have. */
  function webLocks() {
    const tails = new Map<string, Promise<unknown>>();
    return {
      request<T>(name: string, callback: () => Promise<T>): Promise<T> {
        const run = (tails.get(name) ?? Promise.resolve()).then(callback);
        tails.set(
          name,
          run.catch(() => undefined),
        );
        return run;
      },
    };
  }

  function tabs(locks: ReturnType<typeof webLocks> | null) {
    const pair = issue();
    state.access.delete(pair.accessToken); // expired in both tabs at once
    const shared = memoryTokenStorage({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    return [1, 2].map(() => createClient({ baseUrl: base, tokens: shared, retry: false, locks }));
  }

  it('with the Web Locks API, their refreshes take turns and each presents the newest token', async () => {
    const [a, b] = tabs(webLocks());
    const answers = await Promise.all([a!.tenants.get('t1'), b!.tenants.get('t1')]);
    expect(answers.map((x) => x.tenant.id)).toEqual(['t1', 't1']);
    expect(state.reused).toBe(0);
    expect(new Set(state.refreshes.map((r) => r.refreshToken)).size).toBe(state.refreshes.length);
  });

  it('without a lock (locks: null) two tabs refreshing at once revoke the session (the known limit)', async () => {
    const [a, b] = tabs(null);
    const results = await Promise.allSettled([a!.tenants.get('t1'), b!.tenants.get('t1')]);
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
    expect(state.reused).toBe(1);
  });
});
