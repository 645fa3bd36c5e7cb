import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { AuthError, type AuthFieldError } from './errors.js';

/** Options of {@link createPasswordPolicy}. */
export interface PasswordPolicyOptions {
  /** Minimum length in characters (Unicode code points). @default 10 */
  minLength?: number;
  /** Maximum length in characters; bounds the hashing cost of hostile input. @default 128 */
  maxLength?: number;
  /**
   * Minimum zxcvbn score (0..4) a password must reach. 3 means "safely unguessable: moderate
   * protection from offline slow-hash scenario". @default 3
   */
  minScore?: 0 | 1 | 2 | 3 | 4;
}

/** Context a password is judged in: the account's own data may not make it guessable. */
export interface PasswordContext {
  /** The account's e-mail; its local part may not appear in the password. */
  email?: string;
  /** The account's display name, used as a guess by the strength estimator. */
  name?: string;
}

/** A password policy: no composition rules, length bounds, and a guessability estimate. */
export interface PasswordPolicy {
  /** Returns the problems with `password` (empty when acceptable). */
  check(password: string, context?: PasswordContext): AuthFieldError[];
  /** Throws `AuthError('weak_password')` with per-field `errors` when `password` is refused. */
  assert(password: string, context?: PasswordContext, field?: string): void;
}

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  // Built lazily: the dictionaries are large and only needed when a password is set.
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    useLevenshteinDistance: false,
  });
  return estimator;
}

/**
 * Creates the password policy used for registration, reset and change: length 10..128, refused
 * when common (offline zxcvbn dictionaries of common passwords and English words), when too
 * guessable (score below `minScore`), or when it contains the e-mail's local part.
 *
 * @example
 * ```ts
 * const policy = createPasswordPolicy({ minLength: 12 });
 * policy.check('password1234', { email: 'ada@example.com' });
 * // [{ field: 'password', reason: 'too_common', message: '...' }]
 * ```
 */
export function createPasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  const minLength = options.minLength ?? 10;
  const maxLength = options.maxLength ?? 128;
  const minScore = options.minScore ?? 3;
  if (!(Number.isInteger(minLength) && Number.isInteger(maxLength) && minLength >= 1 && maxLength >= minLength)) {
    throw new TypeError(
      '[portalkit/auth] password policy: minLength and maxLength must be integers with 1 <= min <= max',
    );
  }

  const check = (password: string, context: PasswordContext = {}, field = 'password'): AuthFieldError[] => {
    if (typeof password !== 'string') {
      return [{ field, reason: 'required', message: 'Enter a password.' }];
    }
    const length = [...password].length;
    if (length < minLength) {
      return [{ field, reason: 'too_short', message: `Use at least ${minLength} characters.` }];
    }
    if (length > maxLength) {
      return [{ field, reason: 'too_long', message: `Use at most ${maxLength} characters.` }];
    }
    const problems: AuthFieldError[] = [];
    const lower = password.normalize('NFC').toLowerCase();
    const localPart = context.email?.trim().toLowerCase().split('@')[0] ?? '';
    if (localPart.length >= 3 && lower.includes(localPart)) {
      problems.push({ field, reason: 'contains_email', message: 'Do not use your e-mail address in your password.' });
    }
    const inputs = [localPart, ...(context.name ? context.name.toLowerCase().split(/\s+/u) : [])].filter(
      (s) => s.length >= 3,
    );
    const result = zxcvbn().check(password, inputs);
    if (result.score < minScore) {
      const dictionaryHit = result.sequence.some(
        (m) => m.pattern === 'dictionary' && (m as { dictionaryName?: string }).dictionaryName === 'passwords-common',
      );
      const warning = result.feedback.warning;
      problems.push({
        field,
        reason: dictionaryHit ? 'too_common' : 'too_guessable',
        message: dictionaryHit
          ? 'This password is on lists of commonly used passwords; choose another.'
          : `This password is too easy to guess${warning ? ` (${warning})` : ''}; add more words or characters.`,
      });
    }
    return problems;
  };

  return {
    check: (password, context) => check(password, context),
    assert(password, context, field = 'password') {
      const problems = check(password, context, field);
      if (problems.length > 0) {
        throw new AuthError(
          'weak_password',
          `${field} refused by the password policy (${problems.map((p) => p.reason).join(', ')})`,
          {
            errors: problems,
          },
        );
      }
    },
  };
}
