import type { JsonValue } from './canonical-json.js';

/** One changed field: where it is and its value before and after (absent when the field did not exist). */
export interface AuditChange {
  /** Field path from the top of the object, e.g. `['profile', 'email']`; `[]` when the whole value changed. */
  path: string[];
  /** Value before the change; absent when the field was added. */
  before?: JsonValue;
  /** Value after the change; absent when the field was removed. */
  after?: JsonValue;
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep equality of two JSON values (member order of objects ignored). @internal */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return equal(a, b);
}

function equal(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  }
  const ao = a as { [key: string]: JsonValue };
  const bo = b as { [key: string]: JsonValue };
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.hasOwn(bo, k) && equal(ao[k], bo[k]));
}

/**
 * The list of changes between two JSON values, walking nested objects member by member (sorted by
 * name). Arrays and scalars are compared as whole values. A missing side (`undefined`) counts as an
 * empty object when the other side is an object, so a creation lists every field as added.
 *
 * @example
 * ```ts
 * import { diff } from '@portalkit/audit';
 *
 * diff({ role: 'member', name: 'A' }, { role: 'admin', name: 'A' });
 * // [{ path: ['role'], before: 'member', after: 'admin' }]
 * ```
 */
export function diff(before: JsonValue | undefined, after: JsonValue | undefined): AuditChange[] {
  const out: AuditChange[] = [];
  const b = before === undefined && isObject(after) ? {} : before;
  const a = after === undefined && isObject(before) ? {} : after;
  walk(b, a, [], out);
  return out;
}

function walk(before: JsonValue | undefined, after: JsonValue | undefined, path: string[], out: AuditChange[]): void {
  if (equal(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) walk(before[k], after[k], [...path, k], out);
    return;
  }
  const change: AuditChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}
