import { canonicalJson, diff, fieldMatcher, REDACTED, redact, uuidv7, uuidv7Time } from '@portalkit/audit';
import { describe, expect, it } from 'vitest';

describe('canonicalJson (RFC 8785)', () => {
  it('serializes numbers in the ECMAScript shortest form (RFC 8785 section 3.2.2.3 samples)', () => {
    const numbers = [
      Number.parseFloat('333333333.33333329'),
      1e30,
      4.5,
      2e-3,
      0.000000000000000000000000001,
      -0,
      1e21,
      1e-7,
      123456789012345680000,
    ];
    expect(canonicalJson({ numbers })).toBe(
      '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27,0,1e+21,1e-7,123456789012345680000]}',
    );
  });

  it('escapes strings as the RFC sample does', () => {
    const s = '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/';
    expect(canonicalJson({ string: s })).toBe('{"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts members by UTF-16 code units, recursively, and drops undefined members', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const text = canonicalJson(value);
    const order = ['Carriage Return', 'One', 'Control', 'Latin', 'Euro', 'Emoji', 'Hebrew'].map((v) => text.indexOf(v));
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]!))).toBe(true);
    expect(text.startsWith('{"\\r":"Carriage Return","1":"One"')).toBe(true);
    expect(canonicalJson({ b: { d: 1, c: [true, null] }, a: undefined })).toBe('{"b":{"c":[true,null],"d":1}}');
  });

  it('rejects values JSON cannot represent', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(expect.objectContaining({ code: 'invalid_event' }));
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(
      expect.objectContaining({ code: 'invalid_event' }),
    );
    expect(() => canonicalJson([undefined])).toThrow(expect.objectContaining({ code: 'invalid_event' }));
    expect(() => canonicalJson({ n: 1n })).toThrow(expect.objectContaining({ code: 'invalid_event' }));
  });
});

describe('uuidv7', () => {
  it('has the version and variant bits and encodes the time', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(id)?.getTime()).toBe(at);
    expect(uuidv7Time('not-an-id')).toBeNull();
  });

  it('is strictly increasing within one millisecond and unique', () => {
    const at = Date.now() + 10_000;
    const ids = Array.from({ length: 5000 }, () => uuidv7(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('redaction', () => {
  it('replaces deny-listed fields at any depth, including inside arrays', () => {
    const out = redact({
      email: 'a@b.c',
      passwordHash: 'x',
      nested: { refresh_token: 't', list: [{ Authorization: 'Bearer y', ok: 1 }], cookie: { a: 1 } },
    });
    expect(out).toEqual({
      email: 'a@b.c',
      passwordHash: REDACTED,
      nested: { refresh_token: REDACTED, list: [{ Authorization: REDACTED, ok: 1 }], cookie: REDACTED },
    });
  });

  it('takes a custom deny-list with regular expressions; exact matching for personal fields', () => {
    expect(redact({ ssn: '1', x: 2 }, [/^ssn$/])).toEqual({ ssn: REDACTED, x: 2 });
    const personal = fieldMatcher(['email', 'name'], 'exact');
    expect(personal('Email')).toBe(true);
    expect(personal('fileName')).toBe(false);
    expect(fieldMatcher(['token'])('X-Api-Token')).toBe(true);
  });
});

describe('diff', () => {
  it('lists changed, added and removed fields with nested paths', () => {
    expect(
      diff(
        { role: 'member', profile: { name: 'A', city: 'X' }, gone: 1 },
        { role: 'admin', profile: { name: 'A', city: 'Y' }, added: [1] },
      ),
    ).toEqual([
      { path: ['added'], after: [1] },
      { path: ['gone'], before: 1 },
      { path: ['profile', 'city'], before: 'X', after: 'Y' },
      { path: ['role'], before: 'member', after: 'admin' },
    ]);
  });

  it('treats a missing side as an empty object, compares arrays whole and finds nothing for equal values', () => {
    expect(diff(undefined, { a: 1 })).toEqual([{ path: ['a'], after: 1 }]);
    expect(diff({ a: 1 }, undefined)).toEqual([{ path: ['a'], before: 1 }]);
    expect(diff({ t: [1, 2] }, { t: [1, 3] })).toEqual([{ path: ['t'], before: [1, 2], after: [1, 3] }]);
    expect(diff({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toEqual([]);
    expect(diff('x', 'y')).toEqual([{ path: [], before: 'x', after: 'y' }]);
  });
});
