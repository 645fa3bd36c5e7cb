// Property tests: the one-pass serializer of the hashed body (the hot path of every append and
// verify) gives byte-identical output to the general RFC 8785 canonicaliser over hashedBody(), and
// the personal value commitment equals its definition computed with node:crypto's createHash.
import { createHash } from 'node:crypto';
import {
  type AuditEvent,
  canonicalJson,
  commitPersonalValue,
  computeEventHash,
  hashedBody,
  type JsonValue,
} from '@portalkit/audit';
import { describe, expect, it } from 'vitest';
import { canonicalHashedBody } from '../src/internal/fast-canonical.js';
import { rng } from './helpers/rng.js';

const PIECES = [
  'a',
  'Z',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '€',
  '\u2028',
  '😀',
  '\ud800',
  '\udc00',
  'ß',
  '日本',
  'name',
  'email',
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  4.5,
  0.002,
  1e21,
  1e-7,
  1e30,
  Number.parseFloat('333333333.33333329'),
  2 ** 53,
  -123.456,
  5e-324,
];

function gen(r: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const str = (): string => {
    let s = '';
    const n = Math.floor(r() * (r() < 0.1 ? 80 : 6));
    for (let i = 0; i < n; i++) s += pick(PIECES);
    return s;
  };
  const value = (depth: number): JsonValue => {
    const k = r();
    if (depth > 3 || k < 0.45) {
      const s = r();
      if (s < 0.3) return str();
      if (s < 0.6) return pick(NUMBERS) * (r() < 0.5 ? 1 : Math.floor(r() * 1000));
      if (s < 0.8) return r() < 0.5;
      return null;
    }
    if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
    const o: Record<string, JsonValue> = {};
    const n = Math.floor(r() * 5);
    for (let i = 0; i < n; i++)
      o[r() < 0.3 ? pick(['name', 'email', '1', '01', 'commitment']) : str()] = value(depth + 1);
    return o;
  };
  return { pick, str, value };
}

/** A random event; personal paths point at existing, missing, array and overlapping places. */
function randomEvent(r: () => number): AuditEvent {
  const { pick, str, value } = gen(r);
  const before = r() < 0.6 ? value(0) : undefined;
  const after = r() < 0.6 ? value(0) : undefined;
  const changes = Array.from({ length: Math.floor(r() * 3) }, () => ({
    path: [str(), str()].slice(0, 1 + Math.floor(r() * 2)),
    ...(r() < 0.7 ? { before: value(1) } : {}),
    ...(r() < 0.7 ? { after: value(1) } : {}),
  }));
  const candidates: Array<Array<string | number>> = [
    ['actor', 'id'],
    ['resource', 'id'],
    ['ip'],
    ['userAgent'],
    ['requestId'],
    ['after', 'name'],
    ['after', 'email'],
    ['before', 'name'],
    ['after', 0],
    ['after', '1'],
    ['after', '01'],
    ['before', 1, 'name'],
    ['changes', 0, 'after'],
    ['changes', 1, 'before'],
    ['changes', '0', 'after'],
    ['after'],
    ['before'],
    ['missing', 'x'],
    ['personalPaths', 0],
    ['seq'],
    ['after', 'name', 'x'],
    [],
  ];
  const personal = Array.from({ length: Math.floor(r() * 5) }, () => ({
    path: pick(candidates),
    subject: 'u1',
    salt: r() < 0.8 ? 'c2FsdA' : null,
    commitment: 'ab'.repeat(32),
  }));
  const e: AuditEvent = {
    id: '0193a1f2-7c4e-7000-8a3b-5f0c9d1e2a4b',
    tenantId: r() < 0.2 ? null : str(),
    seq: 1 + Math.floor(r() * 1e6),
    actor: { type: pick(['user', 'api_key', 'system'] as const), id: r() < 0.2 ? null : str() },
    action: 'file.uploaded',
    resource: { type: str() || 'file', id: r() < 0.2 ? null : str() },
    changes: changes as AuditEvent['changes'],
    ip: r() < 0.3 ? null : str(),
    userAgent: r() < 0.3 ? null : str(),
    requestId: r() < 0.3 ? null : str(),
    occurredAt: '2026-12-01T21:50:17.734Z',
    subjects: [],
    personal,
    prevHash: '0'.repeat(64),
    hash: '',
  };
  if (before !== undefined) e.before = before;
  if (after !== undefined) e.after = after;
  return e;
}

