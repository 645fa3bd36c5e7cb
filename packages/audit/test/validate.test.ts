// The hand-written record() input check accepts and rejects exactly what recordInputSchema (zod)
// does, on generated inputs: valid ones and ones with one or more fields broken in many ways.
import { recordInputSchema } from '@portalkit/audit';
import { describe, expect, it } from 'vitest';
import { isValidRecordInput } from '../src/internal/validate.js';
import { rng } from './helpers/rng.js';

const ODD: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  1,
  Number.NaN,
  true,
  false,
  [],
  ['a'],
  {},
  { type: 'user', id: 'u1' },
  new Date(0),
  new Map(),
  Object.create(null),
  () => 1,
  Symbol('s'),
  10n,
  'a'.repeat(127),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(256),
  'a'.repeat(257),
  'a'.repeat(512),
  'a'.repeat(513),
  'a'.repeat(2048),
  'a'.repeat(2049),
  '😀'.repeat(64),
  '😀'.repeat(65),
  '😀'.repeat(128),
  '😀'.repeat(129),
  '\ud800'.repeat(129),
  `${'😀'.repeat(255)}ab`,
  `${'😀'.repeat(255)}a`,
  `${'😀'.repeat(1024)}`,
  `${'😀'.repeat(1025)}`,
];
const ACTIONS = [
  'file.uploaded',
  'a.b',
  'a.b.c_d',
  'a_1.x9',
  'A.b',
  'a',
  'a.',
  '.a',
  'a..b',
  '1a.b',
  'a.B',
  'a-b.c',
  'a.b ',
];

function generate(r: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = (valid: () => unknown) => (r() < 0.8 ? valid() : pick(ODD));
  const id = () => pick(['u1', 'x'.repeat(512), 'x'.repeat(513), '', 'ü', null, undefined, 5]);
  const input: Record<string, unknown> = {
    action: maybe(() => (r() < 0.7 ? 'file.uploaded' : `${pick(ACTIONS)}${r() < 0.1 ? 'x'.repeat(120) : ''}`)),
    resource: maybe(() => {
      const res: Record<string, unknown> = {
        type: maybe(() => pick(['file', 'user', '', 'x'.repeat(128), 't'.repeat(129)])),
      };
      if (r() < 0.8) res.id = id();
      return res;
    }),
  };
  const optional: Record<string, () => unknown> = {
    before: () => pick(ODD),
    after: () => pick(ODD),
    tenantId: id,
    actor: () => {
      const a: Record<string, unknown> = { type: maybe(() => pick(['user', 'api_key', 'system', 'admin', 'User'])) };
      if (r() < 0.9) a.id = id();
      return maybe(() => a);
    },
    subjectIds: () =>
      maybe(() => {
        const n = pick([0, 1, 3, 1000, 1001]);
        const xs: unknown[] = Array.from({ length: n }, () => 's');
        if (n > 0 && r() < 0.3) xs[Math.floor(r() * n)] = id();
        if (n > 2 && r() < 0.05) delete xs[1];
        return xs;
      }),
    requestId: () => maybe(() => pick(['r', null, 'x'.repeat(256), 'x'.repeat(257)])),
    ip: () => maybe(() => pick(['203.0.113.7', null, 'x'.repeat(128), 'x'.repeat(129)])),
    userAgent: () => maybe(() => pick(['agent', null, 'x'.repeat(2048), 'x'.repeat(2049)])),
    extra: () => pick(ODD),
  };
  for (const [k, make] of Object.entries(optional)) if (r() < 0.4) input[k] = make();
  return r() < 0.03 ? pick(ODD) : input;
}

describe('isValidRecordInput', () => {
  it('agrees with recordInputSchema on 30,000 generated inputs', () => {
    let accepted = 0;
    for (let seed = 1; seed <= 30_000; seed++) {
      const input = generate(rng(seed));
      const zod = recordInputSchema.safeParse(input).success;
      expect({ seed, valid: isValidRecordInput(input) }).toEqual({ seed, valid: zod });
      if (zod) accepted++;
    }
    // Both outcomes are well represented.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(27_000);
  });
});
