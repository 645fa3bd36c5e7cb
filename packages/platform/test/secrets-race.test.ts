import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpointKey, loadKeySet, loadSigningSecret } from '@portalkit/platform';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Fault injection: a slow disk. The file a write creates exists, empty, for 100 ms before its
// bytes land, as when an instance is descheduled between creating and writing a file. Everything
// else is the real file system.
const slow = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile: typeof fs.writeFile = async (path, data, options) => {
    if (!slow.on || typeof path !== 'string') return fs.writeFile(path, data, options);
    const { flag = 'w', mode = 0o666 } = (typeof options === 'object' && options) || {};
    const handle = await fs.open(path, flag as string, mode as number);
    try {
      await new Promise((r) => setTimeout(r, 100));
      await handle.writeFile(data as string);
    } finally {
      await handle.close();
    }
  };
  return { ...fs, default: { ...fs, writeFile }, writeFile };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pk-platform-secrets-race-'));
  slow.on = true;
});
afterEach(async () => {
  slow.on = false;
  await rm(dir, { recursive: true, force: true });
});

/** Starts `load` twice on one empty directory, the second 30 ms after the first (inside the write). */
async function twoInstances<T>(load: () => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const first = load();
  await new Promise((r) => setTimeout(r, 30));
  return Promise.allSettled([first, load()]);
}

describe('secrets kept in DATA_DIR while another instance is writing them', () => {
  it('a second instance never reads a half-written key file: both start with the same key', async () => {
    const [a, b] = await twoInstances(() => loadKeySet(undefined, dir));
    expect(a?.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'fulfilled' });
    if (a?.status === 'fulfilled' && b?.status === 'fulfilled') expect(b.value.jwks()).toEqual(a.value.jwks());
  });

  it('a second instance never gets an empty signing secret', async () => {
    const [a, b] = await twoInstances(() => loadSigningSecret(undefined, dir));
    expect(a).toMatchObject({ status: 'fulfilled', value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(b).toEqual(a);
  });

  it('a second instance never reads a half-written checkpoint key', async () => {
    const [a, b] = await twoInstances(() => loadCheckpointKey(undefined, dir));
    expect(a).toMatchObject({ status: 'fulfilled', value: expect.stringContaining('BEGIN PRIVATE KEY') });
    expect(b).toEqual(a);
  });

  it('leaves only the secret files, each mode 0600', async () => {
    await Promise.all([
      twoInstances(() => loadKeySet(undefined, dir)),
      twoInstances(() => loadSigningSecret(undefined, dir)),
    ]);
    expect((await readdir(dir)).sort()).toEqual(['jwt-keys.json', 'storage-signing-secret']);
    for (const file of ['jwt-keys.json', 'storage-signing-secret']) {
      expect((await stat(join(dir, file))).mode & 0o777, file).toBe(0o600);
    }
  });
});
