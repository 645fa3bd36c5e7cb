import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from './canonical-json.js';
import type { AuditEvent, PersonalEntry } from './event.js';
import { canonicalHashedBody, canonicalString } from './internal/fast-canonical.js';

// One-shot digest (Node >= 20.12); older Node 20 releases use Hash objects.
const oneShot = (
  crypto as {
    hash?: (algorithm: string, data: string | Buffer, encoding: 'hex' | 'base64url') => string;
  }
).hash;
const sha256Hex = oneShot
  ? (text: string) => oneShot('sha256', text, 'hex')
  : (text: string) => createHash('sha256').update(text).digest('hex');
const sha256Base64url = oneShot
  ? (text: string) => oneShot('sha256', text, 'base64url')
  : (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * `prevHash` of the first event of every chain: 64 zeros.
 *
 * @example
 * ```ts
 * import { GENESIS_HASH } from '@portalkit/audit';
 *
 * const isFirst = event.prevHash === GENESIS_HASH;
 * ```
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Salted-hash commitment to a personal value: `base64url(sha256(canonicalJson([salt, value])))`.
 * The salt is 16 random bytes per value (base64url) and is destroyed on erasure, after which the
 * commitment reveals nothing about the value (guessing it means guessing the salt) but still lets
 * the chain verify; while the salt is kept, it binds the value (SHA-256 collision resistance).
 * The same construction as SD-JWT disclosures: a salted hash of a JSON array.
 *
 * @example
 * ```ts
 * import { commitPersonalValue } from '@portalkit/audit';
 *
 * const c = commitPersonalValue('MI9_ZrpljC138L0KII4clw', 'ada@example.com'); // 43 base64url chars
 * ```
 */
export function commitPersonalValue(salt: string, value: JsonValue): string {
  return sha256Base64url(
    `[${canonicalString(salt)},${typeof value === 'string' ? canonicalString(value) : canonicalJson(value)}]`,
  );
}

/** Copy of `root` with the value at `path` replaced (containers along the path are copied). */
export function replaceAt(
  root: JsonValue,
  path: ReadonlyArray<string | number>,
  value: JsonValue,
  depth = 0,
): JsonValue {
  if (depth === path.length) return value;
  const key = path[depth]!;
  if (Array.isArray(root)) {
    const copy = root.slice();
    const i = Number(key);
    if (Number.isInteger(i) && i >= 0 && i < copy.length) copy[i] = replaceAt(copy[i]!, path, value, depth + 1);
    return copy;
  }
  if (root !== null && typeof root === 'object') {
    const k = String(key);
    if (!Object.hasOwn(root, k)) return root;
    return { ...root, [k]: replaceAt(root[k]!, path, value, depth + 1) };
  }
  return root;
}

/**
 * The value at `path` inside an event (or any JSON value), `undefined` when absent.
 *
 * @example
 * ```ts
 * import { valueAt } from '@portalkit/audit';
 *
 * valueAt(event, ['actor', 'id']); // 'u1'
 * ```
 */
export function valueAt(root: unknown, path: ReadonlyArray<string | number>): JsonValue | undefined {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(key)];
  }
  return cur as JsonValue | undefined;
}

/**
 * The object that is canonicalized and hashed for an event: every field but `hash`, `subjects` and
 * the salts; each personal value replaced by `{ "commitment": commitment }`; the list of personal paths
 * added as `personalPaths` so an entry cannot be dropped unnoticed.
 *
 * @example
 * ```ts
 * import { canonicalJson, hashedBody } from '@portalkit/audit';
 *
 * console.log(canonicalJson(hashedBody(event)));
 * ```
 */
export function hashedBody(event: Omit<AuditEvent, 'hash'>): JsonValue {
  let body: JsonValue = {
    id: event.id,
    tenantId: event.tenantId,
    seq: event.seq,
    prevHash: event.prevHash,
    actor: { type: event.actor.type, id: event.actor.id },
    action: event.action,
    resource: { type: event.resource.type, id: event.resource.id },
    changes: event.changes as unknown as JsonValue,
    ip: event.ip,
    userAgent: event.userAgent,
    requestId: event.requestId,
    occurredAt: event.occurredAt,
    personalPaths: event.personal.map((p) => p.path),
  };
  if (event.before !== undefined) body.before = event.before;
  if (event.after !== undefined) body.after = event.after;
  for (const entry of event.personal) body = replaceAt(body, entry.path, { commitment: entry.commitment });
  return body;
}

/**
 * `hex(sha256(prevHash || canonicalJson(hashedBody(event))))`: the hash of an event, given its
 * `seq` and `prevHash`.
 *
 * @example
 * ```ts
 * import { computeEventHash } from '@portalkit/audit';
 *
 * const ok = computeEventHash(event) === event.hash;
 * ```
 */
export function computeEventHash(event: Omit<AuditEvent, 'hash'>): string {
  // The one-pass serializer gives the same bytes as canonicalJson(hashedBody(event)) (property-tested).
  return sha256Hex(event.prevHash + (canonicalHashedBody(event) ?? canonicalJson(hashedBody(event))));
}

/**
 * What erased values become (an actor or resource id becomes the pseudonym instead).
 *
 * @example
 * ```ts
 * import { ERASED } from '@portalkit/audit';
 *
 * const wasErased = event.ip === ERASED;
 * ```
 */
export const ERASED = '[ERASED]';

/** The pseudonym an erasure gives an actor or resource id (`erased:` + 16 base64url characters). */
const PSEUDONYM = /^erased:[A-Za-z0-9_-]{16}$/;

/** Whether an entry without its salt holds what an erasure leaves: the pseudonym for an id, else the marker. */
function erasedAsExpected(event: object, p: PersonalEntry): boolean {
  const value = valueAt(event, p.path);
  if (value === undefined) return true;
  const isId = p.path.length === 2 && (p.path[0] === 'actor' || p.path[0] === 'resource') && p.path[1] === 'id';
  return isId ? value === p.subject && PSEUDONYM.test(value as string) : value === ERASED;
}

/**
 * True when every personal value still held matches its commitment, and every erased one (its
 * salt destroyed) holds only what an erasure leaves: the marker, or the pseudonym for an actor or
 * resource id. So an edit cannot pass as an erasure: at most it hides who acted, never names
 * someone else.
 *
 * @example
 * ```ts
 * import { personalValuesIntact } from '@portalkit/audit';
 *
 * if (!personalValuesIntact(event)) console.warn('personal data was edited');
 * ```
 */
export function personalValuesIntact(event: Pick<AuditEvent, 'personal'> & object): boolean {
  return event.personal.every((p: PersonalEntry) =>
    p.salt === null
      ? erasedAsExpected(event, p)
      : commitPersonalValue(p.salt, valueAt(event, p.path) ?? null) === p.commitment,
  );
}
