import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSigningKey, generateSigningKey } from '@portalkit/auth';
import { loadCheckpointKey, loadKeySet, loadSigningSecret } from '@portalkit/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pk-platform-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadKeySet', () => {
  it('generates a key once in DATA_DIR (mode 0600) and reads the same key on the next start', async () => {
    const first = await loadKeySet(undefined, dir);
    const file = join(dir, 'jwt-keys.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await loadKeySet(undefined, dir);
    expect(second.jwks()).toEqual(first.jwks());
  });

  it('gives instances that start together on one directory the same key', async () => {
    const sets = await Promise.all([
      loadKeySet(undefined, dir),
      loadKeySet(undefined, dir),
      loadKeySet(undefined, dir),
    ]);
    const kids = new Set(sets.map((s) => JSON.stringify(s.jwks())));
    expect(kids.size).toBe(1);
  });

  it('uses JWT_PRIVATE_KEYS when given: the first signs, the others verify, nothing is written', async () => {
    const [newer, older] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    const keys = await loadKeySet(JSON.stringify([await exportSigningKey(newer), await exportSigningKey(older)]), dir);
    expect(keys.jwks().keys).toHaveLength(2);
    await expect(stat(join(dir, 'jwt-keys.json'))).rejects.toThrow();
  });

  it('refuses JWT_PRIVATE_KEYS that is not JSON or empty', async () => {
    await expect(loadKeySet('not json', dir)).rejects.toThrow(/JWT_PRIVATE_KEYS is not JSON/);
    await expect(loadKeySet('[]', dir)).rejects.toThrow(/holds no key/);
  });
});

describe('loadSigningSecret and loadCheckpointKey', () => {
  it('keep a generated secret in DATA_DIR, or use the environment value', async () => {
    const secret = await loadSigningSecret(undefined, dir);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await loadSigningSecret(undefined, dir)).toBe(secret);
    expect(await loadSigningSecret('from-the-environment-0123', dir)).toBe('from-the-environment-0123');

    const pem = await loadCheckpointKey(undefined, dir);
    expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(await readFile(join(dir, 'audit-checkpoint-key.pem'), 'utf8')).toBe(pem);
    expect(await loadCheckpointKey(undefined, dir)).toBe(pem);
  });
});
