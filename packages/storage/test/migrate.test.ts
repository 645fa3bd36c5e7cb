import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  createStorage,
  createStorageFromEnv,
  MIGRATE_CHECKSUM_METADATA,
  migrateObjects,
  type StorageProvider,
  storageConfigFromEnv,
} from '@portalkit/storage';
import { useS3Bucket } from '@portalkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, patternStream, readAll } from './conformance/provider-suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const bucket = useS3Bucket();
const dirs: string[] = [];
let source: StorageProvider;
let sourceRoot = '';

beforeAll(async () => {
  sourceRoot = await mkdtemp(join(tmpdir(), 'pk-migrate-'));
  dirs.push(sourceRoot);
  source = createStorage({ provider: 'local', root: sourceRoot });
  await source.put('tenants/t1/files/f1/a b ü.txt', 'hello', { contentType: 'text/plain', metadata: { owner: 'u1' } });
  await source.put('tenants/t1/files/f2/big.bin', patternStream(6 * 1024 * 1024));
  await source.put('tenants/t2/files/f3/empty', '');
  await source.put('other/x.json', '{}', { contentType: 'application/json' });
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function s3Env(): Record<string, string> {
  return {
    STORAGE_PROVIDER: 's3-compatible',
    STORAGE_ENDPOINT: bucket.endpoint,
    STORAGE_REGION: bucket.region,
    STORAGE_BUCKET: bucket.bucket,
    STORAGE_ACCESS_KEY_ID: bucket.accessKeyId,
    STORAGE_SECRET_ACCESS_KEY: bucket.secretAccessKey,
  };
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'src', 'cli.ts'), ...args], {
      cwd: join(here, '..'),
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill(), 40_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('portalkit-storage migrate (CLI)', () => {
  it('copies local -> S3 with verification, reports progress, and resumes', { timeout: 60_000 }, async () => {
    const first = await cli(['migrate', '--from', `local:${sourceRoot}`, '--to', 'env', '--json'], s3Env());
    expect(first.stderr).toContain('"action":"copied"');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.trim())).toMatchObject({ copied: 4, skipped: 0, failed: 0 });
    const dest = createStorageFromEnv(s3Env(), { strict: true });
    const got = await dest.get('tenants/t1/files/f1/a b ü.txt');
    expect((await readAll(got.body)).toString()).toBe('hello');
    expect(got.contentType).toBe('text/plain');
    expect(got.metadata.owner).toBe('u1');
    expect(got.metadata[MIGRATE_CHECKSUM_METADATA]).toMatch(/^[0-9a-f]{64}$/);
    const big = await readAll((await dest.get('tenants/t1/files/f2/big.bin')).body);
    expect(big.equals(await readAll(patternStream(6 * 1024 * 1024)))).toBe(true);

    await dest.delete('other/x.json');
    const second = await cli(['migrate', '--from', `local:${sourceRoot}`, '--to', 'env', '--json'], s3Env());
    expect(JSON.parse(second.stdout.trim())).toMatchObject({ copied: 1, skipped: 3, failed: 0 });
  });

  it('prints usage and exits 2 on bad arguments', async () => {
    const r = await cli(['migrate', '--from', 'local:/tmp'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: portalkit-storage migrate');
  });
});

describe('migrateObjects', () => {
  it('fails an object whose copy does not read back identical, and removes it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pk-migrate-dest-'));
    dirs.push(root);
    const real = createStorage({ provider: 'local', root });
    const corrupting: StorageProvider = {
      ...real,
      provider: real.provider,
      put: async (key, body, opts) => {
        const bytes = await readAll(body as Readable);
        if (bytes.length > 0) bytes[0] = (bytes[0] ?? 0) ^ 0xff;
        return real.put(key, bytes, { ...opts, contentLength: bytes.length });
      },
      get: (k, o) => real.get(k, o),
      stat: (k) => real.stat(k),
      delete: (k) => real.delete(k),
    };
    const events: string[] = [];
    const result = await migrateObjects({
      from: source,
      to: corrupting,
      prefix: 'tenants/t1/files/f1/',
      onProgress: (p) => events.push(`${p.action}:${p.error ?? ''}`),
    });
    expect(result).toMatchObject({ copied: 0, failed: 1 });
    expect(events).toEqual(['failed:checksum_mismatch']);
    expect(await real.exists('tenants/t1/files/f1/a b ü.txt')).toBe(false);
  });
});

describe('configuration from the environment', () => {
  it('falls back to local disk with a warning when S3 settings are absent', () => {
    const warnings: string[] = [];
    const storage = createStorageFromEnv(
      {},
      { logger: { warn: (m) => warnings.push(m) }, fallbackRoot: '/tmp/pk-fallback' },
    );
    expect(storage.provider).toBe('local');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('local disk');
    expect(storageConfigFromEnv({ STORAGE_PROVIDER: 'digitalocean', STORAGE_REGION: 'ams3' }).fellBack).toBe(true);
  });

  it('builds provider configs and refuses bad values', async () => {
    expect(
      storageConfigFromEnv({
        STORAGE_PROVIDER: 'vultr',
        STORAGE_REGION: 'ewr1',
        STORAGE_BUCKET: 'files',
        STORAGE_ACCESS_KEY_ID: 'k',
        STORAGE_SECRET_ACCESS_KEY: 's',
        STORAGE_FORCE_PATH_STYLE: 'false',
      }).config,
    ).toEqual({
      provider: 'vultr',
      region: 'ewr1',
      bucket: 'files',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      forcePathStyle: false,
    });
    await expectCode(() => storageConfigFromEnv({ STORAGE_PROVIDER: 'ftp' }), 'invalid_config');
    await expectCode(() => storageConfigFromEnv({ STORAGE_PROVIDER: 's3' }, { strict: true }), 'invalid_config');
    await expectCode(
      () => storageConfigFromEnv({ STORAGE_BUCKET: 'b', STORAGE_FORCE_PATH_STYLE: 'maybe' }),
      'invalid_config',
    );
  });
});
