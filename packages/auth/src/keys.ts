import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { AuthError } from './errors.js';
import { randomId } from './internal/crypto.js';

/** Asymmetric JWS algorithms the package signs and accepts. No HMAC, never `none`. */
export type SigningAlgorithm = 'EdDSA' | 'ES256';

/** A key pair that signs (and verifies) access tokens, identified by `kid`. */
export interface SigningKey {
  /** Key id, written into the JWT header and the JWKS. */
  readonly kid: string;
  /** `EdDSA` (Ed25519) or `ES256` (P-256). */
  readonly alg: SigningAlgorithm;
  /** Private key (WebCrypto). Never leaves the process except through {@link exportSigningKey}. */
  readonly privateKey: CryptoKey;
  /** Public key (WebCrypto). */
  readonly publicKey: CryptoKey;
  /** Public key as a JWK with `kid`, `alg` and `use: "sig"`, as published in the JWKS. */
  readonly publicJwk: JWK;
}

/** Options of {@link generateSigningKey}. */
export interface GenerateSigningKeyOptions {
  /** Algorithm. @default 'EdDSA' */
  alg?: SigningAlgorithm;
  /** Key id. @default a random 128-bit id */
  kid?: string;
}

const CURVES: Record<SigningAlgorithm, { kty: string; crv: string }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

async function fromPair(kid: string, alg: SigningAlgorithm, privateKey: CryptoKey, publicKey: CryptoKey) {
  const exported = await exportJWK(publicKey);
  const publicJwk: JWK = { ...exported, kid, alg, use: 'sig' };
  return Object.freeze({ kid, alg, privateKey, publicKey, publicJwk }) as SigningKey;
}

/**
 * Generates a new signing key pair (Ed25519 by default). Persist it with {@link exportSigningKey}
 * (as a secret) so every server instance and restart signs with the same keys.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey(); // EdDSA, random kid
 * const es = await generateSigningKey({ alg: 'ES256', kid: '2026-11' });
 * ```
 */
export async function generateSigningKey(options: GenerateSigningKeyOptions = {}): Promise<SigningKey> {
  const alg = options.alg ?? 'EdDSA';
  if (!(alg in CURVES)) {
    throw new TypeError(`[portalkit/auth] unsupported signing algorithm "${String(alg)}" (use EdDSA or ES256)`);
  }
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return fromPair(options.kid ?? randomId(), alg, pair.privateKey, pair.publicKey);
}

/**
 * Exports a signing key as a private JWK (with `kid` and `alg`) to keep in a secret store or an
 * environment variable. Treat the result as a secret.
 *
 * @example
 * ```ts
 * const jwk = await exportSigningKey(await generateSigningKey());
 * process.env.AUTH_SIGNING_KEY = JSON.stringify(jwk);
 * ```
 */
export async function exportSigningKey(key: SigningKey): Promise<JWK> {
  const jwk = await exportJWK(key.privateKey);
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' };
}

/**
 * Imports a private JWK made by {@link exportSigningKey}. Throws a `TypeError` when the JWK is not
 * an Ed25519 or P-256 private key with a `kid`.
 *
 * @example
 * ```ts
 * const key = await importSigningKey(JSON.parse(process.env.AUTH_SIGNING_KEY!));
 * ```
 */
export async function importSigningKey(jwk: JWK): Promise<SigningKey> {
  const alg = jwk.alg as SigningAlgorithm | undefined;
  const curve = alg ? CURVES[alg] : undefined;
  if (!alg || !curve || jwk.kty !== curve.kty || jwk.crv !== curve.crv || !jwk.d || !jwk.kid) {
    throw new TypeError(
      '[portalkit/auth] signing key JWK must be a private Ed25519 (alg EdDSA) or P-256 (alg ES256) key with a kid (make one with exportSigningKey)',
    );
  }
  const { d: _d, key_ops: _ops, ext: _ext, ...pub } = jwk;
  const privateKey = (await importJWK({ ...jwk, ext: true }, alg)) as CryptoKey;
  const publicKey = (await importJWK({ ...pub, ext: true }, alg)) as CryptoKey;
  return fromPair(jwk.kid, alg, privateKey, publicKey);
}

/** A JSON Web Key Set document, as served at `/.well-known/jwks.json`. */
export interface Jwks {
  /** Public keys (never private material). */
  keys: JWK[];
}

/** Options of {@link createKeySet}. */
export interface KeySetOptions {
  /** The key that signs new tokens (the newest one). */
  signingKey: SigningKey;
  /** Older keys that still verify tokens they signed, until those tokens expire. @default [] */
  verificationKeys?: SigningKey[];
}

/** The keys of an issuer: one signs, all verify, all are published in the JWKS. */
export interface KeySet {
  /** The key that signs new tokens. */
  readonly signingKey: SigningKey;
  /** Finds a key by `kid` (undefined when unknown). */
  get(kid: string): SigningKey | undefined;
  /** Algorithms of all keys in the set (the only ones verification accepts). */
  algorithms(): SigningAlgorithm[];
  /** Makes `key` the signing key; the previous signing key keeps verifying. */
  rotate(key: SigningKey): void;
  /** Drops a verification key (after the tokens it signed have expired). The signing key cannot be retired. */
  retire(kid: string): void;
  /** The public JWKS of every key in the set, signing key first. */
  jwks(): Jwks;
}

/**
 * Creates a key set. Rotation: call `rotate(newKey)` (or restart with the new key as `signingKey`
 * and the old one in `verificationKeys`); retire the old key once `accessTokenTtl` has passed.
 *
 * @example
 * ```ts
 * const keys = createKeySet({ signingKey: await generateSigningKey() });
 * keys.rotate(await generateSigningKey()); // old tokens still verify
 * const doc = keys.jwks(); // serve at GET /.well-known/jwks.json
 * ```
 */
export function createKeySet(options: KeySetOptions): KeySet {
  let signing = options.signingKey;
  const byKid = new Map<string, SigningKey>();
  const add = (key: SigningKey) => {
    const existing = byKid.get(key.kid);
    if (existing && existing !== key) {
      throw new TypeError(`[portalkit/auth] two different keys share kid "${key.kid}" (give every key its own kid)`);
    }
    byKid.set(key.kid, key);
  };
  add(signing);
  for (const key of options.verificationKeys ?? []) add(key);
  let algorithms: SigningAlgorithm[] = [];
  const refresh = () => {
    algorithms = [...new Set([...byKid.values()].map((k) => k.alg))];
  };
  refresh();
  return {
    get signingKey() {
      return signing;
    },
    get: (kid) => byKid.get(kid),
    algorithms: () => algorithms,
    rotate(key) {
      add(key);
      signing = key;
      refresh();
    },
    retire(kid) {
      if (kid === signing.kid) {
        throw new AuthError('forbidden', `key "${kid}" signs new tokens; rotate to another key before retiring it`);
      }
      byKid.delete(kid);
      refresh();
    },
    jwks: () => ({
      keys: [signing, ...[...byKid.values()].filter((k) => k !== signing)].map((k) => ({ ...k.publicJwk })),
    }),
  };
}
