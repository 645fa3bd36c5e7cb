import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { isStorageError, type StorageProvider } from '@portalkit/storage';
import { describe, expect, it } from 'vitest';

export interface ProviderFixture {
  storage: StorageProvider;
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(isStorageError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected a StorageError "${code}", got success`);
}

/** Deterministic pseudo-random bytes, produced in chunks (never held whole). */
export function patternStream(total: number, chunk = 64 * 1024): Readable {
  let sent = 0;
  let seed = 12345;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, total - sent);
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i += 4) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        buf.writeUInt32LE(seed, i);
      }
      sent += n;
      this.push(buf);
    },
  });
}

async function sha256(body: Readable): Promise<{ hash: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hash: h.digest('hex'), size };
}

const BAD_KEYS = [
  '../escape.txt',
  'a/../../b',
  '/etc/passwd',
  'a\u0000b',
  'line\nbreak',
  'tab\there',
  'a//b',
  './a',
  'a\\..\\b',
];

/**
 * The provider conformance suite: every provider must pass it unchanged.
 * `fixture()` is called inside tests (after the file's beforeAll hooks ran).
 */
export function runProviderSuite(name: string, fixture: () => ProviderFixture): void {
  describe(`StorageProvider conformance: ${name}`, () => {
    const s = () => fixture().storage;
    let n = 0;
    const k = (suffix: string) => `conf/${Date.now().toString(36)}-${n++}/${suffix}`;

    it('writes and reads a string, a Buffer and a Uint8Array with their content type', async () => {
      for (const [body, expected] of [
        ['héllo wörld', Buffer.from('héllo wörld')],
        [Buffer.from([0, 1, 2, 255]), Buffer.from([0, 1, 2, 255])],
        [new Uint8Array([9, 8, 7]), Buffer.from([9, 8, 7])],
      ] as const) {
        const key = k('x.bin');
        const info = await s().put(key, body, { contentType: 'application/x-test' });
        expect(info.size).toBe(expected.length);
        const got = await s().get(key);
        expect(await readAll(got.body)).toEqual(expected);
        expect(got.contentType).toBe('application/x-test');
        expect(got.size).toBe(expected.length);
        expect(got.etag).not.toBe('');
      }
    });

    it('writes streams of known and unknown length (Node and web) and empty bodies', async () => {
      const data = Buffer.from('stream body '.repeat(1000));
      const cases: Array<[string, () => Parameters<StorageProvider['put']>[1], number | undefined, Buffer]> = [
        ['node known', () => Readable.from([data.subarray(0, 5000), data.subarray(5000)]), data.length, data],
        ['node unknown', () => Readable.from([data.subarray(0, 5000), data.subarray(5000)]), undefined, data],
        ['web unknown', () => new Blob([data]).stream(), undefined, data],
        ['empty string', () => '', undefined, Buffer.alloc(0)],
        ['empty stream', () => Readable.from([]), undefined, Buffer.alloc(0)],
        ['empty stream known', () => Readable.from([]), 0, Buffer.alloc(0)],
      ];
      for (const [label, body, contentLength, expected] of cases) {
        const key = k(`${label.replace(/ /g, '-')}.bin`);
        await s().put(key, body(), contentLength === undefined ? {} : { contentLength });
        const got = await s().get(key);
        expect(await readAll(got.body), label).toEqual(expected);
        expect(got.size, label).toBe(expected.length);
        expect(got.contentType, label).toBe('application/octet-stream');
      }
    });

    it('overwrites an object', async () => {
      const key = k('over.txt');
      const first = await s().put(key, 'first version, longer');
      const second = await s().put(key, 'second', { contentType: 'text/plain' });
      expect(second.etag).not.toBe(first.etag);
      const got = await s().get(key);
      expect((await readAll(got.body)).toString()).toBe('second');
      expect(got.contentType).toBe('text/plain');
    });

    it('round-trips a 20 MiB stream of unknown length byte for byte', async () => {
      const key = k('big.bin');
      const size = 20 * 1024 * 1024;
      const expected = await sha256(patternStream(size));
      const info = await s().put(key, patternStream(size));
      expect(info.size).toBe(size);
      const got = await s().get(key);
      expect(await sha256(got.body)).toEqual(expected);
    });

    it('keeps names with spaces, brackets, reserved URL characters and unicode', async () => {
      const names = [
        'a b [1] (2) {3}.txt',
        'ü é ñ 漢字 😀.txt',
        'plus+percent%25hash#question?amp&eq=.txt',
        'quote\'"semicolon;.txt',
      ];
      const dir = k('names');
      for (const name of names) {
        await s().put(`${dir}/${name}`, name);
        expect((await readAll((await s().get(`${dir}/${name}`)).body)).toString()).toBe(name);
      }
      const listed = await s().list(`${dir}/`);
      expect(listed.items.map((i) => i.key).sort()).toEqual(names.map((x) => `${dir}/${x}`).sort());
    });

    it('exists and delete are idempotent; deleteMany removes several', async () => {
      const key = k('del.txt');
      expect(await s().exists(key)).toBe(false);
      await s().delete(key);
      await s().put(key, 'x');
      expect(await s().exists(key)).toBe(true);
      await s().delete(key);
      await s().delete(key);
      expect(await s().exists(key)).toBe(false);
      const keys = [k('m1'), k('m2'), k('m3')];
      for (const key2 of keys) await s().put(key2, 'x');
      await s().deleteMany([...keys, k('never-existed')]);
      for (const key2 of keys) expect(await s().exists(key2)).toBe(false);
    });

    it('lists a prefix in pages with cursors, nothing outside it', async () => {
      const dir = k('list');
      const keys = ['a', 'b', 'c/d', 'c/e', 'f', 'g', 'h'].map((x) => `${dir}/${x}`);
      for (const key of keys) await s().put(key, key);
      await s().put(`${dir}-sibling/x`, 'outside');
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await s().list(`${dir}/`, { limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((i) => i.key));
        for (const item of page.items) expect(item.size).toBe(Buffer.byteLength(item.key));
        cursor = page.cursor ?? undefined;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(keys);
      const partial = await s().list(`${dir}/c`);
      expect(partial.items.map((i) => i.key)).toEqual([`${dir}/c/d`, `${dir}/c/e`]);
      expect(partial.cursor).toBeNull();
    });

    it('copies and moves with type and metadata; missing sources are not_found', async () => {
      const a = k('a.txt');
      await s().put(a, 'payload', { contentType: 'text/plain', metadata: { owner: 'u1' } });
      const b = k('b.txt');
      await s().copy(a, b);
      const copied = await s().get(b);
      expect((await readAll(copied.body)).toString()).toBe('payload');
      expect(copied.contentType).toBe('text/plain');
      expect(copied.metadata).toEqual({ owner: 'u1' });
      expect(await s().exists(a)).toBe(true);
      // a copy replaces the destination and is a snapshot: later writes to the source leave it alone
      // (completeUpload relies on both: it verifies the copy while the source may still be written)
      await s().put(a, 'changed', { contentType: 'text/csv' });
      await s().copy(a, b);
      await s().put(a, 'changed again');
      const replaced = await s().get(b);
      expect((await readAll(replaced.body)).toString()).toBe('changed');
      expect(replaced.contentType).toBe('text/csv');
      const c = k('sub dir/c ü.txt');
      await s().move(b, c);
      expect(await s().exists(b)).toBe(false);
      expect((await readAll((await s().get(c)).body)).toString()).toBe('changed');
      await expectCode(s().copy(k('missing'), k('dest')), 'not_found');
      await expectCode(s().move(k('missing'), k('dest')), 'not_found');
    });

    it('reads byte ranges and refuses unsatisfiable ones', async () => {
      const key = k('range.bin');
      const data = Buffer.from('0123456789abcdefghij');
      await s().put(key, data);
      const mid = await s().get(key, { range: { start: 5, end: 9 } });
      expect((await readAll(mid.body)).toString()).toBe('56789');
      expect(mid.contentLength).toBe(5);
      expect(mid.size).toBe(20);
      expect(mid.range).toEqual({ start: 5, end: 9 });
      const tail = await s().get(key, { range: { start: 15 } });
      expect((await readAll(tail.body)).toString()).toBe('fghij');
      const clamped = await s().get(key, { range: { start: 18, end: 100 } });
      expect((await readAll(clamped.body)).toString()).toBe('ij');
      await expectCode(s().get(key, { range: { start: 20 } }), 'range_not_satisfiable');
    });

    it('throws typed not_found', async () => {
      await expectCode(s().get(k('nope')), 'not_found');
      await expectCode(s().stat(k('nope')), 'not_found');
    });

    it('throws invalid_key for "../", absolute paths and control characters on every operation', async () => {
      for (const bad of BAD_KEYS) {
        await expectCode(s().put(bad, 'x'), 'invalid_key');
        await expectCode(s().get(bad), 'invalid_key');
        await expectCode(s().stat(bad), 'invalid_key');
        await expectCode(s().exists(bad), 'invalid_key');
        await expectCode(s().delete(bad), 'invalid_key');
        await expectCode(s().deleteMany(['ok', bad]), 'invalid_key');
        await expectCode(s().copy('ok', bad), 'invalid_key');
        await expectCode(s().copy(bad, 'ok'), 'invalid_key');
        await expectCode(s().move(bad, 'ok'), 'invalid_key');
        await expectCode(s().signedUrl(bad), 'invalid_key');
        await expectCode(() => s().publicUrl(bad), 'invalid_key');
        if (!bad.includes('//') && !bad.startsWith('./')) await expectCode(s().list(bad), 'invalid_key');
      }
      await expectCode(s().put('x'.repeat(1025), 'x'), 'invalid_key');
    });

    it('round-trips metadata', async () => {
      const key = k('meta.txt');
      await s().put(key, 'm', { metadata: { 'x-origin': 'upload', tenant: 't-1' } });
      expect((await s().stat(key)).metadata).toEqual({ 'x-origin': 'upload', tenant: 't-1' });
      await expectCode(s().put(key, 'm', { metadata: { Bad_Name: 'x' } }), 'invalid_input');
    });

    it('serves signed GET URLs over HTTP, with range and disposition', async () => {
      const key = k('signed get ü.txt');
      await s().put(key, 'signed content', { contentType: 'text/plain' });
      const url = await s().signedUrl(key, {
        method: 'GET',
        expiresIn: 60,
        disposition: `attachment; filename="a.txt"; filename*=UTF-8''a%C3%BC.txt`,
      });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('signed content');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="a.txt"; filename*=UTF-8''a%C3%BC.txt`);
      const part = await fetch(url, { headers: { range: 'bytes=7-13' } });
      expect(part.status).toBe(206);
      expect(await part.text()).toBe('content');
    });

    it('accepts uploads on signed PUT URLs over HTTP', async () => {
      const key = k('signed-put.bin');
      const body = Buffer.from('uploaded through a presigned URL');
      const url = await s().signedUrl(key, {
        method: 'PUT',
        expiresIn: 60,
        contentType: 'application/pdf',
        contentLength: body.length,
      });
      const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'application/pdf' } });
      expect(res.status).toBe(200);
      const got = await s().get(key);
      expect(await readAll(got.body)).toEqual(body);
      expect(got.contentType).toBe('application/pdf');
    });

    it('refuses expired signed URLs', async () => {
      const key = k('expired.txt');
      await s().put(key, 'x');
      const url = await s().signedUrl(key, { expiresIn: 1 });
      await new Promise((r) => setTimeout(r, 2100));
      const res = await fetch(url);
      expect(res.status).toBe(403);
      await res.arrayBuffer();
    });

    it('aborting a streamed put leaves no object', async () => {
      const key = k('aborted.bin');
      const controller = new AbortController();
      const source = new Readable({ read() {} });
      source.push(Buffer.alloc(1024 * 1024, 1));
      const pending = s().put(key, source, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toBeTruthy();
      expect(await s().exists(key)).toBe(false);
    });

    it('a failing source stream leaves no object', async () => {
      const key = k('broken.bin');
      let sent = 0;
      const source = new Readable({
        read() {
          if (sent++ < 3) this.push(Buffer.alloc(64 * 1024, 2));
          else this.destroy(new Error('client went away'));
        },
      });
      await expect(s().put(key, source)).rejects.toBeTruthy();
      expect(await s().exists(key)).toBe(false);
    });
  });
}
