import { createPasswordHasher, createPasswordPolicy, isAuthError, normalizeEmail } from '@portalkit/auth';
import { describe, expect, it } from 'vitest';

const cheap = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('normalizeEmail', () => {
  it('trims, lower-cases and NFC-normalizes', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    // "é" as e + combining acute vs precomposed: same account
    expect(normalizeEmail('Jose\u0301@example.com')).toBe(normalizeEmail('jos\u00e9@EXAMPLE.com'));
  });

  it('refuses non-addresses with a field error', () => {
    for (const bad of ['', 'no-at-sign', 'a@b', 'a b@example.com', `${'x'.repeat(250)}@example.com`]) {
      try {
        normalizeEmail(bad);
        expect.unreachable(bad);
      } catch (error) {
        expect(isAuthError(error) && error.code).toBe('validation_failed');
        expect(isAuthError(error) && error.errors[0]?.field).toBe('email');
      }
    }
  });
});

describe('password policy', () => {
  const policy = createPasswordPolicy();
  const reasons = (pw: string, email = 'ada.lovelace@example.com') => policy.check(pw, { email }).map((p) => p.reason);

  it('enforces length 10..128 by default', () => {
    expect(reasons('Tr0ub4dor')).toEqual(['too_short']);
    expect(reasons('x'.repeat(129))).toEqual(['too_long']);
  });

  it('refuses common and guessable passwords, accepts a strong passphrase without composition rules', () => {
    expect(reasons('password1234')).toContain('too_common');
    expect(reasons('qwertyuiop')).not.toEqual([]);
    expect(reasons('aaaaaaaaaaaa')).toEqual(['too_guessable']);
    expect(reasons('correct horse battery staple river')).toEqual([]);
    expect(reasons('glimmering otter vestibule')).toEqual([]);
  });

  it('refuses a password that contains the e-mail local part', () => {
    expect(reasons('xx-ada.lovelace-zebra-quasar-77')).toContain('contains_email');
    expect(reasons('xx-ADA.LOVELACE-zebra-quasar-77')).toContain('contains_email');
  });

  it('length bounds are configurable and assert throws weak_password with field errors', () => {
    const strict = createPasswordPolicy({ minLength: 20 });
    try {
      strict.assert('glimmering otter 9', {});
      expect.unreachable();
    } catch (error) {
      expect(isAuthError(error) && error.code).toBe('weak_password');
      expect(isAuthError(error) && error.errors).toEqual([
        { field: 'password', reason: 'too_short', message: 'Use at least 20 characters.' },
      ]);
    }
    expect(() => createPasswordPolicy({ minLength: 10, maxLength: 5 })).toThrow(TypeError);
  });
});

describe('argon2id hasher', () => {
  it('uses the OWASP defaults and writes a PHC string', async () => {
    const hasher = createPasswordHasher();
    expect(hasher.params).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const phc = await hasher.hash('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await hasher.verify(phc, 'correct horse battery staple')).toEqual({ valid: true, needsRehash: false });
    expect(await hasher.verify(phc, 'wrong')).toEqual({ valid: false, needsRehash: false });
  });

  it('salts every hash and reports older parameters as needing a rehash', async () => {
    const old = createPasswordHasher({ memoryCost: 512, timeCost: 1 });
    const current = createPasswordHasher(cheap);
    const a = await current.hash('pw-one-two-three');
    expect(a).not.toBe(await current.hash('pw-one-two-three'));
    const legacy = await old.hash('pw-one-two-three');
    expect(await current.verify(legacy, 'pw-one-two-three')).toEqual({ valid: true, needsRehash: true });
    expect(await current.verify('not-a-phc-string', 'x')).toEqual({ valid: false, needsRehash: false });
  });
});
