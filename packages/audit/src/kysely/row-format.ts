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
  return sameChanges(diff(e.before, e.after), e.changes) ? null : e.changes;
}

/** The event's `changes` from the stored column (`null`: rebuilt from `before` and `after`). */
export function readChanges(
  stored: AuditChange[] | null,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): AuditChange[] {
  return stored ?? diff(before, after);
}

/** A stored personal entry: `[path, subject (index into subjects, or the id), salt, commitment (base64url)]`. */
export type PackedPersonal = [Array<string | number>, number | string, string | null, string];

/** `personal` as stored: tuples instead of objects, the subject as its index in `subjects`, the commitment in base64url. */
export function packPersonal(personal: readonly PersonalEntry[], subjects: readonly string[]): PackedPersonal[] {
  return personal.map((p) => {
    const i = subjects.indexOf(p.subject);
    return [p.path, i >= 0 ? i : p.subject, p.salt, Buffer.from(p.commitment, 'hex').toString('base64url')];
  });
}

/** Inverse of {@link packPersonal}. */
export function unpackPersonal(packed: readonly PackedPersonal[], subjects: readonly string[]): PersonalEntry[] {
  return packed.map(([path, subject, salt, commitment]) => ({
    path,
    subject: typeof subject === 'number' ? subjects[subject]! : subject,
    salt,
    commitment: Buffer.from(commitment, 'base64url').toString('hex'),
  }));
}
