// Golden fixture: fixed record() inputs, prepared and linked with fixed ids and salts, must give
// exactly the events and hashes stored in fixtures/golden.json. The events were computed with the
// code before the CPU work on record() and the writer (2026-12-01); the commitments and hashes were
// recomputed once, from those stored events, when personal values went from HMAC-SHA256 (hex) to
// salted SHA-256 (base64url) commitments (2026-12-02, before any release): every other byte is as
// it was. Chains written by a released version must keep verifying, so this file only changes with
// a format version.
import { readFileSync } from 'node:fs';
import {
  type AuditEvent,
  commitPersonalValue,
  computeEventHash,
  DEFAULT_PERSONAL_FIELDS,
  DEFAULT_REDACT_FIELDS,
  fieldMatcher,
  GENESIS_HASH,
  runWithAuditContext,
  valueAt,
} from '@portalkit/audit';
import { describe, expect, it } from 'vitest';
import { link } from '../src/internal/chain.js';
import { prepareEvent } from '../src/internal/prepare.js';
import { GOLDEN_CONTEXT, GOLDEN_INPUTS } from './fixtures/golden-inputs.js';

const golden = JSON.parse(readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8')) as AuditEvent[];

const options = {
  redact: fieldMatcher(DEFAULT_REDACT_FIELDS, 'contains'),
  personal: fieldMatcher(DEFAULT_PERSONAL_FIELDS, 'exact'),
  personResourceTypes: new Set(['user']),
  now: () => new Date(Date.UTC(2026, 11, 1, 12, 0, 0, 123)),
};

describe('golden events and hashes', () => {
  it('prepares and links the fixed inputs into byte-identical events', () => {
    const prepared = runWithAuditContext(GOLDEN_CONTEXT, () => GOLDEN_INPUTS.map((i) => prepareEvent(i, options)));
    const fixed = prepared.map((e, i) => {
      for (const [j, p] of e.personal.entries()) {
        // The random salt's commitment is right, then both are replaced by fixed ones.
        expect(commitPersonalValue(p.salt!, valueAt(e, p.path) ?? null)).toBe(p.commitment);
        p.salt = `salt-${i}-${j}`;
        p.commitment = commitPersonalValue(p.salt, valueAt(e, p.path) ?? null);
      }
      e.id = `0193a1f2-7c4e-7000-8a3b-${String(i).padStart(12, '0')}`;
      return e;
    });
    const linked = link(fixed, 0, null);
    expect(JSON.stringify(linked)).toBe(JSON.stringify(golden));
  });

  it('verifies the stored golden chain', () => {
    let prev = GENESIS_HASH;
    for (const e of golden) {
      expect(e.prevHash).toBe(prev);
      expect(computeEventHash(e)).toBe(e.hash);
      prev = e.hash;
    }
    expect(golden.at(-1)!.hash).toBe('6191bc63423ad4bd5034a0c25bff8d4fdf9484ba156d1f6e94a991ab6343e561');
  });
});