const outcome = (fn: () => string | null): { text: string | null } | { error: string } => {
  try {
    return { text: fn() };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
};

describe('one-pass canonical serializer of the hashed body', () => {
  it('is byte-identical to canonicalJson(hashedBody(event)) on 5,000 random events', () => {
    let fast = 0;
    for (let seed = 1; seed <= 5000; seed++) {
      const e = randomEvent(rng(seed));
      const general = outcome(() => canonicalJson(hashedBody(e)));
      const quick = outcome(() => canonicalHashedBody(e));
      if ('text' in quick && quick.text === null) continue; // overlapping paths: the general path is used
      fast++;
      expect({ seed, ...quick }).toEqual({ seed, ...general });
    }
    // Most random events take the fast path (the rest have overlapping personal paths).
    expect(fast).toBeGreaterThan(2500);
  });

  it('hands overlapping personal paths to the general functions, and computeEventHash agrees either way', () => {
    const e = randomEvent(rng(7));
    e.after = { name: { first: 'Ada' }, email: 'a@b.c' };
    e.personal = [
      { path: ['after', 'name'], subject: 'u1', salt: 's', commitment: 'c'.repeat(64) },
      { path: ['after', 'name', 'first'], subject: 'u1', salt: 's', commitment: 'd'.repeat(64) },
    ];
    expect(canonicalHashedBody(e)).toBeNull();
    e.personal = [
      { path: ['after', 1], subject: 'u1', salt: 's', commitment: 'c'.repeat(64) },
      { path: ['after', '01'], subject: 'u1', salt: 's', commitment: 'd'.repeat(64) },
    ];
    expect(canonicalHashedBody(e)).toBeNull();
    for (let seed = 1; seed <= 300; seed++) {
      const ev = randomEvent(rng(seed));
      const general = outcome(() => canonicalJson(hashedBody(ev)));
      if ('error' in general) continue;
      const expected = createHash('sha256').update(ev.prevHash).update(general.text!).digest('hex');
      expect(computeEventHash(ev)).toBe(expected);
    }
  });

  it('gives each event its own commitments when events share their personal paths (cached tree)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const a = randomEvent(rng(seed));
      const b = randomEvent(rng(seed));
      b.personal = b.personal.map((p, i) => ({ ...p, commitment: i.toString(16).padStart(64, 'e') }));
      for (const e of [a, b, a, b]) {
        const general = outcome(() => canonicalJson(hashedBody(e)));
        const quick = outcome(() => canonicalHashedBody(e));
        if ('text' in quick && quick.text === null) continue;
        expect({ seed, ...quick }).toEqual({ seed, ...general });
      }
    }
    const e = randomEvent(rng(11));
    e.personal = [{ path: ['personalPaths', 0], subject: 'u1', salt: 's', commitment: '4'.repeat(64) }];
    expect(canonicalHashedBody(e)).toBe(canonicalJson(hashedBody(e)));
  });

  it('replaces members that hold undefined or null, and array items, like replaceAt does', () => {
    const e = randomEvent(rng(3));
    e.after = { name: null, list: ['x', 'y'] };
    e.ip = undefined as unknown as null;
    e.personal = [
      { path: ['after', 'name'], subject: 'u1', salt: 's', commitment: '1'.repeat(64) },
      { path: ['after', 'list', 1], subject: 'u1', salt: 's', commitment: '2'.repeat(64) },
      { path: ['ip'], subject: 'u1', salt: 's', commitment: '3'.repeat(64) },
    ];
    const text = canonicalHashedBody(e);
    expect(text).toBe(canonicalJson(hashedBody(e)));
    expect(text).toContain(`"list":["x",{"commitment":"${'2'.repeat(64)}"}]`);
    expect(text).toContain(`"ip":{"commitment":"${'3'.repeat(64)}"}`);
  });
});

describe('personal value commitment', () => {
  it('is base64url(sha256(canonicalJson([salt, value]))) for salts of every kind and values with any characters', () => {
    const r = rng(42);
    const { str, value } = gen(r);
    const salts = ['c2FsdA', '', 'k'.repeat(64), 'k'.repeat(65), 'sälz', '😀', 'MI9_ZrpljC138L0KII4clw', '\u007f'];
    for (let i = 0; i < 400; i++) {
      const salt = i < salts.length ? salts[i]! : str();
      const v = value(0);
      expect(commitPersonalValue(salt, v)).toBe(
        createHash('sha256')
          .update(canonicalJson([salt, v]))
          .digest('base64url'),
      );
      // Plain strings take the string fast path of the canonical text.
      const s = str();
      expect(commitPersonalValue(salt, s)).toBe(
        createHash('sha256')
          .update(JSON.stringify([salt, s]))
          .digest('base64url'),
      );
    }
  });
});
