import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { AuditError } from './errors.js';
import type { Checkpoint } from './store.js';

/** Keys for signing and checking checkpoints. */
export interface CheckpointKeys {
  /** Ed25519 private key (KeyObject or PKCS#8 PEM) used to sign new checkpoints. Omit on verify-only nodes. */
  privateKey?: KeyObject | string;
  /** Id written into each checkpoint so verifiers pick the right public key. @default 'default' */
  keyId?: string;
  /**
   * Public keys (KeyObject or SPKI PEM) by key id, for checking checkpoints, including those signed
   * with retired keys. The public half of `privateKey` is added under `keyId` automatically.
   * @default {}
   */
  publicKeys?: Record<string, KeyObject | string>;
  /**
   * When set (and `privateKey` is given), runs `checkpointAll()` every this many ms in the
   * background (failures are logged); stopped by `close()`.
   * @default undefined
   */
  intervalMs?: number;
}

/** An Ed25519 key pair as PEM text. */
export interface CheckpointKeyPair {
  /** PKCS#8 PEM private key: keep it secret (e.g. in your secret store), give it to writers. */
  privateKey: string;
  /** SPKI PEM public key: give it to verifiers and auditors. */
  publicKey: string;
}

/**
 * A fresh Ed25519 key pair as PEM strings (PKCS#8 private, SPKI public), for checkpoint signing.
 *
 * @example
 * ```ts
 * import { generateCheckpointKeys } from '@portalkit/audit';
 *
 * const { privateKey, publicKey } = generateCheckpointKeys();
 * // store privateKey as a secret; publish publicKey to auditors
 * ```
 */
export function generateCheckpointKeys(): CheckpointKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * The exact bytes a checkpoint signature covers: the canonical JSON of
 * `{ type: 'portalkit.audit.checkpoint/v1', tenantId, seq, headHash, signedAt, keyId, kind }`.
 *
 * @example
 * ```ts
 * import { checkpointPayload } from '@portalkit/audit';
 * import { verify } from 'node:crypto';
 *
 * const ok = verify(null, checkpointPayload(cp), publicKey, Buffer.from(cp.signature, 'base64url'));
 * ```
 */
export function checkpointPayload(cp: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(
    canonicalJson({
      type: 'portalkit.audit.checkpoint/v1',
      tenantId: cp.tenantId,
      seq: cp.seq,
      headHash: cp.headHash,
      signedAt: cp.signedAt,
      keyId: cp.keyId,
      kind: cp.kind,
    }),
  );
}

/** Resolved checkpoint keys (internal). */
export interface CheckpointSigner {
  sign(cp: Omit<Checkpoint, 'signature' | 'keyId'>): Checkpoint;
  check(cp: Checkpoint): 'ok' | 'bad_signature' | 'unknown_key';
  canSign: boolean;
}

export function createCheckpointSigner(keys: CheckpointKeys | undefined): CheckpointSigner {
  const keyId = keys?.keyId ?? 'default';
  const priv = keys?.privateKey
    ? typeof keys.privateKey === 'string'
      ? createPrivateKey(keys.privateKey)
      : keys.privateKey
    : undefined;
  if (priv && priv.asymmetricKeyType !== 'ed25519') {
    throw new AuditError(
      'no_signing_key',
      'checkpoints.privateKey must be an Ed25519 key (see generateCheckpointKeys())',
    );
  }
  const publics = new Map<string, KeyObject>();
  for (const [id, k] of Object.entries(keys?.publicKeys ?? {}))
    publics.set(id, typeof k === 'string' ? createPublicKey(k) : k);
  if (priv && !publics.has(keyId)) publics.set(keyId, createPublicKey(priv));
  return {
    canSign: priv !== undefined,
    sign(cp) {
      if (!priv) {
        throw new AuditError(
          'no_signing_key',
          'signing a checkpoint needs checkpoints.privateKey (an Ed25519 key; see generateCheckpointKeys())',
        );
      }
      const unsigned = { ...cp, keyId };
      return { ...unsigned, signature: sign(null, checkpointPayload(unsigned), priv).toString('base64url') };
    },
    check(cp) {
      const pub = publics.get(cp.keyId);
      if (!pub) return 'unknown_key';
      try {
        return verify(null, checkpointPayload(cp), pub, Buffer.from(cp.signature, 'base64url'))
          ? 'ok'
          : 'bad_signature';
      } catch {
        return 'bad_signature';
      }
    },
  };
}
