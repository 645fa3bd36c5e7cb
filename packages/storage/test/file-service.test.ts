import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  createFileService,
  createSignedUrlHandler,
  createStorage,
  type FileService,
  type FileStore,
  memoryFileStore,
  type StorageProvider,
} from '@portalkit/storage';
import { useS3Bucket } from '@portalkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, readAll } from './conformance/provider-suite.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(PNG.length - 2, 0x90)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const bucket = useS3Bucket();
let root = '';
let server: Server;
const secret = 'file-service-test-secret-0123456789-abcdef';
const backends: Record<string, StorageProvider> = {};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pk-files-'));
  let handler: ReturnType<typeof createSignedUrlHandler> | undefined;
  server = createServer((req, res) => void handler?.node(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/storage`;
  backends.local = createStorage({ provider: 'local', root, signing: { secret, baseUrl: base } });
  handler = createSignedUrlHandler(backends.local);
  backends.s3 = createStorage({
    provider: 's3-compatible',
    endpoint: bucket.endpoint,
    region: bucket.region,
    bucket: bucket.bucket,
    credentials: { accessKeyId: bucket.accessKeyId, secretAccessKey: bucket.secretAccessKey },
  });
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(root, { recursive: true, force: true });
});

/** A stream of `total` bytes starting with a PNG signature, counting what was pulled from it. */
function pngStream(total: number, counter: { produced: number }): Readable {
  return new Readable({
    read() {
      if (counter.produced >= total) return this.push(null);
      const chunk =
        counter.produced === 0
          ? Buffer.concat([PNG, Buffer.alloc(64 * 1024 - PNG.length)])
          : Buffer.alloc(64 * 1024, 7);
      counter.produced += chunk.length;
      this.push(chunk);
    },
  });
}

for (const name of ['local', 's3'] as const) {
  describe(`file service on ${name}`, () => {
    let store: FileStore;
    let files: FileService;
    let clock = new Date();
    const storage = () => backends[name] as StorageProvider;
    const tenant = () => `t-${name}-${Math.random().toString(36).slice(2, 8)}`;
    beforeAll(() => {
      store = memoryFileStore();
      files = createFileService({ storage: storage(), store, maxSize: 1024 * 1024, now: () => clock });
    });
    const nothingLeft = async (t: string) => {
      expect((await storage().list(`tenants/${t}/`)).items).toEqual([]);
      expect((await store.list(t, {})).items).toEqual([]);
      const leftovers = await store.listSweepable({
        deletedBefore: new Date(8.64e15),
        pendingExpiredBefore: new Date(8.64e15),
        limit: 1000,
      });
      expect(leftovers.filter((r) => r.tenantId === t)).toEqual([]);
    };

    it('streams an upload: sanitized name, sniffed type, sha256, ready record, object in place', async () => {
      clock = new Date();
      const t = tenant();
      const file = await files.upload(t, Readable.from([PNG.subarray(0, 10), PNG.subarray(10)]), {
        name: '../../etc/évil\u0000 name.png',
        declaredType: 'application/pdf',
        category: 'images',
        tags: ['logo'],
        createdBy: 'u1',
      });
      expect(file).toMatchObject({
        tenantId: t,
        name: 'évil name.png',
        size: PNG.length,
        contentType: 'image/png',
        checksum: sha(PNG),
        status: 'ready',
        category: 'images',
        tags: ['logo'],
        createdBy: 'u1',
      });
      expect(file.key).toBe(`tenants/${t}/files/${file.id}/évil name.png`);
      expect(await readAll((await storage().get(file.key)).body)).toEqual(PNG);
      expect((await storage().stat(file.key)).contentType).toBe('image/png');
      expect(await files.get(t, file.id)).toEqual(file);
      await expectCode(files.get(tenant(), file.id), 'not_found');
    });

    it('aborts an oversize upload mid-stream and leaves nothing behind', async () => {
      const t = tenant();
      const counter = { produced: 0 };
      await expectCode(files.upload(t, pngStream(8 * 1024 * 1024, counter), { name: 'big.png' }), 'too_large');
      expect(counter.produced).toBeLessThan(1024 * 1024 + 512 * 1024);
      await nothingLeft(t);
      const exact = await files.upload(t, pngStream(1024 * 1024, { produced: 0 }), { name: 'exact.png' });
      expect(exact.size).toBe(1024 * 1024);
    });

    it('refuses executable bytes named .png and unknown binaries, accepts declared text types', async () => {
      const t = tenant();
      await expectCode(files.upload(t, EXE, { name: 'cute.png', declaredType: 'image/png' }), 'type_not_allowed');
      await expectCode(
        files.upload(t, Buffer.from([0, 1, 2, 3, 254, 255, 0, 7]), { name: 'x.bin' }),
        'type_not_allowed',
      );
      await nothingLeft(t);
      const csv = await files.upload(t, 'a,b\n1,2\n', { name: 'data.csv', declaredType: 'text/csv' });
      expect(csv.contentType).toBe('text/csv');
      const txt = await files.upload(t, 'héllo', { name: 'a.html', declaredType: 'text/html' });
      expect(txt.contentType).toBe('text/plain');
      await expectCode(files.upload(t, PNG, { name: 'p.png', allowedTypes: ['application/pdf'] }), 'type_not_allowed');
    });

    it('direct upload: signed PUT over HTTP, then completeUpload verifies and marks ready', async () => {
      const t = tenant();
      const created = await files.createUpload(t, {
        name: 'shot.png',
        size: PNG.length,
        contentType: 'image/png',
        checksum: sha(PNG),
      });
      expect(created.file.status).toBe('pending');
      expect(created.upload.method).toBe('PUT');
      const res = await fetch(created.upload.url, { method: 'PUT', headers: created.upload.headers, body: PNG });
      expect(res.status).toBe(200);
      const ready = await files.completeUpload(t, created.fileId);
      expect(ready).toMatchObject({ status: 'ready', size: PNG.length, contentType: 'image/png', checksum: sha(PNG) });
      expect(await files.completeUpload(t, created.fileId)).toEqual(ready);
      expect((await files.list(t)).items.map((f) => f.id)).toEqual([created.fileId]);
    });

    it('completeUpload refuses wrong bytes, removing object and record', async () => {
      const t = tenant();
      const exe = await files.createUpload(t, { name: 'a.png', size: EXE.length, contentType: 'image/png' });
      await storage().put(exe.file.key, EXE, { contentType: 'image/png' });
      await expectCode(files.completeUpload(t, exe.fileId), 'type_not_allowed');
      expect(await storage().exists(exe.file.key)).toBe(false);
      await expectCode(files.get(t, exe.fileId), 'not_found');

      const size = await files.createUpload(t, { name: 'b.png', size: PNG.length + 1, contentType: 'image/png' });
      await storage().put(size.file.key, PNG);
      await expectCode(files.completeUpload(t, size.fileId), 'invalid_input');
      expect(await storage().exists(size.file.key)).toBe(false);

      const sum = await files.createUpload(t, {
        name: 'c.png',
        size: PNG.length,
        contentType: 'image/png',
        checksum: 'f'.repeat(64),
      });
      await storage().put(sum.file.key, PNG);
      await expectCode(files.completeUpload(t, sum.fileId), 'checksum_mismatch');
      expect(await storage().exists(sum.file.key)).toBe(false);

      const missing = await files.createUpload(t, { name: 'd.png', size: 10, contentType: 'image/png' });
      await expectCode(files.completeUpload(t, missing.fileId), 'not_found');
      await expectCode(files.get(t, missing.fileId), 'not_found');

      await expectCode(
        files.createUpload(t, { name: 'e.exe', size: 10, contentType: 'application/x-msdownload' }),
        'type_not_allowed',
      );
      await expectCode(
        files.createUpload(t, { name: 'f.png', size: 2 * 1024 * 1024, contentType: 'image/png' }),
        'too_large',
      );
      await nothingLeft(t);
    });

    it('lists with filters, soft-deletes, downloads', async () => {
      const t = tenant();
      const a = await files.upload(t, PNG, { name: 'Invoice March.png', category: 'finance', tags: ['q1'] });
      const b = await files.upload(t, 'x,y\n', { name: 'notes.csv', declaredType: 'text/csv', tags: ['q2'] });
      expect((await files.list(t, { q: 'march' })).items.map((f) => f.id)).toEqual([a.id]);
      expect((await files.list(t, { tag: 'q2' })).items.map((f) => f.id)).toEqual([b.id]);
      expect((await files.list(t, { category: 'finance' })).items.map((f) => f.id)).toEqual([a.id]);

      const d = await files.download(t, a.id, { range: 'bytes=0-7' });
      if (name === 'local') {
        expect(d.type).toBe('stream');
        if (d.type !== 'stream') throw new Error('unreachable');
        expect(d.status).toBe(206);
        expect(d.headers['content-range']).toBe(`bytes 0-7/${PNG.length}`);
        expect(d.headers['content-disposition']).toBe(
          `attachment; filename="Invoice March.png"; filename*=UTF-8''Invoice%20March.png`,
        );
        expect(await readAll(d.body as Readable)).toEqual(PNG.subarray(0, 8));
        const whole = await files.download(t, a.id);
        expect(whole.type === 'stream' && whole.status).toBe(200);
      } else {
        expect(d.type).toBe('redirect');
        if (d.type !== 'redirect') throw new Error('unreachable');
        const res = await fetch(d.url, { headers: { range: 'bytes=0-7' } });
        expect(res.status).toBe(206);
        expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG.subarray(0, 8));
        expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''Invoice%20March.png`);
      }

      await files.softDelete(t, a.id);
      await expectCode(files.get(t, a.id), 'not_found');
      await expectCode(files.download(t, a.id), 'not_found');
      await expectCode(files.softDelete(t, a.id), 'not_found');
      expect((await files.list(t)).items.map((f) => f.id)).toEqual([b.id]);
      expect(await storage().exists(a.key)).toBe(true);
    });

    it('sweeps soft-deleted files, expired pending records and orphans, nothing else; concurrent sweepers agree', async () => {
      const t = tenant();
      const realNow = Date.now();
      clock = new Date(realNow - 3 * 86_400_000);
      const pending = await files.createUpload(t, { name: 'never.png', size: PNG.length, contentType: 'image/png' });
      await storage().put(pending.file.key, PNG); // uploaded but never completed
      clock = new Date(realNow - 86_400_000);
      const oldDeleted = await files.upload(t, PNG, { name: 'old.png' });
      await files.softDelete(t, oldDeleted.id);
      clock = new Date(realNow);
      const recentDeleted = await files.upload(t, PNG, { name: 'recent.png' });
      await files.softDelete(t, recentDeleted.id);
      const kept = await files.upload(t, PNG, { name: 'kept.png' });
      const orphanKey = `tenants/${t}/files/orphan-id/orphan.png`;
      await storage().put(orphanKey, PNG);
      await storage().put(`unrelated/${t}.txt`, 'not a file object');

      const first = await files.sweep({ olderThan: new Date(realNow - 3_600_000) });
      expect(first).toMatchObject({ failed: 0 });
      expect(first.deleted).toBeGreaterThanOrEqual(1);
      expect(first.pending).toBeGreaterThanOrEqual(1);
      expect(await storage().exists(oldDeleted.key)).toBe(false);
      expect(await storage().exists(pending.file.key)).toBe(false);
      expect(await store.get(t, oldDeleted.id)).toBeNull();
      expect(await store.get(t, pending.fileId)).toBeNull();
      expect(await storage().exists(recentDeleted.key)).toBe(true);
      expect(await storage().exists(orphanKey)).toBe(true);

      const [x, y] = await Promise.all([
        files.sweep({ olderThan: new Date(realNow + 60_000) }),
        files.sweep({ olderThan: new Date(realNow + 60_000) }),
      ]);
      expect(x.failed + y.failed).toBe(0);
      expect(await storage().exists(recentDeleted.key)).toBe(false);
      expect(await store.get(t, recentDeleted.id)).toBeNull();
      expect(await storage().exists(orphanKey)).toBe(false);
      expect(await storage().exists(kept.key)).toBe(true);
      expect((await files.get(t, kept.id)).status).toBe('ready');
      expect(await storage().exists(`unrelated/${t}.txt`)).toBe(true);
    });

    it('purges every file and object of a tenant, nothing of another', async () => {
      const t = tenant();
      const other = tenant();
      const a = await files.upload(t, PNG, { name: 'a.png' });
      await files.createUpload(t, { name: 'b.png', size: PNG.length, contentType: 'image/png' });
      const keep = await files.upload(other, PNG, { name: 'keep.png' });
      expect(await files.purgeTenant(t)).toBe(2);
      await expectCode(files.get(t, a.id), 'not_found');
      expect(await storage().exists(a.key)).toBe(false);
      await nothingLeft(t);
      expect((await files.get(other, keep.id)).status).toBe('ready');
      expect(await storage().exists(keep.key)).toBe(true);
    });

    it('validates inputs with typed errors', async () => {
      await expectCode(files.upload('bad/tenant', PNG, { name: 'a.png' }), 'invalid_input');
      await expectCode(files.upload('t1', PNG, { name: '' }), 'invalid_input');
      await expectCode(files.upload('t1', PNG, { name: 'a.png', tags: ['x'.repeat(65)] }), 'invalid_input');
      await expectCode(files.get('t1', '../x'), 'invalid_input');
      await expectCode(files.list('t1', { limit: 500 }), 'invalid_input');
      await expectCode(files.createUpload('t1', { name: 'a', size: -1, contentType: 'image/png' }), 'invalid_input');
      await expectCode(
        files.createUpload('t1', { name: 'a', size: 1, contentType: 'image/png\r\nx: y' }),
        'invalid_input',
      );
    });
  });
}
