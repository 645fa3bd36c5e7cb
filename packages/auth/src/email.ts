import { AuthError } from './errors.js';

// Deliberately simple: one @, a non-empty local part, a dotted domain, no whitespace. Real
// validation of an address is delivering a message to it (the verification e-mail).
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;

/**
 * Normalizes an e-mail address the way the store keys it: trimmed, Unicode NFC, lower-cased.
 * Two spellings that normalize equal are the same account. Throws `validation_failed` when the
 * result does not look like an address or is longer than 254 characters.
 *
 * @example
 * ```ts
 * normalizeEmail('  Ada@Example.COM '); // 'ada@example.com'
 * ```
 */
export function normalizeEmail(email: string): string {
  const normalized = typeof email === 'string' ? email.trim().normalize('NFC').toLowerCase() : '';
  if (normalized.length === 0 || normalized.length > 254 || !EMAIL_PATTERN.test(normalized)) {
    throw new AuthError('validation_failed', 'email is not a valid e-mail address (expected name@domain.tld)', {
      errors: [{ field: 'email', reason: 'invalid_email', message: 'Enter a valid e-mail address.' }],
    });
  }
  return normalized;
}
