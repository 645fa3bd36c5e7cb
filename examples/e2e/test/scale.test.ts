import { join } from 'node:path';
import { exportSigningKey, generateSigningKey } from '@portalkit/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, type RunningServer, SERVERS, startServer } from './harness.js';
import { tokenFromMail } from './mail.js';
import { useModes } from './modes.js';

const modes = useModes();
const PASSWORD = 'violet-otter-harbour-93';

// Two instances of one server on one PostgreSQL + Redis + S3, as behind a load balancer: they share
// the signing keys and the public URL (the token issuer), nothing else. Each server's pair gets its
// own user and Redis key prefix, so the rate-limit budgets of the two pairs never mix.
describe.skipIf(!modes.available('services')).each(SERVERS)('two %s instances on shared services', (name) => {
  let one: RunningServer;
  let two: RunningServer;
  const email = `scale.${name}@example.com`;

  beforeAll(async () => {
    const keys = JSON.stringify([await exportSigningKey(await generateSigningKey())]);
    const services = modes.env('services');
    const env = {
      ...services,
      REDIS_PREFIX: `${services.REDIS_PREFIX}${name}:`,
      JWT_PRIVATE_KEYS: keys,
      PUBLIC_URL: 'http://127.0.0.1:8080',
    };
    [one, two] = await Promise.all([startServer(name, env), startServer(name, env)]);
    expect((await post(one, '/api/v1/auth/register', { email, password: PASSWORD, name: 'Scale' })).status).toBe(202);
    const token = await tokenFromMail(join(one.dataDir, 'mail'), email, /verify/i);
    expect((await post(two, '/api/v1/auth/verify-email', { token })).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('an access token from one instance is accepted by the other', async () => {
    const login = await (await post(one, '/api/v1/auth/login', { email, password: PASSWORD })).json();
    const me = await fetch(`${two.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${login.accessToken}` } });
    expect(me.status).toBe(200);
  });

  it('refresh-token reuse is detected across instances and kills the session everywhere', async () => {
    const login = await (await post(one, '/api/v1/auth/login', { email, password: PASSWORD })).json();
    const rotated = await post(one, '/api/v1/auth/refresh', { refreshToken: login.refreshToken });
    expect(rotated.status).toBe(200);
    const fresh = await rotated.json();
    const reuse = await post(two, '/api/v1/auth/refresh', { refreshToken: login.refreshToken });
    expect(reuse.status).toBe(401);
    expect((await reuse.json()).code).toBe('token_reused');
    expect((await post(one, '/api/v1/auth/refresh', { refreshToken: fresh.refreshToken })).status).toBe(401);
    // The revoked session's access token stops at once on both instances (Redis revocation list).
    for (const server of [one, two]) {
      const me = await fetch(`${server.url}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${fresh.accessToken}` },
      });
      expect(me.status).toBe(401);
    }
  });

  it('login failures share one rate-limit budget across instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const server = i % 2 === 0 ? one : two;
      statuses.push((await post(server, '/api/v1/auth/login', { email, password: 'not-the-password-7' })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const blocked = await post(two, '/api/v1/auth/login', { email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
