// The narrow row format's fast paths give what the general code gives: `changes` stored as null
// exactly when diff(before, after) rebuilds it, and personal entries packed as tuples that unpack
// to what they were.
import { type AuditChange, commitPersonalValue, diff, type JsonValue } from '@portalkit/audit';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from '../src/diff.js';
import { packPersonal, storedChanges, unpackPersonal } from '../src/kysely/row-format.js';
import { rng } from './helpers/rng.js';

/** The definition: null when the diff of the stored sides equals `changes` member by member. */
function reference(e: { before?: JsonValue; after?: JsonValue; changes: AuditChange[] }): AuditChange[] | null {
  if (e.before !== undefined && e.after !== undefined) return e.changes;
  const d = diff(e.before, e.after);
  const same =
    d.length === e.changes.length &&
    d.every((x, i) => {
      const y = e.changes[i]!;
      return (
        x.path.length === y.path.length &&
        x.path.every((p, j) => p === y.path[j]) &&
        (x.before === undefined) === (y.before === undefined) &&
        jsonEqual(x.before, y.before) &&
        (x.after === undefined) === (y.after === undefined) &&
        jsonEqual(x.after, y.after)
      );
    });
  return same ? null : e.changes;
}

describe('storedChanges', () => {
  it('stores null exactly when the diff rebuilds the changes (random creations and deletions)', () => {
    const keys = ['a', 'b', '10', '2', 'name', 'password'];
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
      const leaf = (): JsonValue => pick<JsonValue>([1, 'x', null, true, [1, 2], { z: 1 }, '[REDACTED]']);
      const obj: { [k: string]: JsonValue } = {};
      for (const k of keys) if (r() < 0.5) obj[k] = leaf();
      const side: JsonValue = r() < 0.85 ? obj : leaf();
      const creation = r() < 0.5;
      const changes = creation ? diff(undefined, side) : diff(side, undefined);
      // Tamper with the changes now and then: a redacted value, a dropped or reordered entry, a wrong side.
      const t = r();
      if (changes.length > 0 && t < 0.15)
        changes[0] = { ...changes[0]!, [creation ? 'after' : 'before']: '[REDACTED]' };
      else if (changes.length > 0 && t < 0.25) changes.pop();
      else if (changes.length > 1 && t < 0.35) changes.reverse();
      else if (changes.length > 0 && t < 0.45) changes[0] = { ...changes[0]!, [creation ? 'before' : 'after']: 1 };
      else if (t < 0.5) changes.push({ path: ['zz'], after: 1 });
      const e = creation ? { after: side, changes } : { before: side, changes };
      expect({ seed, stored: storedChanges(e) }).toEqual({ seed, stored: reference(e) });
    }
  });
});

describe('packPersonal', () => {
  it('round-trips through unpackPersonal: subjects as indexes when listed, ids otherwise, erased salts', () => {
    const r = rng(5);
    const subjects = ['u1', 'u2', 'u3'];
    for (let i = 0; i < 500; i++) {
      const personal = Array.from({ length: Math.floor(r() * 6) }, (_, j) => ({
        path: r() < 0.5 ? ['after', `f${j}`] : ['changes', j, 'after'],
        subject: r() < 0.8 ? subjects[Math.floor(r() * 3)]! : `erased:${j}`,
        salt: r() < 0.7 ? `salt${i}-${j}` : null,
        commitment: commitPersonalValue(`salt${i}-${j}`, `v${j}`),
      }));
      const packed = packPersonal(personal, subjects);
      for (const [k, p] of packed.entries()) {
        const index = subjects.indexOf(personal[k]!.subject);
        expect(p[1]).toBe(index >= 0 ? index : personal[k]!.subject);
      }
      expect(unpackPersonal(JSON.parse(JSON.stringify(packed)), subjects)).toEqual(personal);
    }
  });
});
