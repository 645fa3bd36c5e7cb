import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PortalkitClient } from '@portalkit/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, removeTemplates, SERVERS, startServer } from './harness.js';
import { signUpTenantAdmin } from './mail.js';

// What a hostile or sloppy client sends, answered the same way by both servers, on embedded
// defaults behind one trusted proxy (TRUST_PROXY=1).
afterAll(removeTemplates);

const PASSWORD = 'violet-otter-harbour-93';

/** Status and problem code of a raw response (the body is consumed). */
async function answer(res: Response): Promise<string> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    await res.arrayBuffer();
    return `${res.status} ${type}`;
  }
  return `${res.status} ${((await res.json()) as { code?: string }).code}`;
}

describe.each(SERVERS)('%s', (name) => {
  let server: RunningServer;
  let admin: PortalkitClient;
  let tenantId: string;
  let token: string;

  beforeAll(async () => {
    server = await startServer(name, { TRUST_PROXY: '1' });
    const email = `hardening.${name}@example.com`;
    ({ client: admin, tenantId } = await signUpTenantAdmin(
      server,
      { email, password: PASSWORD, name: 'Hardy' },
      { name: 'Hardening', slug: `hardening-${name}` },
    ));
    token = (await admin.tokens.get())!.accessToken;
  });
  afterAll(async () => {
    if (!server) return;
    expect(await server.stop()).toBe(0);
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/v1${path}`, init);
  const json = (method: string, body: BodyInit | null, headers: Record<string, string> = {}) => ({
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  /** Error-level lines the server logged (unexpected failures), with their messages. */
  const errorLines = () => server.logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg);

  it('an aborted download closes the file it was reading', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(8 * 1024 * 1024, 'a')], { type: 'text/plain' }), 'big.txt');
    const uploaded = await api(`/tenants/${tenantId}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const { file } = (await uploaded.json()) as { file: { id: string } };
    const filesRoot = join(server.dataDir, 'files');
    const openObjects = async () => {
      const links = await Promise.all(
        (await readdir(`/proc/${server.pid}/fd`)).map((fd) => readlink(`/proc/${server.pid}/fd/${fd}`).catch(() => '')),
      );
      return links.filter((l) => l.startsWith(filesRoot) && l.endsWith('big.txt')).length;
    };
    for (let i = 0; i < 5; i++) {
      const aborter = new AbortController();
      const res = await api(`/tenants/${tenantId}/files/${file.id}/download`, {
        headers: { authorization: `Bearer ${token}` },
        signal: aborter.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      aborter.abort();
    }
    // Before the fix, Express kept every one of these files open for good.
    await vi.waitFor(async () => expect(await openObjects()).toBe(0), { timeout: 10_000, interval: 200 });
    // The server still serves the whole file afterwards.
    const whole = await api(`/tenants/${tenantId}/files/${file.id}/download`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await whole.arrayBuffer()).byteLength).toBe(8 * 1024 * 1024);
    // Whatever the bytes, a browser opening a download runs nothing with the API's origin.
    expect(whole.headers.get('content-security-policy')).toMatch(/^sandbox/);
  });

  it('looks docs assets up by their own names only', async () => {
    for (const asset of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(await answer(await fetch(`${server.url}/docs/assets/${asset}`)), asset).toBe('404 not_found');
    }
    expect((await fetch(`${server.url}/docs/assets/swagger-ui.css`)).status).toBe(200);
    expect(errorLines()).toEqual([]);
  });

  it('answers broken percent-encoding in a path with a 4xx problem, never a 500', async () => {
    for (const path of ['/api/v1/tenants/%E0%A4%A', '/docs/assets/%FF', '/storage/%FF?expires=1&signature=x']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers.get('x-request-id'), path).toBeTruthy();
    }
    expect(errorLines()).toEqual([]);
  });

  it('refuses compressed and non-UTF-8 JSON with 415, and a missing body as malformed JSON', async () => {
    const login = JSON.stringify({ email: 'nobody@example.com', password: PASSWORD });
    expect(await answer(await api('/auth/login', json('POST', gzipSync(login), { 'content-encoding': 'gzip' })))).toBe(
      '415 unsupported_media_type',
    );
    expect(await answer(await api('/auth/login', json('POST', login, { 'content-encoding': 'br' })))).toBe(
      '415 unsupported_media_type',
    );
    expect(
      await answer(
        await api('/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=latin1' },
          body: login,
        }),
      ),
    ).toBe('415 unsupported_media_type');
    const empty = await api('/auth/login', json('POST', null));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'validation_failed', detail: 'the body is not valid JSON' });
    expect(errorLines()).toEqual([]);
  });

  it('checks access before reading a body: a malformed body without a token is 401', async () => {
    expect(await answer(await api(`/tenants/${tenantId}`, json('PATCH', '{"name":')))).toBe('401 unauthorized');
    expect(
      await answer(await api(`/tenants/${tenantId}`, json('PATCH', '{"name":', { authorization: `Bearer ${token}` }))),
    ).toBe('400 validation_failed');
  });

  it('matches paths exactly and answers preflights only for tenant routes', async () => {
    const auth = { headers: { authorization: `Bearer ${token}` } };
    expect((await api('/auth/me', auth)).status).toBe(200);
    expect(await answer(await fetch(`${server.url}/API/V1/AUTH/ME`, auth))).toBe('404 not_found');
    expect(await answer(await api('/auth/me/', auth))).toBe('404 not_found');
    expect(await answer(await api('/auth/login', { method: 'OPTIONS' }))).toBe('404 not_found');
  });

  it('takes the client address the trusted proxy saw, not what the caller prepended', async () => {
    const login = (forwardedFor: string, password: string) =>
      api(
        '/auth/login',
        json('POST', JSON.stringify({ email: `hardening.${name}@example.com`, password }), {
          'x-forwarded-for': forwardedFor,
        }),
      );
    const ok = await login('203.0.113.66, 198.51.100.77', PASSWORD);
    expect(ok.status).toBe(200);
    const { accessToken } = (await ok.json()) as { accessToken: string };
    const sessions = (await (
      await api('/auth/sessions', { headers: { authorization: `Bearer ${accessToken}` } })
    ).json()) as { items: Array<{ ip: string | null; current: boolean }> };
    expect(sessions.items.find((s) => s.current)?.ip).toBe('198.51.100.77');
    // The per-account+IP lockout holds whatever the caller writes left of the proxy's entry.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(`192.0.2.${i}, 198.51.100.5`, 'wrong-password-1')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('refuses a form whose fields come after the file, a second file or a file under another name, keeping nothing', async () => {
    const before = (await admin.files.list(tenantId)).items.length;
    const send = async (parts: Array<[string, string | Blob, string?]>) => {
      const form = new FormData();
      for (const [field, value, filename] of parts) {
        if (typeof value === 'string') form.append(field, value);
        else form.append(field, value, filename);
      }
      const res = await api(`/tenants/${tenantId}/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      return { status: res.status, body: (await res.json()) as { code: string; errors?: Array<{ path: string }> } };
    };
    const text = () => new Blob(['hello\n'], { type: 'text/plain' });
    const late = await send([
      ['file', text(), 'late.txt'],
      ['category', 'late'],
    ]);
    expect(late).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ path: 'category' }] } });
    const two = await send([
      ['file', text(), 'one.txt'],
      ['file', text(), 'two.txt'],
    ]);
    expect(two).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ path: 'file' }] } });
    const other = await send([['attachment', text(), 'other.txt']]);
    expect(other).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ path: 'attachment' }] } });
    expect((await admin.files.list(tenantId)).items.length).toBe(before);
    // Fields first is the way.
    const ok = await send([
      ['category', 'docs'],
      ['file', text(), 'ok.txt'],
    ]);
    expect(ok.status).toBe(201);
    expect((await admin.files.list(tenantId, { category: 'docs' })).items.map((f) => f.name)).toEqual(['ok.txt']);
  });

  it('answers an unsatisfiable range with a 416 problem carrying the size', async () => {
    const { items } = await admin.files.list(tenantId, { category: 'docs' });
    const res = await api(`/tenants/${tenantId}/files/${items[0]!.id}/download`, {
      headers: { authorization: `Bearer ${token}`, range: 'bytes=100-200' },
    });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */6');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 416, code: 'validation_failed', errors: [{ path: 'range' }] });
  });

  it('puts x-request-id on the signed-URL answers too', async () => {
    const res = await fetch(`${server.url}/storage/tenants/x/files/y/a.txt?expires=1&signature=bad`, {
      headers: { 'x-request-id': 'signed-url-req-1' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('x-request-id')).toBe('signed-url-req-1');
  });
});
