import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKeySet, exportSigningKey, generateSigningKey, importSigningKey, type KeySet } from '@portalkit/auth';

async function importAll(text: string, origin: string): Promise<KeySet> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`[portalkit/hono-server] ${origin} is not JSON: give a JSON array of private JWKs, newest first`);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new Error(`[portalkit/hono-server] ${origin} holds no key`);
  const [signingKey, ...verificationKeys] = await Promise.all(list.map((jwk) => importSigningKey(jwk)));
  return createKeySet({ signingKey: signingKey!, verificationKeys });
}

/**
 * The JWT key set: JWT_PRIVATE_KEYS (a JSON array of private JWKs, newest first: it signs, the
 * others still verify) when set, else a key generated once and kept in `$DATA_DIR/jwt-keys.json`
 * (mode 0600) so a restart keeps every session valid.
 */
export async function loadKeySet(fromEnv: string | undefined, dataDir: string): Promise<KeySet> {
  if (fromEnv) return importAll(fromEnv, 'JWT_PRIVATE_KEYS');
  const file = join(dataDir, 'jwt-keys.json');
  try {
    return await importAll(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = await generateSigningKey();
  await mkdir(dataDir, { recursive: true });
  try {
    // wx: when two instances start on one DATA_DIR at once, the first key wins and both use it.
    await writeFile(file, JSON.stringify([await exportSigningKey(key)], null, 2), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return importAll(await readFile(file, 'utf8'), file);
  }
  return createKeySet({ signingKey: key });
}
