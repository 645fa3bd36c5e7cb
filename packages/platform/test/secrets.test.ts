import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

describe('secrets kept in DATA_DIR, damaged or loose', () => {
  it('a damaged secret file stops the start with a message naming the file, never its content', async () => {
    await writeFile(join(dir, 'jwt-keys.json'), '');
    await expect(loadKeySet(undefined, dir)).rejects.toThrow(/jwt-keys\.json .*not JSON/);
    await writeFile(join(dir, 'jwt-keys.json'), '[{"kty":"OKP","d":"c2VjcmV0LWtleS1tYXRlcmlhbA"}]');
    const keyError = await loadKeySet(undefined, dir).catch((err: Error) => err.message);
    expect(keyError).toMatch(/jwt-keys\.json.*key 1/);
    expect(keyError).not.toContain('c2VjcmV0LWtleS1tYXRlcmlhbA');

    await writeFile(join(dir, 'storage-signing-secret'), 'short-secret');
    const secretError = await loadSigningSecret(undefined, dir).catch((err: Error) => err.message);
    expect(secretError).toMatch(/storage-signing-secret.*at least 32 characters/);
    expect(secretError).not.toContain('short-secret');

    await writeFile(
      join(dir, 'audit-checkpoint-key.pem'),
      '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n',
    );
    const pemError = await loadCheckpointKey(undefined, dir).catch((err: Error) => err.message);
    expect(pemError).toMatch(/audit-checkpoint-key\.pem.*Ed25519 private key/);
    expect(pemError).not.toContain('c2VjcmV0');
  });

  it('tightens a kept secret file readable by others to 0600', async () => {
    await loadSigningSecret(undefined, dir);
    const file = join(dir, 'storage-signing-secret');
    await chmod(file, 0o644);
    await loadSigningSecret(undefined, dir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe('JWT_PRIVATE_KEYS that cannot work', () => {
  it('names the variable and the key (by place and kid), never the key material', async () => {
    const [one, two] = await Promise.all([generateSigningKey({ kid: 'one' }), generateSigningKey({ kid: 'two' })]);
    const [jwkOne, jwkTwo] = await Promise.all([exportSigningKey(one), exportSigningKey(two)]);
    const messageOf = (value: unknown) =>
      loadKeySet(JSON.stringify(value), dir).then(
        () => 'loaded',
        (err: Error) => err.message,
      );
    expect(await messageOf([null])).toBe('[portalkit/platform] JWT_PRIVATE_KEYS: key 1 is not a JWK object');
    // The private part of one key with the public part of another: every token would be refused.
    const mixed = await messageOf([jwkOne, { ...jwkTwo, x: jwkOne.x }]);
    expect(mixed).toMatch(/^\[portalkit\/platform\] JWT_PRIVATE_KEYS: key 2 \(kid "two"\) is not a usable private/);
    const broken = await messageOf([{ ...jwkOne, d: 'not-a-key!!' }]);
    expect(broken).toMatch(/^\[portalkit\/platform\] JWT_PRIVATE_KEYS: key 1 \(kid "one"\) is not a usable private/);
    const { kid: _kid, ...noKid } = jwkOne;
    expect(await messageOf([noKid])).toMatch(/JWT_PRIVATE_KEYS: key 1 is not a usable private/);
    expect(await messageOf([jwkOne, jwkOne])).toMatch(/^\[portalkit\/platform\] JWT_PRIVATE_KEYS: .*kid "one"/);
    for (const message of [mixed, broken]) {
      for (const secret of [jwkOne.d, jwkTwo.d]) expect(message).not.toContain(secret);
    }
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
