import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSigningKey, generateSigningKey } from '@portalkit/auth';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { post, type RunningServer, removeTemplates, SERVERS, startServer } from './harness.js';
import { signUpTenantAdmin } from './mail.js';
import { useModes } from './modes.js';

// An operator's view of the reference servers: start-up configuration, readiness while a
// dependency goes away and comes back, shutdown, key rotation. Dependencies are taken away with a
// TCP proxy in front of the real PostgreSQL and Redis (fault injection: the services themselves are
// shared and stay up).

const modes = useModes();
afterAll(removeTemplates);

/** A TCP proxy to a local port that can refuse, stall (accept and never answer) and come back. */
interface FaultProxy {
  port: number;
  /** Stops forwarding: open connections stop moving, new ones are accepted and left hanging. */
  stall(): void;
  /** Closes every connection and stops listening (connection refused). */
  down(): Promise<void>;
  /** Listens again on the same port and forwards. */
  up(): Promise<void>;
  close(): Promise<void>;
}

async function faultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let stalled = false;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    client.on('close', () => sockets.delete(client));
    if (stalled) return;
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  const port = await listen(0);
  const down = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    stall() {
      stalled = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    down,
    async up() {
      stalled = false;
      await listen(port);
    },
    close: async () => {
      if (server.listening) await down();
      else for (const socket of sockets) socket.destroy();
    },
  };
}

