import type { JsonValue } from './canonical-json.js';

/**
 * What a redacted value is replaced with.
 *
 * @example
 * ```ts
 * import { REDACTED } from '@portalkit/audit';
 *
 * const after = event.after as { password?: unknown } | undefined; // a JsonValue
 * const hidden = after?.password === REDACTED;
 * ```
 */
export const REDACTED = '[REDACTED]';

/**
 * Field names redacted by default (matched case-insensitively, ignoring `_` and `-`, anywhere in
 * the name: `passwordHash`, `refresh_token`, `X-Api-Key` all match).
 *
 * @example
 * ```ts
 * import { createAuditLog, DEFAULT_REDACT_FIELDS, memoryAuditStore } from '@portalkit/audit';
 *
 * createAuditLog({ store: memoryAuditStore(), redactFields: [...DEFAULT_REDACT_FIELDS, /^ssn$/i] });
 * ```
 */
export const DEFAULT_REDACT_FIELDS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'hash',
  'authorization',
  'cookie',
  'apikey',
  'privatekey',
  'credential',
  'otp',
  'salt',
];

/** A deny-list entry: a name fragment (see {@link DEFAULT_REDACT_FIELDS}) or a regular expression tested against the raw name. */
export type FieldPattern = string | RegExp;

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/**
 * Builds a predicate telling whether a field name matches a list: string entries match
 * case-insensitively ignoring `_` and `-`, anywhere in the name (`contains`, used for redaction) or
 * as the whole name (`exact`, used for personal fields); regular expressions are tested as given.
 *
 * @example
 * ```ts
 * import { fieldMatcher } from '@portalkit/audit';
 *
 * const isSecret = fieldMatcher(['password', /^x-/i]);
 * isSecret('newPassword'); // true
 * ```
 */
export function fieldMatcher(
  patterns: readonly FieldPattern[],
  match: 'contains' | 'exact' = 'contains',
): (name: string) => boolean {
  const fragments = patterns.filter((p): p is string => typeof p === 'string').map(normalize);
  const regexps = patterns.filter((p): p is RegExp => p instanceof RegExp);
  const cache = new Map<string, boolean>();
  return (name) => {
    let hit = cache.get(name);
    if (hit !== undefined) return hit;
    const n = normalize(name);
    hit =
      fragments.some((f) => f !== '' && (match === 'exact' ? n === f : n.includes(f))) ||
      regexps.some((r) => r.test(name));
    if (cache.size < 10_000) cache.set(name, hit);
    return hit;
  };
}

/**
 * Returns a copy of `value` where every member whose name matches the deny-list is replaced by
 * {@link REDACTED}, at any depth (inside nested objects and arrays).
 *
 * @example
 * ```ts
 * import { redact } from '@portalkit/audit';
 *
 * redact({ email: 'a@b.c', auth: { passwordHash: 'x' } });
 * // { email: 'a@b.c', auth: { passwordHash: '[REDACTED]' } }
 * ```
 */
export function redact(
  value: JsonValue,
  fields: readonly FieldPattern[] | ((name: string) => boolean) = DEFAULT_REDACT_FIELDS,
): JsonValue {
  const matches = typeof fields === 'function' ? fields : fieldMatcher(fields);
  return walk(value, matches);
}

function walk(value: JsonValue, matches: (name: string) => boolean): JsonValue {
  if (Array.isArray(value)) return value.map((v) => walk(v, matches));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = matches(k) ? REDACTED : walk(v, matches);
    return out;
  }
  return value;
}
