// How `changes` and `personal` are stored in `audit_events` (narrower than the event's JSON form).
import type { JsonValue } from '../canonical-json.js';
import { type AuditChange, diff, jsonEqual } from '../diff.js';
import type { AuditEvent, PersonalEntry } from '../event.js';

function sameChanges(a: readonly AuditChange[], b: readonly AuditChange[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.path.length !== y.path.length || x.path.some((p, j) => p !== y.path[j])) return false;
    if ((x.before === undefined) !== (y.before === undefined) || !jsonEqual(x.before, y.before)) return false;
    if ((x.after === undefined) !== (y.after === undefined) || !jsonEqual(x.after, y.after)) return false;
  }
  return true;
}

/**
 * `changes` as stored: `null` when `diff(before, after)` of the stored values rebuilds it exactly
 * (checked here, so the hash still verifies after the read). That is the case of creations and
 * deletions (the diff then lists the other side's members, which redaction treats the same way);
 * an update with a redacted member that changed is not rebuildable and is stored as it is.
 */
export function storedChanges(e: Pick<AuditEvent, 'before' | 'after' | 'changes'>): AuditChange[] | null {
  if (e.before !== undefined && e.after !== undefined) return e.changes;
  const side = e.before === undefined ? e.after : e.before;
  if (side !== null && typeof side === 'object' && !Array.isArray(side)) {
    return oneSidedDiffIs(side, e.before === undefined ? 'after' : 'before', e.changes) ? null : e.changes;
  }
  return sameChanges(diff(e.before, e.after), e.changes) ? null : e.changes;
}

/**
 * `sameChanges(diff(...), changes)` for a creation or deletion of an object, without building the
 * diff: it lists the object's members with a value, sorted by name, each as `{ path: [name], [side]: value }`.
 */
function oneSidedDiffIs(
  object: { [key: string]: JsonValue },
  side: 'before' | 'after',
  changes: readonly AuditChange[],
): boolean {
  const other = side === 'after' ? 'before' : 'after';
  const keys = Object.keys(object).sort();
  let n = 0;
  for (const k of keys) {
    const v = object[k];
    if (v === undefined) continue;
    const c = changes[n++];
    if (c === undefined || c.path.length !== 1 || c.path[0] !== k) return false;
    if (c[other] !== undefined || !jsonEqual(v, c[side])) return false;
  }
  return n === changes.length;
}

/** The event's `changes` from the stored column (`null`: rebuilt from `before` and `after`). */
export function readChanges(
  stored: AuditChange[] | null,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): AuditChange[] {
  return stored ?? diff(before, after);
}

/** A stored personal entry: `[path, subject (index into subjects, or the id), salt, commitment]`. */
export type PackedPersonal = [Array<string | number>, number | string, string | null, string];

/** `personal` as stored: tuples instead of objects, the subject as its index in `subjects`. */
export function packPersonal(personal: readonly PersonalEntry[], subjects: readonly string[]): PackedPersonal[] {
  return personal.map((p) => {
    const i = subjects.indexOf(p.subject);
    return [p.path, i >= 0 ? i : p.subject, p.salt, p.commitment];
  });
}

/** Inverse of {@link packPersonal}. */
export function unpackPersonal(packed: readonly PackedPersonal[], subjects: readonly string[]): PersonalEntry[] {
  return packed.map(([path, subject, salt, commitment]) => ({
    path,
    subject: typeof subject === 'number' ? subjects[subject]! : subject,
    salt,
    commitment,
  }));
}
