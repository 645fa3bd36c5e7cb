import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCheckpointKeys } from '@portalkit/audit';
import { createKeySet, exportSigningKey, generateSigningKey, importSigningKey, type KeySet } from '@portalkit/auth';

async function importAll(text: string, origin: string): Promise<KeySet> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`[portalkit/platform] ${origin} is not JSON: give a JSON array of private JWKs, newest first`);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new Error(`[portalkit/platform] ${origin} holds no key`);
  const [signingKey, ...verificationKeys] = await Promise.all(list.map((jwk) => importSigningKey(jwk)));
  return createKeySet({ signingKey: signingKey!, verificationKeys });
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';
const isTaken = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * Reads a secret file of `dataDir`, or creates it (mode 0600) with `create()`. When several
 * instances start on one directory at once, the first write wins and every instance uses it.
 */
async function keptInDataDir(dataDir: string, file: string, create: () => Promise<string> | string): Promise<string> {
  const path = join(dataDir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const value = await create();
  try {
    await writeFile(path, value, { mode: 0o600, flag: 'wx' });
    return value;
  } catch (err) {
    if (!isTaken(err)) throw err;
    return readFile(path, 'utf8');
  }
}

/**
 * The JWT key set: `fromEnv` (`JWT_PRIVATE_KEYS`, a JSON array of private JWKs, newest first: it
 * signs, the others still verify) when set, else a key generated once and kept in
 * `<dataDir>/jwt-keys.json` (mode 0600) so a restart keeps every session valid.
 *
 * @example
 * ```ts
 * import { loadKeySet } from '@portalkit/platform';
 *
 * const keySet = await loadKeySet(process.env.JWT_PRIVATE_KEYS, './data');
 * console.log(keySet.jwks().keys.length);
 * ```
 */
export async function loadKeySet(fromEnv: string | undefined, dataDir: string): Promise<KeySet> {
  if (fromEnv) return importAll(fromEnv, 'JWT_PRIVATE_KEYS');
  const text = await keptInDataDir(dataDir, 'jwt-keys.json', async () =>
    JSON.stringify([await exportSigningKey(await generateSigningKey())], null, 2),
  );
  return importAll(text, join(dataDir, 'jwt-keys.json'));
}

/**
 * The HMAC secret of local signed URLs: `fromEnv` (`STORAGE_SIGNING_SECRET`) when set, else 32
 * random bytes generated once and kept in `<dataDir>/storage-signing-secret` (mode 0600).
 *
 * @example
 * ```ts
 * import { loadSigningSecret } from '@portalkit/platform';
 *
 * const secret = await loadSigningSecret(process.env.STORAGE_SIGNING_SECRET, './data');
 * ```
 */
export async function loadSigningSecret(fromEnv: string | undefined, dataDir: string): Promise<string> {
  if (fromEnv) return fromEnv;
  const text = await keptInDataDir(dataDir, 'storage-signing-secret', () => randomBytes(32).toString('base64url'));
  return text.trim();
}

/**
 * The Ed25519 private key (PKCS#8 PEM) signing audit retention checkpoints: `fromEnv`
 * (`AUDIT_CHECKPOINT_KEY`) when set, else one generated once and kept in
 * `<dataDir>/audit-checkpoint-key.pem` (mode 0600). Instances that share a database must share this
 * key (set `AUDIT_CHECKPOINT_KEY`), or each would reject the others' checkpoints.
 *
 * @example
 * ```ts
 * import { loadCheckpointKey } from '@portalkit/platform';
 *
 * const privateKey = await loadCheckpointKey(process.env.AUDIT_CHECKPOINT_KEY, './data');
 * ```
 */
export async function loadCheckpointKey(fromEnv: string | undefined, dataDir: string): Promise<string> {
  if (fromEnv) return fromEnv.replace(/\\n/g, '\n');
  return keptInDataDir(dataDir, 'audit-checkpoint-key.pem', () => generateCheckpointKeys().privateKey);
}
