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
  uploadStagingKey,
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

/** The same provider, with hooks around `copy` (to race a PUT or a second completion against it). */
function hooked(
  base: StorageProvider,
  hooks: { beforeCopy?: () => Promise<void>; afterCopy?: () => Promise<void> },
): StorageProvider {
  return {
    provider: base.provider,
    put: (key, body, options) => base.put(key, body, options),
    get: (key, options) => base.get(key, options),
    stat: (key) => base.stat(key),
    exists: (key) => base.exists(key),
    delete: (key) => base.delete(key),
    deleteMany: (keys) => base.deleteMany(keys),
    list: (prefix, options) => base.list(prefix, options),
    copy: async (from, to) => {
      await hooks.beforeCopy?.();
      await base.copy(from, to);
      await hooks.afterCopy?.();
    },
    move: (from, to) => base.move(from, to),
    signedUrl: (key, options) => base.signedUrl(key, options),
    publicUrl: (key) => base.publicUrl(key),
  };
}

/** PUTs `body` to a direct upload's signed URL, the way a browser does; returns the status. */
async function putTo(created: { upload: { url: string; headers: Record<string, string> } }, body: typeof PNG) {
  const res = await fetch(created.upload.url, { method: 'PUT', headers: created.upload.headers, body });
  await res.arrayBuffer();
  return res.status;
}

/** The bytes a download of the file gives (the redirect followed for S3 providers). */
async function downloaded(files: FileService, tenantId: string, fileId: string): Promise<Buffer> {
  const d = await files.download(tenantId, fileId);
  if (d.type === 'redirect') return Buffer.from(await (await fetch(d.url)).arrayBuffer());
  return readAll(d.body as Readable);
}