/** `url` with its port replaced (to go through a proxy). */
function through(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

async function readiness(server: RunningServer): Promise<{ status: number; checks: unknown; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${server.url}/ready`);
  const body = (await res.json()) as { checks: unknown };
  return { status: res.status, checks: body.checks, ms: Date.now() - started };
}

/** Waits for the process to exit after `server.stop()` was asked, and how long it took. */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

const PASSWORD = 'violet-otter-harbour-93';

describe.each(SERVERS)('%s operations', (name) => {
  describe('start-up configuration', () => {
    it('refuses bad values with one line per variable naming it, never a secret, and exits 1', async () => {
      const attempt = startServer(name, {
        HOST: 'not a host!!',
        PUBLIC_URL: 'https://admin:pub-pa55@example.com/?utm=1',
        STORAGE_PROVIDER: 's3',
        STORAGE_BUCKET: 'portalkit-files',
        STORAGE_REGION: 'eu-west-1',
        STORAGE_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        STORAGE_SIGNING_SECRET: 'sixteen-char-secret',
        JWT_PRIVATE_KEYS: '[{"kty":"OKP","d":"cHJpdmF0ZS1rZXktbWF0ZXJpYWw"}]',
      });
      const message = await attempt.then(
        () => 'started',
        (err: Error) => err.message,
      );
      const lines = message.split('\n').filter((l) => /^\s+[A-Z_]+: /.test(l));
      expect(lines.map((l) => l.trim().split(':')[0])).toEqual([
        'HOST',
        'PUBLIC_URL',
        'STORAGE_SECRET_ACCESS_KEY',
        'STORAGE_SIGNING_SECRET',
        'JWT_PRIVATE_KEYS',
      ]);
      for (const secret of ['pub-pa55', 'sixteen-char-secret', 'cHJpdmF0ZS1rZXktbWF0ZXJpYWw']) {
        expect(message).not.toContain(secret);
      }
    });

    it.skipIf(!modes.available('services'))(
      'an unreachable database or Redis is named by its variable, without its password',
      async () => {
        const closed = await faultProxy(5432);
        await closed.down(); // a port nothing listens on
        const database = new URL(through(modes.env('services').DATABASE_URL ?? '', closed.port));
        database.password = 'db-pa55word';
        const dbError = await startServer(name, { DATABASE_URL: database.toString() }).then(
          () => 'started',
          (err: Error) => err.message,
        );
        expect(dbError).toMatch(
          /failed to start: \[portalkit\/platform\] cannot open DATABASE_URL \(postgres(ql)?:\/\/postgres:\*\*\*@/,
        );
        expect(dbError).not.toContain('db-pa55word');
        const redisError = await startServer(name, {
          ...modes.env('services'),
          REDIS_URL: `redis://:redis-pa55word@127.0.0.1:${closed.port}`,
        }).then(
          () => 'started',
          (err: Error) => err.message,
        );
        expect(redisError).toMatch(/cannot open REDIS_URL \(redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\)/);
        expect(redisError).not.toContain('redis-pa55word');
      },
    );
  });

  describe('embedded PGlite in DATA_DIR', () => {
    it('a second process on the same DATA_DIR is refused (PGlite serves one process), a stopped or killed one does not block', async () => {
      // A directory of the test's own: the harness deletes the ones it made when their server stops.
      const dataDir = await mkdtemp(join(tmpdir(), `portalkit-e2e-ops-${name}-`));
      const first = await startServer(name, {}, { dataDir });
      try {
        const second = await startServer(name, {}, { dataDir }).then(
          async (server) => {
            await server.stop('SIGKILL');
            return 'started';
          },
          (err: Error) => err.message,
        );
        expect(second).toMatch(/cannot open DATA_DIR .*pglite is in use by process \d+/);
        // After a clean stop the directory is free again; after a crash (SIGKILL) too.
        expect(await first.stop('SIGKILL')).toBeNull();
        const third = await startServer(name, {}, { dataDir });
        expect(await third.stop('SIGTERM')).toBe(0);
        const fourth = await startServer(name, {}, { dataDir });
        expect((await fetch(`${fourth.url}/ready`)).status).toBe(200);
        await fourth.stop('SIGTERM');
      } finally {
        await first.stop('SIGKILL');
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe.skipIf(!modes.available('services'))('readiness while a dependency goes away and comes back', () => {
    it('GET /ready names the failing check at once (within one 2 s check), then recovers', async () => {
      const services = modes.env('services');
      const pg = await faultProxy(Number(new URL(services.DATABASE_URL ?? '').port || 5432));
      const redis = await faultProxy(Number(new URL(services.REDIS_URL ?? '').port || 6379));
      const server = await startServer(name, {
        ...services,
        DATABASE_URL: through(services.DATABASE_URL ?? '', pg.port),
        REDIS_URL: through(services.REDIS_URL ?? '', redis.port),
      });
      try {
        expect(await readiness(server)).toMatchObject({ status: 200 });

        await redis.down();
        expect(await readiness(server)).toMatchObject({
          status: 503,
          checks: { database: 'ok', storage: 'ok', cache: 'failed' },
        });
        await redis.up();
        await vi.waitFor(async () => expect((await readiness(server)).status).toBe(200), {
          timeout: 15_000,
          interval: 250,
        });

        await pg.down();
        expect(await readiness(server)).toMatchObject({
          status: 503,
          checks: { database: 'failed', storage: 'ok', cache: 'ok' },
        });
        await pg.up();
        await vi.waitFor(async () => expect((await readiness(server)).status).toBe(200), {
          timeout: 15_000,
          interval: 250,
        });

        // Both stop answering (a network partition): one answer naming both, within one check's bound.
        pg.stall();
        redis.stall();
        const partitioned = await readiness(server);
        expect(partitioned).toMatchObject({
          status: 503,
          checks: { database: 'failed', storage: 'ok', cache: 'failed' },
        });
        expect(partitioned.ms).toBeLessThan(3500);
      } finally {
        await server.stop('SIGKILL');
        await Promise.all([pg.close(), redis.close()]);
      }
    });
  });

  describe.skipIf(!modes.available('services'))('database connections dropped under a query', () => {
    it('fail the requests that were using them, never the process; the next requests work', async () => {
      const services = modes.env('services');
      const pg = await faultProxy(Number(new URL(services.DATABASE_URL ?? '').port || 5432));
      const server = await startServer(name, { DATABASE_URL: through(services.DATABASE_URL ?? '', pg.port) });
      try {
        // Queries in flight on checked-out connections, then every connection drops (a restart).
        pg.stall();
        const inFlight = [1, 2, 3].map(() =>
          post(server, '/api/v1/auth/login', { email: 'dropped@example.com', password: PASSWORD }).then(
            (r) => r.status,
            () => 0,
          ),
        );
        await new Promise((r) => setTimeout(r, 500));
        await pg.down();
        for (const status of await Promise.all(inFlight)) expect(status).toBeGreaterThanOrEqual(500);
        await pg.up();
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
        await vi.waitFor(async () => expect((await readiness(server)).status).toBe(200), {
          timeout: 15_000,
          interval: 250,
        });
        const login = await post(server, '/api/v1/auth/login', { email: 'dropped@example.com', password: PASSWORD });
        expect(login.status).toBe(401);
        expect(server.stderr()).not.toMatch(/Unhandled 'error' event/);
      } finally {
        await server.stop('SIGKILL');
        await pg.close();
      }
    });
  });

  describe('shutdown', () => {
    it('a keep-alive connection busy at SIGTERM is closed after its answer, not held open until its keep-alive timeout', async () => {
      const server = await startServer(name);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const body = JSON.stringify({ email: 'keepalive@example.com', password: 'not-the-password-1' });
        const req = http.request(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        });
        const answered = new Promise<{ status: number | undefined; connection: string | undefined; at: number }>(
          (resolve, reject) => {
            req.on('response', (res) => {
              res.resume();
              res.on('end', () =>
                resolve({ status: res.statusCode, connection: res.headers.connection, at: Date.now() }),
              );
            });
            req.on('error', reject);
          },
        );
        req.write(body.slice(0, 10));
        await new Promise((r) => setTimeout(r, 300));
        const exited = server.stop('SIGTERM').then((code) => ({ code, at: Date.now() }));
        await new Promise((r) => setTimeout(r, 300));
        req.end(body.slice(10));
        const answer = await answered;
        expect(answer).toMatchObject({ status: 401, connection: 'close' });
        const exit = await exited;
        expect(exit.code).toBe(0);
        // Node's keep-alive timeout is 5 s: a connection left open would hold the exit that long.
        expect(exit.at - answer.at).toBeLessThan(2500);
      } finally {
        agent.destroy();
        await server.stop('SIGKILL');
      }
    });

    it.skipIf(!modes.available('services'))(
      'a database that stops answering cannot hold the process: it exits 1 once closing is past its bound',
      async () => {
        const services = modes.env('services');
        const pg = await faultProxy(Number(new URL(services.DATABASE_URL ?? '').port || 5432));
        const server = await startServer(name, {
          DATABASE_URL: through(services.DATABASE_URL ?? '', pg.port),
          SHUTDOWN_TIMEOUT_MS: '1000',
        });
        try {
          pg.stall();
          // A request that waits on the database when the stop comes.
          const pending = post(server, '/api/v1/auth/login', {
            email: 'stalled@example.com',
            password: PASSWORD,
          }).catch(() => null);
          await new Promise((r) => setTimeout(r, 300));
          const { value: code, ms } = await timed(() => server.stop('SIGTERM', 40_000));
          await pending;
          // 1 s for requests, 10 s for closing, then exit 1 (it never exited before: SIGKILL after 40 s).
          expect(code).toBe(1);
          expect(ms).toBeLessThan(16_000);
          expect(server.logs.map((l) => l.msg)).toContain(
            'shutdown: closing the platform did not finish in time (is the database or Redis answering?); audit events still buffered are lost',
          );
        } finally {
          await server.stop('SIGKILL');
          await pg.close();
        }
      },
    );

    it.skipIf(!modes.available('services'))(
      'audit events that cannot be written at shutdown (database gone) make the process exit 1, at once',
      async () => {
        const services = modes.env('services');
        const pg = await faultProxy(Number(new URL(services.DATABASE_URL ?? '').port || 5432));
        const server = await startServer(name, { DATABASE_URL: through(services.DATABASE_URL ?? '', pg.port) });
        try {
          const email = `lost-audit.${name}@example.com`;
          // Five failed sign-ins (database up) use the account's budget; their events are written.
          for (let i = 0; i < 5; i++) {
            expect((await post(server, '/api/v1/auth/login', { email, password: 'not-the-password-1' })).status).toBe(
              401,
            );
          }
          await new Promise((r) => setTimeout(r, 500));
          await pg.down();
          // The sixth is refused by the rate limit before any database read; its audit event is
          // buffered and cannot be written any more.
          expect((await post(server, '/api/v1/auth/login', { email, password: 'not-the-password-1' })).status).toBe(
            429,
          );
          const { value: code, ms } = await timed(() => server.stop('SIGTERM', 30_000));
          expect(code).toBe(1); // was 0: the loss was only logged
          expect(ms).toBeLessThan(5000); // no wait for the 10 s close bound: the step failed
          const failed = server.logs.find((l) => l.msg === 'closing the audit failed') as
            | { err?: { message?: string } }
            | undefined;
          expect(failed?.err?.message).toMatch(/close\(\): 1 audit event was not written/);
          expect(server.logs.map((l) => l.msg)).toContain(
            'shutdown: closing the platform failed (a close step failed: audit events may be lost)',
          );
          expect(server.logs.map((l) => l.msg)).not.toContain('stopped');
        } finally {
          await server.stop('SIGKILL');
          await pg.close();
        }
      },
    );

    it('a download still streaming at SIGTERM is cut after SHUTDOWN_TIMEOUT_MS; the process exits 0', async () => {
      const server = await startServer(name, {
        SHUTDOWN_TIMEOUT_MS: '1000',
        STORAGE_MAX_FILE_SIZE: String(64 * 1024 * 1024),
      });
      try {
        const { client, tenantId } = await signUpTenantAdmin(
          server,
          { email: `download.${name}@example.com`, password: PASSWORD, name: 'Download' },
          { name: 'Downloads', slug: `downloads-${name}` },
        );
        // 40 MiB: more than the loopback socket buffers hold, so the answer is still being written.
        const bytes = new Blob([new Uint8Array(40 * 1024 * 1024).fill(0x61)], { type: 'text/plain' });
        const { file } = await client.files.upload(tenantId, bytes, { name: 'big.txt' });
        const download = await client.files.download(tenantId, file.id); // headers in, body never read
        expect(download).toBeDefined();
        const { value: code, ms } = await timed(() => server.stop('SIGTERM'));
        expect(code).toBe(0);
        expect(ms).toBeLessThan(5000);
        expect(server.logs.map((l) => l.msg)).toEqual(
          expect.arrayContaining(['shutdown timeout: closing remaining connections', 'stopped']),
        );
      } finally {
        await server.stop('SIGKILL');
      }
    });

    it('a second signal a while after the first exits at once with 1; a repeat right after the first is the same stop', async () => {
      const server = await startServer(name, { SHUTDOWN_TIMEOUT_MS: '30000' });
      try {
        // A request that keeps the shutdown waiting (its body never ends).
        const req = http.request(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': '100' },
        });
        req.on('error', () => {});
        req.write('{"email":');
        await new Promise((r) => setTimeout(r, 300));
        process.kill(server.pid, 'SIGINT');
        process.kill(server.pid, 'SIGINT'); // as npm/pnpm forward Ctrl-C to a child that got it too
        await new Promise((r) => setTimeout(r, 1500));
        expect(server.logs.map((l) => l.msg)).not.toContain(
          'second stop signal: exiting now, without finishing the shutdown',
        );
        const { value: code, ms } = await timed(() => server.stop('SIGTERM'));
        expect(code).toBe(1);
        expect(ms).toBeLessThan(2000);
        expect(server.logs.map((l) => l.msg)).toContain(
          'second stop signal: exiting now, without finishing the shutdown',
        );
        req.destroy();
      } finally {
        await server.stop('SIGKILL');
      }
    });
  });

  describe.skipIf(!modes.available('services'))('JWT key rotation with JWT_PRIVATE_KEYS', () => {
    it('the first key signs, the others still verify; a key dropped from the list stops its tokens', async () => {
      const [oldKey, newKey] = await Promise.all([
        generateSigningKey({ kid: `old-${name}` }),
        generateSigningKey({ kid: `new-${name}` }),
      ]);
      const [oldJwk, newJwk] = await Promise.all([exportSigningKey(oldKey), exportSigningKey(newKey)]);
      const services = modes.env('services');
      // The issuer is PUBLIC_URL: one value across the restarts (each gets another port).
      const env = {
        ...services,
        REDIS_PREFIX: `${services.REDIS_PREFIX}rotation-${name}:`,
        PUBLIC_URL: 'http://127.0.0.1:8080',
      };
      const email = `rotation.${name}@example.com`;
      const kidOf = (token: string) =>
        JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid as string;
      const me = (server: RunningServer, token: string) =>
        fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

      let server = await startServer(name, { ...env, JWT_PRIVATE_KEYS: JSON.stringify([oldJwk]) });
      let oldToken = '';
      try {
        expect(
          (await post(server, '/api/v1/auth/register', { email, password: PASSWORD, name: 'Rotation' })).status,
        ).toBe(202);
        const { tokenFromMail } = await import('./mail.js');
        const token = await tokenFromMail(`${server.dataDir}/mail`, email, /verify/i);
        expect((await post(server, '/api/v1/auth/verify-email', { token })).status).toBe(200);
        oldToken = (await (await post(server, '/api/v1/auth/login', { email, password: PASSWORD })).json()).accessToken;
        expect(kidOf(oldToken)).toBe(`old-${name}`);
      } finally {
        await server.stop();
      }

      server = await startServer(name, { ...env, JWT_PRIVATE_KEYS: JSON.stringify([newJwk, oldJwk]) });
      try {
        const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
        expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([`new-${name}`, `old-${name}`]);
        expect(await me(server, oldToken)).toBe(200);
        const fresh = (await (await post(server, '/api/v1/auth/login', { email, password: PASSWORD })).json())
          .accessToken;
        expect(kidOf(fresh)).toBe(`new-${name}`);
      } finally {
        await server.stop();
      }

      server = await startServer(name, { ...env, JWT_PRIVATE_KEYS: JSON.stringify([newJwk]) });
      try {
        expect(await me(server, oldToken)).toBe(401);
      } finally {
        await server.stop();
      }
    });
  });
});
