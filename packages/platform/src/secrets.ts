import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCheckpointKeys } from '@portalkit/audit';
import { createKeySet, exportSigningKey, generateSigningKey, importSigningKey, type KeySet } from '@portalkit/auth';

/** Minimum length of the local signed URLs' HMAC secret (what `@portalkit/storage` requires). */
const MIN_SIGNING_SECRET = 32;

async function importAll(text: string, origin: string): Promise<KeySet> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`[portalkit/platform] ${origin} is not JSON: give a JSON array of private JWKs, newest first`);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new Error(`[portalkit/platform] ${origin} holds no key`);
  // Each key is named by its place (and kid), never by its content: the JWKs are private keys.
  const keys = await Promise.all(
    list.map(async (jwk, index) => {
      const kid =
        jwk && typeof jwk === 'object' && typeof (jwk as { kid?: unknown }).kid === 'string'
          ? ` (kid "${(jwk as { kid: string }).kid.slice(0, 64)}")`
          : '';
      const where = `[portalkit/platform] ${origin}: key ${index + 1}${kid}`;
      if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) throw new Error(`${where} is not a JWK object`);
      try {
        // The import also refuses a private part (d) that does not belong to the public part.
        return await importSigningKey(jwk);
      } catch {
        throw new Error(
          `${where} is not a usable private Ed25519 (alg EdDSA) or P-256 (alg ES256) JWK with a kid (make one with exportSigningKey from @portalkit/auth)`,
        );
      }
    }),
  );
  const [signingKey, ...verificationKeys] = keys;
  try {
    return createKeySet({ signingKey: signingKey!, verificationKeys });
  } catch (err) {
    throw new Error(`[portalkit/platform] ${origin}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** How old a temporary copy of a secret must be before it counts as a crash's leftover. */
const LEFTOVER_AGE_MS = 60_000;

/**
 * Removes the temporary copies of `file` (`.<file>.<uuid>.tmp`) that a crash between writing and
 * removing one left in `dataDir`: they hold the secret. Only those older than a minute: a younger
 * one may be another instance's write in progress.
 */
async function removeLeftovers(dataDir: string, file: string): Promise<void> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  const prefix = `.${file}.`;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    if (!uuid.test(name.slice(prefix.length, -'.tmp'.length))) continue;
    const path = join(dataDir, name);
    const modified = await stat(path).then(
      (s) => (s.isFile() ? s.mtimeMs : undefined),
      () => undefined,
    );
    if (modified !== undefined && Date.now() - modified > LEFTOVER_AGE_MS) await unlink(path).catch(() => {});
  }
}

/**
 * Reads a secret file of `dataDir`, or creates it (mode 0600) with `create()`. The file appears
 * whole or not at all: the value is written to a private temporary file that is then linked to the
 * final name, which fails when the name exists. So when several instances start on one directory
 * at once, the first link wins and every instance reads that complete file (none sees a
 * half-written one), and a crash while writing leaves no damaged file behind. A temporary copy a
 * crash left (it holds the secret) is removed by the next start once it is a minute old. A kept
 * file that others can read is tightened to 0600.
 */
async function keptInDataDir(dataDir: string, file: string, create: () => Promise<string> | string): Promise<string> {
  const path = join(dataDir, file);
  await removeLeftovers(dataDir, file);
  const read = async () => {
    const text = await readFile(path, 'utf8');
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600).catch(() => {});
    return text;
  };
  try {
    return await read();
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const value = await create();
  const temporary = join(dataDir, `.${file}.${randomUUID()}.tmp`);
  await writeFile(temporary, value, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
    return value;
  } catch (err) {
    if (codeOf(err) === 'EEXIST') return read();
    // A file system without hard links: create the file in place (first one wins).
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(codeOf(err) ?? '')) throw err;
    try {
      await writeFile(path, value, { mode: 0o600, flag: 'wx' });
      return value;
    } catch (inner) {
      if (codeOf(inner) !== 'EEXIST') throw inner;
      return read();
    }
  } finally {
    await unlink(temporary).catch(() => {});
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
  const secret = text.trim();
  if (secret.length < MIN_SIGNING_SECRET) {
    throw new Error(
      `[portalkit/platform] ${join(dataDir, 'storage-signing-secret')} is damaged: a signing secret has at least ${MIN_SIGNING_SECRET} characters (delete the file to generate a new one; links already sent stop working)`,
    );
  }
  return secret;
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
  if (fromEnv) return checkpointKeyOrThrow(fromEnv.replace(/\\n/g, '\n'), 'AUDIT_CHECKPOINT_KEY');
  const path = join(dataDir, 'audit-checkpoint-key.pem');
  const pem = await keptInDataDir(dataDir, 'audit-checkpoint-key.pem', () => generateCheckpointKeys().privateKey);
  return checkpointKeyOrThrow(pem, path);
}

/** `pem` when it is an Ed25519 private key in PKCS#8 PEM; else an error naming `origin` (never the key). */
/** Whether `pem` is an Ed25519 private key (what signs audit checkpoints). */
export function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

function checkpointKeyOrThrow(pem: string, origin: string): string {
  if (!isEd25519PrivateKey(pem)) {
    throw new Error(
      `[portalkit/platform] ${origin} is not an Ed25519 private key in PKCS#8 PEM (make one with generateCheckpointKeys from @portalkit/audit)`,
    );
  }
  return pem;
}
