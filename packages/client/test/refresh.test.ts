import { type ApiError, createClient, memoryTokenStorage, type SignedOutEvent } from '@portalkit/client';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { BASE, problem, tokenPair, useMsw, user } from './fixtures.js';

const server = useMsw();
const tenant = { id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: '2026-01-31T12:00:00.000Z' };

/** A server whose valid access token is `access-<generation>`; refresh rotates to the next one. */
function rotatingServer(options: { refreshFails?: 'token_reused' | 'unauthorized'; refreshDelayMs?: number } = {}) {
  const state = { generation: 1, refreshCalls: 0, refreshBodies: [] as unknown[], served: 0 };
  server.use(
    http.post(`${BASE}/api/v1/auth/refresh`, async ({ request }) => {
      state.refreshCalls++;
      state.refreshBodies.push(await request.json());
      await new Promise((r) => setTimeout(r, options.refreshDelayMs ?? 20));
      if (options.refreshFails) return problem(401, options.refreshFails, 'refresh token rejected');
      state.generation++;
      return HttpResponse.json(tokenPair(state.generation));
    }),
    http.get(`${BASE}/api/v1/tenants/:tenantId`, ({ request }) => {
      if (request.headers.get('authorization') !== `Bearer access-${state.generation}`) {
        return problem(401, 'token_expired', 'the access token expired');
      }
      state.served++;
      return HttpResponse.json({ tenant });
    }),
  );
  return state;
}

describe('refresh on 401 token_expired', () => {
  it('refreshes once for 20 concurrent calls and replays all of them with the new token', async () => {
    const state = rotatingServer();
    state.generation = 2; // the stored access-1 has expired; the refresh will issue access-3
    const tokens = memoryTokenStorage({ accessToken: 'access-1', refreshToken: tokenPair(1).refreshToken });
    const client = createClient({ baseUrl: BASE, tokens });
    const refreshed: unknown[] = [];
    client.on('refreshed', (e) => refreshed.push(e));
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.tenants.get('t1')));
    expect(answers.every((a) => a.tenant.id === 't1')).toBe(true);
    expect(state.refreshCalls).toBe(1);
    expect(state.served).toBe(20);
    expect(state.refreshBodies).toEqual([{ refreshToken: tokenPair(1).refreshToken }]);
    expect(await tokens.get()).toMatchObject({ accessToken: 'access-3', refreshToken: tokenPair(3).refreshToken });
    expect(refreshed).toEqual([{ user }]);
  });

  it('does not refresh again for a call that failed with a token already replaced', async () => {
    const state = rotatingServer();
    const tokens = memoryTokenStorage({ accessToken: 'access-0', refreshToken: tokenPair(0).refreshToken });
    const client = createClient({ baseUrl: BASE, tokens });
    await client.tenants.get('t1'); // refreshes: generation 2
    expect(state.refreshCalls).toBe(1);
    await client.tenants.get('t1');
    expect(state.refreshCalls).toBe(1);
  });

  for (const reason of ['token_reused', 'unauthorized'] as const) {
    it(`signs out and emits signedOut when the refresh fails with ${reason}`, async () => {
      const state = rotatingServer({ refreshFails: reason });
      state.generation = 2;
      const tokens = memoryTokenStorage({ accessToken: 'access-1', refreshToken: tokenPair(1).refreshToken });
      const client = createClient({ baseUrl: BASE, tokens });
      const events: SignedOutEvent[] = [];
      client.on('signedOut', (e) => events.push(e));
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.tenants.get('t1')));
      expect(state.refreshCalls).toBe(1);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: reason, status: 401 });
      }
      expect(await tokens.get()).toBeNull();
      expect(events).toHaveLength(1);
      expect(events[0]?.reason).toBe(reason);
      expect((events[0]!.error as ApiError).code).toBe(reason);
      await expect(client.tenants.get('t1')).rejects.toMatchObject({ code: 'not_signed_in' });
    });
  }

  it('passes other 401 codes through without refreshing', async () => {
    let refreshCalls = 0;
    server.use(
      http.post(`${BASE}/api/v1/auth/refresh`, () => {
        refreshCalls++;
        return HttpResponse.json(tokenPair(2));
      }),
      http.get(`${BASE}/api/v1/auth/me`, () => problem(401, 'unauthorized', 'session revoked')),
    );
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    await expect(client.auth.me()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(refreshCalls).toBe(0);
  });

  it('switches the active tenant with an explicit refresh', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${BASE}/api/v1/auth/refresh`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(tokenPair(7));
      }),
    );
    const tokens = memoryTokenStorage({ accessToken: 'a', refreshToken: tokenPair(6).refreshToken });
    const client = createClient({ baseUrl: BASE, tokens });
    await client.auth.refresh({ tenantId: 't2' });
    expect(bodies).toEqual([{ refreshToken: tokenPair(6).refreshToken, tenantId: 't2' }]);
    expect((await tokens.get())?.accessToken).toBe('access-7');
  });
});

describe('logout', () => {
  it('revokes the session on the server, clears the tokens and emits signedOut', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${BASE}/api/v1/auth/logout`, async ({ request }) => {
        bodies.push(await request.json());
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const tokens = memoryTokenStorage({ accessToken: 'a', refreshToken: tokenPair(1).refreshToken });
    const client = createClient({ baseUrl: BASE, tokens });
    const events: SignedOutEvent[] = [];
    const off = client.on('signedOut', (e) => events.push(e));
    await client.auth.logout();
    expect(bodies).toEqual([{ refreshToken: tokenPair(1).refreshToken }]);
    expect(await tokens.get()).toBeNull();
    expect(events).toEqual([{ reason: 'logout' }]);
    off();
    await client.auth.logout();
    expect(events).toHaveLength(1);
  });

  it('clears local state even when the server is unreachable, and says so', async () => {
    server.use(http.post(`${BASE}/api/v1/auth/logout`, () => HttpResponse.error()));
    const tokens = memoryTokenStorage({ accessToken: 'a', refreshToken: tokenPair(1).refreshToken });
    const client = createClient({ baseUrl: BASE, tokens });
    await expect(client.auth.logout()).rejects.toMatchObject({ code: 'network_error' });
    expect(await tokens.get()).toBeNull();
  });

  it('logoutAll calls the server with the access token and clears the tokens', async () => {
    let auth: string | null = null;
    server.use(
      http.post(`${BASE}/api/v1/auth/logout-all`, ({ request }) => {
        auth = request.headers.get('authorization');
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const tokens = memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' });
    const client = createClient({ baseUrl: BASE, tokens });
    await client.auth.logoutAll();
    expect(auth).toBe('Bearer a');
    expect(await tokens.get()).toBeNull();
  });
});
