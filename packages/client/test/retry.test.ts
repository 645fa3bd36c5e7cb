import { createClient, isApiError, memoryTokenStorage } from '@portalkit/client';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BASE, useMsw } from './fixtures.js';

const server = useMsw();
const tenant = { id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: '2026-01-31T12:00:00.000Z' };
const signedIn = () => memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' });

/** Records the (fake) time of each request and answers from a script. */
function scripted(method: 'get' | 'post', path: string, script: Array<() => Response>) {
  const times: number[] = [];
  server.use(
    http[method](`${BASE}${path}`, () => {
      times.push(Date.now());
      const next = script[Math.min(times.length - 1, script.length - 1)];
      return next!();
    }),
  );
  return times;
}

/** Settles a promise while advancing fake time in small steps. */
async function settle<T>(promise: Promise<T>, totalMs: number): Promise<PromiseSettledResult<T>> {
  const result = Promise.allSettled([promise]).then(([r]) => r!);
  for (let t = 0; t < totalMs; t += 50) await vi.advanceTimersByTimeAsync(50);
  return result;
}

describe('retries (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-02-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('retries an idempotent GET on 503 with exponential backoff and jitter', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // jitter at its maximum: the full exponential delay
    const times = scripted('get', '/api/v1/tenants/t1', [
      () => new HttpResponse(null, { status: 503 }),
      () => new HttpResponse(null, { status: 502 }),
      () => HttpResponse.json({ tenant }),
    ]);
    const client = createClient({ baseUrl: BASE, tokens: signedIn(), retry: { limit: 3, baseDelayMs: 1000 } });
    const result = await settle(client.tenants.get('t1'), 5000);
    expect(result.status).toBe('fulfilled');
    expect(times.map((t) => t - times[0]!)).toEqual([0, 1000, 3000]);
  });

  it('jitters each delay between half and all of the exponential delay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const times = scripted('get', '/api/v1/tenants/t1', [() => new HttpResponse(null, { status: 500 })]);
    const client = createClient({ baseUrl: BASE, tokens: signedIn(), retry: { limit: 2, baseDelayMs: 1000 } });
    const result = await settle(client.tenants.get('t1'), 5000);
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'http_error', status: 500 });
    expect(times.map((t) => t - times[0]!)).toEqual([0, 500, 1500]);
  });

  it('honours Retry-After (seconds) on 429, even for a POST', async () => {
    const times: number[] = [];
    server.use(
      http.post(`${BASE}/api/v1/auth/forgot-password`, () => {
        times.push(Date.now());
        if (times.length === 1) {
          return HttpResponse.json(
            { type: 'x', title: 'x', status: 429, code: 'rate_limited' },
            { status: 429, headers: { 'retry-after': '7', 'content-type': 'application/problem+json' } },
          );
        }
        return HttpResponse.json({ status: 'reset_sent' }, { status: 202 });
      }),
    );
    const client = createClient({ baseUrl: BASE });
    const result = await settle(client.auth.forgotPassword({ email: 'a@example.com' }), 8000);
    expect(result.status).toBe('fulfilled');
    expect(times.map((t) => t - times[0]!)).toEqual([0, 7000]);
  });

  it('honours Retry-After as an HTTP date on 503', async () => {
    const times: number[] = [];
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1`, () => {
        times.push(Date.now());
        if (times.length === 1) {
          const at = new Date(Date.now() + 3000).toUTCString();
          return new HttpResponse(null, { status: 503, headers: { 'retry-after': at } });
        }
        return HttpResponse.json({ tenant });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    const result = await settle(client.tenants.get('t1'), 4000);
    expect(result.status).toBe('fulfilled');
    expect(times[1]! - times[0]!).toBe(3000);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs: it throws with retryAfter at once', async () => {
    const times = scripted('post', '/api/v1/auth/login', [
      () =>
        HttpResponse.json(
          { type: 'x', title: 'x', status: 429, code: 'rate_limited', detail: 'too many attempts' },
          { status: 429, headers: { 'retry-after': '900', 'content-type': 'application/problem+json' } },
        ),
    ]);
    const client = createClient({ baseUrl: BASE });
    const result = await settle(client.auth.login({ email: 'a@example.com', password: 'x' }), 100);
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited', retryAfter: 900 });
    expect(times).toHaveLength(1);
  });

  it('never retries a non-idempotent POST on 500 or on a network error', async () => {
    const times = scripted('post', '/api/v1/tenants', [() => new HttpResponse(null, { status: 500 })]);
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    const result = await settle(client.tenants.create({ name: 'Acme', slug: 'acme' }), 3000);
    expect(result.status).toBe('rejected');
    expect(times).toHaveLength(1);
    server.use(http.post(`${BASE}/api/v1/tenants`, () => HttpResponse.error()));
    const failed = await settle(client.tenants.create({ name: 'Acme', slug: 'acme' }), 3000);
    expect((failed as PromiseRejectedResult).reason).toMatchObject({ code: 'network_error', status: 0 });
  });

  it('retries a GET after a network error, and stops after the limit', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const times = scripted('get', '/api/v1/tenants/t1', [() => HttpResponse.error()]);
    const client = createClient({ baseUrl: BASE, tokens: signedIn(), retry: { limit: 2, baseDelayMs: 100 } });
    const result = await settle(client.tenants.get('t1'), 1000);
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'network_error' });
    expect(times.map((t) => t - times[0]!)).toEqual([0, 100, 300]);
  });

  it('makes a single attempt with retry: false', async () => {
    const times = scripted('get', '/api/v1/tenants/t1', [() => new HttpResponse(null, { status: 503 })]);
    const client = createClient({ baseUrl: BASE, tokens: signedIn(), retry: false });
    const result = await settle(client.tenants.get('t1'), 3000);
    expect((result as PromiseRejectedResult).reason).toMatchObject({ status: 503 });
    expect(times).toHaveLength(1);
  });

  it('times out a slow answer with code timeout', async () => {
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1`, async () => {
        await new Promise((r) => setTimeout(r, 10_000));
        return HttpResponse.json({ tenant });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn(), timeoutMs: 1000, retry: false });
    const result = await settle(client.tenants.get('t1'), 1500);
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason;
    expect(isApiError(error) && error.code).toBe('timeout');
  });

  it('aborts during a backoff wait with code aborted, without further attempts', async () => {
    const times = scripted('get', '/api/v1/tenants/t1', [() => new HttpResponse(null, { status: 503 })]);
    const client = createClient({ baseUrl: BASE, tokens: signedIn(), retry: { limit: 5, baseDelayMs: 10_000 } });
    const controller = new AbortController();
    const pending = client.tenants.get('t1', { signal: controller.signal });
    const result = Promise.allSettled([pending]);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('user left the page'));
    const [settled] = await result;
    expect((settled as PromiseRejectedResult).reason).toMatchObject({ code: 'aborted' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(times).toHaveLength(1);
  });
});

describe('abort', () => {
  it('aborts an in-flight request with code aborted and keeps the reason as cause', async () => {
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1`, async () => {
        await new Promise((r) => setTimeout(r, 5_000));
        return HttpResponse.json({ tenant });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    const controller = new AbortController();
    const pending = client.tenants.get('t1', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'aborted', status: 0 });
    expect((error as Error).cause).toEqual(new Error('stop'));
  });

  it('rejects at once with an already aborted signal', async () => {
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    await expect(client.tenants.get('t1', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
  });
});
