import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** A private signing key as a JWK with its `kid` and `alg` (EdDSA or ES256). */
export type SigningJwk = JWK & { kid: string; alg: 'EdDSA' | 'ES256' };

function parseKeys(text: string, origin: string): SigningJwk[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`[portalkit/express-server] ${origin} is not JSON: give a JSON array of private JWKs`);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new Error(`[portalkit/express-server] ${origin} holds no key`);
  return list.map((key, i) => {
    const k = key as Partial<SigningJwk>;
    if (!k || typeof k !== 'object' || typeof k.kid !== 'string' || !k.d || (k.alg !== 'EdDSA' && k.alg !== 'ES256')) {
      throw new Error(
        `[portalkit/express-server] ${origin}[${i}] must be a private JWK with "kid", "d" and "alg" EdDSA or ES256`,
      );
    }
    return k as SigningJwk;
  });
}

/**
 * The JWT signing keys, newest first: JWT_PRIVATE_KEYS when set, else a key generated once and kept in
 * `$DATA_DIR/jwt-keys.json` (mode 0600) so a restart keeps every session valid.
 */
export async function loadSigningKeys(fromEnv: string | undefined, dataDir: string): Promise<SigningJwk[]> {
  if (fromEnv) return parseKeys(fromEnv, 'JWT_PRIVATE_KEYS');
  const file = join(dataDir, 'jwt-keys.json');
  try {
    return parseKeys(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'EdDSA' as const, use: 'sig' };
  await mkdir(dataDir, { recursive: true });
  try {
    // wx: when two instances start on one DATA_DIR at once, the first key wins and both use it.
    await writeFile(file, JSON.stringify([jwk], null, 2), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return parseKeys(await readFile(file, 'utf8'), file);
  }
  return [jwk];
}
