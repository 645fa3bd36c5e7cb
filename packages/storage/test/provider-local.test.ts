import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSignedUrlHandler, createStorage, type StorageProvider } from '@portalkit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, runProviderSuite } from './conformance/provider-suite.js';

let root = '';
let outside = '';
let server: Server;
let storage: StorageProvider;
let base = '';
const secret = 'a-test-secret-that-is-long-enough-0123456789';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pk-local-'));
  outside = await mkdtemp(join(tmpdir(), 'pk-outside-'));
  let handler: ReturnType<typeof createSignedUrlHandler> | undefined;
  server = createServer((req, res) => void handler?.node(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  storage = createStorage({
    provider: 'local',
    root,
    signing: { secret, baseUrl: `${base}/storage` },
    publicUrl: `${base}/public`,
  });
  handler = createSignedUrlHandler(storage);
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

runProviderSuite('local', () => ({ storage }));

describe('local provider specifics', () => {
  it('never leaves the root through symlinks', async () => {
    await writeFile(join(outside, 'secret.txt'), 'top secret');
    await symlink(outside, join(root, 'link'));
    await expectCode(storage.get('link/secret.txt'), 'invalid_key');
    await expectCode(storage.put('link/new.txt', 'x'), 'invalid_key');
    await expectCode(storage.put('link/deeper/new.txt', 'x'), 'invalid_key');
    await expectCode(storage.delete('link/secret.txt'), 'invalid_key');
    await symlink(join(outside, 'secret.txt'), join(root, 'file-link'));
    await expectCode(storage.get('file-link'), 'invalid_key');
    await expectCode(storage.copy('file-link', 'stolen'), 'invalid_key');
  });

  it('reserves the internal directory and leaves no temp files behind', async () => {
    await expectCode(storage.put('.portalkit/meta/x', 'x'), 'invalid_key');
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(root, '.portalkit', 'tmp'))).toEqual([]);
  });

  it('refuses tampered signatures, wrong methods and mismatched uploads', async () => {
    await storage.put('tamper.txt', 'hello');
    const url = new URL(await storage.signedUrl('tamper.txt', { expiresIn: 60 }));
    const other = new URL(url);
    other.pathname = '/storage/other.txt';
    expect((await fetch(other)).status).toBe(403);
    const sig = new URL(url);
    sig.searchParams.set('X-Pk-Signature', `${sig.searchParams.get('X-Pk-Signature')?.slice(0, -2)}xx`);
    expect((await fetch(sig)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set('X-Pk-Expires', String(Number(url.searchParams.get('X-Pk-Expires')) + 3600));
    expect((await fetch(longer)).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(405);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
    expect((await fetch(url, { headers: { range: 'bytes=10-' } })).status).toBe(416);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);

    const put = await storage.signedUrl('up.bin', { method: 'PUT', contentType: 'image/png', contentLength: 4 });
    expect((await fetch(put, { method: 'PUT', body: 'abcd', headers: { 'content-type': 'text/plain' } })).status).toBe(
      403,
    );
    expect((await fetch(put, { method: 'PUT', body: 'abcdef', headers: { 'content-type': 'image/png' } })).status).toBe(
      403,
    );
    expect(await storage.exists('up.bin')).toBe(false);
    expect((await fetch(put, { method: 'PUT', body: 'abcd', headers: { 'content-type': 'image/png' } })).status).toBe(
      200,
    );
    expect((await storage.stat('up.bin')).contentType).toBe('image/png');
  });

  it('refuses unbound uploads over maxUploadBytes with 413 and keeps nothing', async () => {
    const small = createSignedUrlHandler(storage, { maxUploadBytes: 10 });
    const url = await storage.signedUrl('limited.bin', { method: 'PUT' });
    const res = await small.fetch(new Request(url, { method: 'PUT', body: 'x'.repeat(11) }));
    expect(res.status).toBe(413);
    expect(await storage.exists('limited.bin')).toBe(false);
    expect((await small.fetch(new Request(url, { method: 'PUT', body: 'x'.repeat(10) }))).status).toBe(200);
  });

  it('answers 413 to an over-limit body that fails before the write has started, with no stray error', async () => {
    // The whole body arrives in the first chunk, so the size limiter fails while put() is still
    // preparing its directories: the handler must own that error (an unhandled 'error' event would
    // fail this run) and still answer 413 with nothing stored.
    const small = createSignedUrlHandler(storage, { maxUploadBytes: 10 });
    const unhandled: unknown[] = [];
    const record = (error: unknown) => unhandled.push(error);
    process.prependListener('uncaughtException', record);
    try {
      for (let i = 0; i < 20; i++) {
        const url = await storage.signedUrl(`early/${i}/big.bin`, { method: 'PUT' });
        const res = await small.fetch(new Request(url, { method: 'PUT', body: new Uint8Array(64 * 1024) }));
        expect(res.status).toBe(413);
        expect(await storage.exists(`early/${i}/big.bin`)).toBe(false);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.removeListener('uncaughtException', record);
    }
    expect(unhandled).toEqual([]);
  });

  it('serves through the web Request/Response entry too', async () => {
    await storage.put('web.txt', '0123456789');
    const handler = createSignedUrlHandler(storage);
    const url = await storage.signedUrl('web.txt');
    const res = await handler.fetch(new Request(url, { headers: { range: 'bytes=-3' } }));
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 7-9/10');
    expect(await res.text()).toBe('789');
    const put = await storage.signedUrl('web-put.txt', { method: 'PUT', contentType: 'text/plain' });
    const up = await handler.fetch(
      new Request(put, { method: 'PUT', body: 'via web', headers: { 'content-type': 'text/plain' } }),
    );
    expect(up.status).toBe(200);
  });

  it('builds public URLs and refuses signed URLs without signing config', async () => {
    expect(storage.publicUrl('a b/ü.txt')).toBe(`${base}/public/a%20b/%C3%BC.txt`);
    const bare = createStorage({ provider: 'local', root });
    await expectCode(bare.signedUrl('x'), 'invalid_config');
    await expectCode(() => bare.publicUrl('x'), 'invalid_config');
    await expectCode(() => createSignedUrlHandler(bare), 'invalid_config');
  });

  it('reads plain directories written by other tools (no sidecar metadata)', async () => {
    await mkdir(join(root, 'legacy'), { recursive: true });
    await writeFile(join(root, 'legacy', 'old.txt'), 'legacy');
    const info = await storage.stat('legacy/old.txt');
    expect(info.contentType).toBe('application/octet-stream');
    expect((await storage.list('legacy/')).items.map((i) => i.key)).toEqual(['legacy/old.txt']);
  });
});
