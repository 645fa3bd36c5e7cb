import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, removeTemplates, SERVERS, startServer } from './harness.js';
import { MODES, useModes } from './modes.js';

const modes = useModes();
afterAll(removeTemplates);

describe.each(SERVERS)('%s', (name) => {
  describe.each(MODES)('platform routes (%s)', (mode) => {
    let server: RunningServer;
    beforeAll(async () => {
      if (!modes.available(mode)) return;
      server = await startServer(name, modes.env(mode));
    });
    afterAll(async () => {
      await server?.stop();
    });

    it.skipIf(!modes.available(mode))('GET /health answers 200 {status:"ok"} with an x-request-id', async () => {
      const res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it.skipIf(!modes.available(mode))('echoes a well-formed x-request-id and replaces a malformed one', async () => {
      const good = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'client-req-12345' } });
      expect(good.headers.get('x-request-id')).toBe('client-req-12345');
      const bad = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'bad id <script>' } });
      expect(bad.headers.get('x-request-id')).not.toBe('bad id <script>');
      await vi.waitFor(() => {
        const line = server.logs.find((l) => l.requestId === 'client-req-12345');
        expect(line).toMatchObject({ path: '/health', status: 200 });
      });
    });

    it.skipIf(!modes.available(mode))('GET /ready checks database, storage and cache', async () => {
      const res = await fetch(`${server.url}/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ checks: { database: 'ok', storage: 'ok', cache: 'ok' } });
    });

    it.skipIf(!modes.available(mode))('unknown routes are problem+json 404 with security headers', async () => {
      const res = await fetch(`${server.url}/api/v1/nothing-here`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.json()).toMatchObject({ status: 404, code: 'not_found', title: expect.any(String) });
    });

    it.skipIf(!modes.available(mode))('a JSON body over 1 MiB is refused with 413 payload_too_large', async () => {
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024 + 10) }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
    });

    it.skipIf(!modes.available(mode))(
      'malformed JSON is a 400 validation_failed without parser internals',
      async () => {
        const res = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"email": ',
        });
        expect(res.status).toBe(400);
        const body = await res.json();
        expect(body.code).toBe('validation_failed');
        expect(JSON.stringify(body)).not.toMatch(/SyntaxError|at .*\.js/);
      },
    );

    it.skipIf(!modes.available(mode))('/docs renders with assets served locally (no CDN)', async () => {
      const res = await fetch(`${server.url}/docs`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(sources.length).toBeGreaterThan(0);
      for (const src of sources) {
        expect(src.startsWith('/')).toBe(true);
        const asset = await fetch(`${server.url}${src}`);
        expect(asset.status, src).toBe(200);
      }
    });
  });

  describe('contract-driven routes (embedded)', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer(name);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('GET /openapi.json serves the OpenAPI 3.1 document of the contract', async () => {
      const res = await fetch(`${server.url}/openapi.json`);
      expect(res.status).toBe(200);
      const doc = await res.json();
      expect(doc.openapi).toMatch(/^3\.1/);
      expect(Object.keys(doc.paths)).toContain('/api/v1/tenants/{tenantId}/files');
    });

    it('GET /.well-known/jwks.json publishes the public signing key with its kid', async () => {
      const res = await fetch(`${server.url}/.well-known/jwks.json`);
      expect(res.status).toBe(200);
      const jwks = await res.json();
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kid: expect.any(String), alg: expect.stringMatching(/EdDSA|ES256/) });
      expect(jwks.keys[0].d).toBeUndefined();
    });

    it('the signing key survives a restart on the same DATA_DIR', async () => {
      // One process at a time on a DATA_DIR (the embedded database's lock): stop, then start again.
      const dataDir = await mkdtemp(join(tmpdir(), `portalkit-e2e-restart-${name}-`));
      try {
        const first = await startServer(name, {}, { dataDir });
        const before = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
        expect(await first.stop()).toBe(0);
        const again = await startServer(name, {}, { dataDir });
        const after = await (await fetch(`${again.url}/.well-known/jwks.json`)).json();
        expect(await again.stop()).toBe(0);
        expect(after.keys[0].kid).toBe(before.keys[0].kid);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    it('authenticated routes answer 401 unauthorized without a bearer token', async () => {
      const res = await fetch(`${server.url}/api/v1/auth/me`);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
      const forged = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: 'Bearer a.b.c' } });
      expect(forged.status).toBe(401);
    });

    it('validates input against the contract before anything else runs (400 with field errors)', async () => {
      const res = await fetch(`${server.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'not-an-email', password: 'x', name: 'A', admin: true }),
      });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.code).toBe('validation_failed');
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['email']));
    });

    it('a JSON route refuses another content type with 415', async () => {
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'email=a@example.com',
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
    });
  });

  describe('process', () => {
    it.skipIf(!modes.available('services'))('GET /ready answers 503 naming the failing check', async () => {
      const server = await startServer(name, { ...modes.env('services'), STORAGE_BUCKET: 'no-such-bucket-here' });
      try {
        const res = await fetch(`${server.url}/ready`, { headers: { 'x-request-id': 'ready-check-503' } });
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({
          status: 'unavailable',
          checks: { database: 'ok', storage: 'failed', cache: 'ok' },
        });
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
        // A line logged while serving a request carries the request's id.
        await vi.waitFor(() => {
          expect(server.logs.filter((l) => l.requestId === 'ready-check-503').map((l) => l.msg)).toEqual([
            'not ready',
            'request completed',
          ]);
        });
      } finally {
        await server.stop();
      }
    });

    it('refuses a bad configuration with one clear line per bad value', async () => {
      await expect(startServer(name, { PORT: 'eighty', STORAGE_MAX_FILE_SIZE: '-1' })).rejects.toThrow(
        /PORT: must be a whole number.*\n.*STORAGE_MAX_FILE_SIZE: must be a whole number/s,
      );
    });

    it('on SIGTERM an in-flight request still gets its complete answer, then the process exits 0', async () => {
      const server = await startServer(name);
      const body = JSON.stringify({ email: 'slow@example.com', password: 'not-the-password-1' });
      let push: (chunk: string | null) => void = () => {};
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (chunk) => (chunk === null ? controller.close() : controller.enqueue(new TextEncoder().encode(chunk)));
        },
      });
      const pending = fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      push(body.slice(0, 10));
      await new Promise((r) => setTimeout(r, 300));
      const exit = server.stop('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      push(body.slice(10));
      push(null);
      const res = await pending;
      expect(res.status).toBe(401);
      expect((await res.json()).code).toBe('invalid_credentials');
      expect(await exit).toBe(0);
    });

    it('exits 0 on SIGTERM and on SIGINT after closing its resources', async () => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        const server = await startServer(name);
        expect(await server.stop(signal)).toBe(0);
        expect(server.logs.map((l) => l.msg)).toContain('stopped');
      }
    });
  });
});