// 23 bytes of text each: the same announced size, both of an allowed type
const CHECKED = Buffer.from('hello, checked content!');
const SWAPPED = Buffer.from('HELLO, NEVER CHECKED!!!');

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
      expect(await putTo(exe, EXE)).toBe(200);
      await expectCode(files.completeUpload(t, exe.fileId), 'type_not_allowed');
      expect(await storage().exists(exe.file.key)).toBe(false);
      expect(await storage().exists(uploadStagingKey(t, exe.fileId))).toBe(false);
      await expectCode(files.get(t, exe.fileId), 'not_found');

      const size = await files.createUpload(t, { name: 'b.png', size: PNG.length + 1, contentType: 'image/png' });
      await storage().put(uploadStagingKey(t, size.fileId), PNG);
      await expectCode(files.completeUpload(t, size.fileId), 'invalid_input');
      expect(await storage().exists(size.file.key)).toBe(false);

      const sum = await files.createUpload(t, {
        name: 'c.png',
        size: PNG.length,
        contentType: 'image/png',
        checksum: 'f'.repeat(64),
      });
      expect(await putTo(sum, PNG)).toBe(200);
      await expectCode(files.completeUpload(t, sum.fileId), 'checksum_mismatch');
      expect(await storage().exists(sum.file.key)).toBe(false);
      expect(await storage().exists(uploadStagingKey(t, sum.fileId))).toBe(false);

      // bytes that never arrived: the upload is refused (400 in the API), not "no such file" (404)
      const missing = await files.createUpload(t, { name: 'd.png', size: 10, contentType: 'image/png' });
      await expectCode(files.completeUpload(t, missing.fileId), 'invalid_input');
      await expectCode(files.get(t, missing.fileId), 'not_found');
      await expectCode(files.completeUpload(t, missing.fileId), 'not_found');
      // unknown ids and other tenants' files stay not_found, and leave the other tenant's upload alone
      await expectCode(files.completeUpload(t, 'no-such-file'), 'not_found');
      const theirs = await files.createUpload(tenant(), { name: 'e.png', size: PNG.length, contentType: 'image/png' });
      await expectCode(files.completeUpload(t, theirs.fileId), 'not_found');
      expect((await store.get(theirs.file.tenantId, theirs.fileId))?.status).toBe('pending');

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

    it('an upload URL reused after completion or deletion cannot change the stored or downloaded bytes', async () => {
      const t = tenant();
      const created = await files.createUpload(t, {
        name: 'note.txt',
        size: CHECKED.length,
        contentType: 'text/plain',
        checksum: sha(CHECKED),
      });
      expect(await putTo(created, CHECKED)).toBe(200);
      const ready = await files.completeUpload(t, created.fileId);
      expect(ready).toMatchObject({ status: 'ready', checksum: sha(CHECKED) });

      await putTo(created, SWAPPED); // the URL has not expired yet
      expect(await downloaded(files, t, created.fileId)).toEqual(CHECKED);
      expect(await readAll((await storage().get(ready.key)).body)).toEqual(CHECKED);
      expect(await files.completeUpload(t, created.fileId)).toEqual(ready);
      expect(await downloaded(files, t, created.fileId)).toEqual(CHECKED);

      await files.softDelete(t, created.fileId);
      await putTo(created, SWAPPED);
      expect(await readAll((await storage().get(ready.key)).body)).toEqual(CHECKED);
      await expectCode(files.completeUpload(t, created.fileId), 'not_found');
    });

    it('a PUT racing with completion (after the copy, after the verification) cannot change what is stored as ready', async () => {
      const t = tenant();
      const statuses: number[] = [];
      let created: Awaited<ReturnType<FileService['createUpload']>> | undefined;
      const swap = async () => {
        if (created) statuses.push(await putTo(created, SWAPPED));
      };
      const racing = createFileService({
        storage: hooked(storage(), { afterCopy: swap }),
        store: {
          ...store,
          markReady: async (...args) => {
            await swap();
            return store.markReady(...args);
          },
        },
        maxSize: 1024 * 1024,
        now: () => clock,
      });
      created = await racing.createUpload(t, { name: 'race.txt', size: CHECKED.length, contentType: 'text/plain' });
      expect(await putTo(created, CHECKED)).toBe(200);
      const ready = await racing.completeUpload(t, created.fileId);
      expect(statuses).toEqual([200, 200]); // both racing PUTs were accepted ... and changed nothing
      expect(ready).toMatchObject({ status: 'ready', size: CHECKED.length, checksum: sha(CHECKED) });
      expect(await downloaded(racing, t, created.fileId)).toEqual(CHECKED);
      expect(await readAll((await storage().get(ready.key)).body)).toEqual(CHECKED);
    });

    it('concurrent completions (two services on one store) signal "completed" exactly once', async () => {
      const t = tenant();
      const other = createFileService({ storage: storage(), store, maxSize: 1024 * 1024, now: () => clock });
      const created = await files.createUpload(t, { name: 'twice.png', size: PNG.length, contentType: 'image/png' });
      expect(await putTo(created, PNG)).toBe(200);
      const signals: string[] = [];
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? files : other).completeUpload(t, created.fileId, {
            onCompleted: async (file) => {
              signals.push(file.id);
            },
          }),
        ),
      );
      expect(signals).toEqual([created.fileId]);
      for (const r of results) expect(r).toMatchObject({ id: created.fileId, status: 'ready', checksum: sha(PNG) });
      const again = await other.completeUpload(t, created.fileId, { onCompleted: () => void signals.push('again') });
      expect(again.status).toBe('ready');
      expect(signals).toHaveLength(1);
      expect(await downloaded(files, t, created.fileId)).toEqual(PNG);
      expect(await storage().exists(uploadStagingKey(t, created.fileId))).toBe(false);
    });

    it('a completion racing another one with other bytes never leaves them under a ready record', async () => {
      const t = tenant();
      let reached!: () => void;
      const atCopy = new Promise<void>((r) => {
        reached = r;
      });
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const slow = createFileService({
        storage: hooked(storage(), {
          beforeCopy: async () => {
            reached();
            await gate;
          },
        }),
        store,
        maxSize: 1024 * 1024,
        now: () => clock,
      });
      const created = await files.createUpload(t, { name: 'two.txt', size: CHECKED.length, contentType: 'text/plain' });
      expect(await putTo(created, CHECKED)).toBe(200);
      const signals: string[] = [];
      const late = slow.completeUpload(t, created.fileId, { onCompleted: () => void signals.push('late') });
      late.catch(() => undefined);
      await atCopy; // the late call saw a pending upload and is about to copy
      const first = await files.completeUpload(t, created.fileId, { onCompleted: () => void signals.push('first') });
      expect(first.checksum).toBe(sha(CHECKED));
      await putTo(created, SWAPPED); // the staging key again, now holding other (allowed) bytes
      release();
      await expectCode(late, 'conflict');
      expect(signals).toEqual(['first']);
      // the file now holds bytes nobody verified as its own: withdrawn, never served
      await expectCode(files.download(t, created.fileId), 'not_found');
      expect((await store.get(t, created.fileId))?.status).toBe('deleted');
    });

    it('sweep purges staging leftovers but never the staging object of a live pending upload', async () => {
      clock = new Date();
      const t = tenant();
      const live = await files.createUpload(t, { name: 'live.png', size: PNG.length, contentType: 'image/png' });
      expect(await putTo(live, PNG)).toBe(200); // PUT, not completed yet, not expired
      const done = await files.createUpload(t, { name: 'done.png', size: PNG.length, contentType: 'image/png' });
      expect(await putTo(done, PNG)).toBe(200);
      await files.completeUpload(t, done.fileId);
      await putTo(done, PNG); // reused after completion
      const refused = await files.createUpload(t, { name: 'refused.png', size: EXE.length, contentType: 'image/png' });
      expect(await putTo(refused, EXE)).toBe(200);
      await expectCode(files.completeUpload(t, refused.fileId), 'type_not_allowed');
      await putTo(refused, EXE); // reused after the upload was refused and removed
      const leftovers = [uploadStagingKey(t, done.fileId), uploadStagingKey(t, refused.fileId)];
      for (const key of leftovers) expect(await storage().exists(key)).toBe(true);

      // the leftovers are seconds old: staging objects are purged whatever their age
      const result = await files.sweep({ olderThan: new Date(Date.now() - 3_600_000) });
      expect(result.failed).toBe(0);
      expect(result.orphans).toBeGreaterThanOrEqual(2);
      for (const key of leftovers) expect(await storage().exists(key)).toBe(false);
      expect(await storage().exists(uploadStagingKey(t, live.fileId))).toBe(true);
      expect(await downloaded(files, t, done.fileId)).toEqual(PNG);

      const completed = await files.completeUpload(t, live.fileId);
      expect(completed).toMatchObject({ status: 'ready', checksum: sha(PNG) });
      expect(await downloaded(files, t, live.fileId)).toEqual(PNG);
    });

    it('shows inline only types that run nothing: markup always downloads, and local downloads are sandboxed', async () => {
      const t = tenant();
      const svg =
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>';
      const markup = await files.upload(t, svg, { name: 'x.svg', declaredType: 'image/png', allowedTypes: ['*'] });
      expect(markup.contentType).toMatch(/xml/);
      const picture = await files.upload(t, PNG, { name: 'p.png' });
      const asked = async (id: string) => {
        const d = await files.download(t, id, { disposition: 'inline' });
        if (d.type === 'stream') {
          (d.body as Readable | null)?.destroy();
          return { disposition: d.headers['content-disposition'], csp: d.headers['content-security-policy'] };
        }
        const res = await fetch(d.url);
        await res.arrayBuffer();
        return { disposition: res.headers.get('content-disposition'), csp: undefined };
      };
      expect((await asked(markup.id)).disposition).toMatch(/^attachment;/);
      expect((await asked(picture.id)).disposition).toMatch(/^inline;/);
      if (name === 'local') expect((await asked(picture.id)).csp).toMatch(/^sandbox/);
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
      await storage().put(uploadStagingKey(t, pending.fileId), PNG); // uploaded but never completed
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
      expect(await storage().exists(uploadStagingKey(t, pending.fileId))).toBe(false);
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
