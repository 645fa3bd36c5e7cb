import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contentDisposition,
  createStorage,
  fileObjectKey,
  parseRangeHeader,
  sanitizeFileName,
  scoped,
  uploadStagingKey,
  validateKey,
  validatePrefix,
} from '@portalkit/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCode, readAll } from './conformance/provider-suite.js';

describe('keys', () => {
  it('accepts normal keys and refuses traversal, absolute, control and oversize keys', async () => {
    expect(validateKey('tenants/t1/files/f1/a b.pdf')).toBe('tenants/t1/files/f1/a b.pdf');
    expect(validatePrefix('')).toBe('');
    expect(validatePrefix('tenants/t1/')).toBe('tenants/t1/');
    for (const bad of [
      '',
      '..',
      'a/..',
      '../a',
      '/a',
      'C:/x',
      'a\u0000',
      'a\u001b[31m',
      'a\u007f',
      'a/',
      'a\\b',
      '\ud800x',
      'é'.repeat(513),
    ]) {
      await expectCode(() => validateKey(bad), 'invalid_key');
    }
  });

  it('sanitizes display names', () => {
    expect(sanitizeFileName('C:\\Users\\me\\..\\Report\u0000 Q1.pdf')).toBe('Report Q1.pdf');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('e\u0301te\u0301.txt')).toBe('été.txt');
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('   ')).toBe('file');
    expect(sanitizeFileName(' .hidden. ')).toBe('hidden');
    const long = sanitizeFileName(`${'a'.repeat(500)}.pdf`);
    expect(long.length).toBe(200);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(fileObjectKey('t1', 'f1', '../x/y/My file.pdf')).toBe('tenants/t1/files/f1/My file.pdf');
    expect(() => fileObjectKey('t/1', 'f1', 'a')).toThrow();
    // direct uploads are PUT to a staging key, never to the file's key
    expect(uploadStagingKey('t1', 'f1')).toBe('tenants/t1/uploads/f1');
    expect(() => uploadStagingKey('t1', '../f1')).toThrow();
    expect(() => uploadStagingKey('', 'f1')).toThrow();
  });

  it('builds RFC 6266 Content-Disposition values', () => {
    expect(contentDisposition('a.png')).toBe(`attachment; filename="a.png"; filename*=UTF-8''a.png`);
    expect(contentDisposition('résumé "final".pdf', 'inline')).toBe(
      `inline; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
    expect(contentDisposition("it's (1)*.txt")).toContain(`filename*=UTF-8''it%27s%20%281%29%2A.txt`);
    expect(contentDisposition('evil\r\nSet-Cookie: x=1.txt')).not.toMatch(/[\r\n]/);
  });

  it('parses Range headers', () => {
    expect(parseRangeHeader('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRangeHeader('bytes=990-', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRangeHeader('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRangeHeader('bytes=0-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRangeHeader('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=0-1,5-6', 1000)).toBeNull();
    expect(parseRangeHeader('items=0-1', 1000)).toBeNull();
    expect(parseRangeHeader(null, 1000)).toBeNull();
  });
});

describe('scoped()', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('confines every operation to the prefix', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pk-scoped-'));
    dirs.push(root);
    const storage = createStorage({ provider: 'local', root });
    const t1 = scoped(storage, 'tenants/t1/');
    const t2 = scoped(storage, 'tenants/t2/');
    const info = await t1.put('docs/a.txt', 'one');
    expect(info.key).toBe('docs/a.txt');
    await t2.put('docs/a.txt', 'two');
    expect(await storage.exists('tenants/t1/docs/a.txt')).toBe(true);
    expect((await readAll((await t1.get('docs/a.txt')).body)).toString()).toBe('one');
    expect((await t1.list('')).items.map((i) => i.key)).toEqual(['docs/a.txt']);
    await expectCode(t1.get('../t2/docs/a.txt'), 'invalid_key');
    await expectCode(t1.list('../'), 'invalid_key');
    await t1.copy('docs/a.txt', 'docs/b.txt');
    expect(await storage.exists('tenants/t1/docs/b.txt')).toBe(true);
    await expectCode(() => scoped(storage, 'tenants/t1'), 'invalid_key');
    await expectCode(() => scoped(storage, '../'), 'invalid_key');
  });
});

describe('createStorage config validation', () => {
  it('rejects bad configs with invalid_config naming the field, never the secret', async () => {
    try {
      createStorage({
        provider: 'digitalocean',
        region: 'nowhere-9',
        bucket: 'b',
        credentials: { accessKeyId: 'AKIA', secretAccessKey: 'super-secret-value' },
      });
      throw new Error('should have thrown');
    } catch (error) {
      expect((error as { code: string }).code).toBe('invalid_config');
      expect(String((error as Error).message)).toContain('region');
      expect(String((error as Error).message)).toContain('bucket');
      expect(String((error as Error).message)).not.toContain('super-secret-value');
    }
    await expectCode(
      () => createStorage({ provider: 'local', root: '/tmp/x', signing: { secret: 'short', baseUrl: 'http://x' } }),
      'invalid_config',
    );
    await expectCode(() => createStorage({ provider: 'nope' } as never), 'invalid_config');
    await expectCode(
      () =>
        createStorage({ provider: 's3-compatible', endpoint: 'http://127.0.0.1:1', bucket: 'bkt', acl: 'public-read' }),
      'invalid_config',
    );
  });
});
