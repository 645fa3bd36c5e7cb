import { hash, parseOptions, verify } from '@node-rs/argon2';

/** argon2id cost parameters. Defaults follow the OWASP Password Storage Cheat Sheet. */
export interface PasswordHasherOptions {
  /** Memory in KiB. @default 19456 (19 MiB) */
  memoryCost?: number;
  /** Passes over memory. @default 2 */
  timeCost?: number;
  /** Lanes. @default 1 */
  parallelism?: number;
}

/** Result of {@link PasswordHasher.verify}. */
export interface PasswordVerification {
  /** True when the password matches the hash. */
  valid: boolean;
  /** True when the hash was made with other parameters than the current ones: re-hash and store it. */
  needsRehash: boolean;
}

/** Hashes and verifies passwords as argon2id PHC strings (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`). */
export interface PasswordHasher {
  /** The effective parameters. */
  readonly params: Required<PasswordHasherOptions>;
  /** Hashes `password` with a fresh random salt. */
  hash(password: string): Promise<string>;
  /** Verifies `password` against a stored PHC string; a malformed hash verifies as false. */
  verify(storedHash: string, password: string): Promise<PasswordVerification>;
  /** Spends the time of one verification without a user: keeps "no such user" as slow as "wrong password". */
  dummyVerify(password: string): Promise<void>;
}

const ARGON2ID = 2; // Algorithm.Argon2id of @node-rs/argon2 (a const enum, not importable under isolatedModules)

/**
 * Creates the argon2id password hasher (via `@node-rs/argon2`).
 *
 * @example
 * ```ts
 * const hasher = createPasswordHasher(); // m=19 MiB, t=2, p=1
 * const phc = await hasher.hash('correct horse battery staple');
 * const { valid, needsRehash } = await hasher.verify(phc, 'correct horse battery staple');
 * ```
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const params = {
    memoryCost: options.memoryCost ?? 19_456,
    timeCost: options.timeCost ?? 2,
    parallelism: options.parallelism ?? 1,
  };
  let dummy: Promise<string> | undefined;
  const self: PasswordHasher = {
    params,
    hash: (password) => hash(password, params),
    async verify(storedHash, password) {
      let valid = false;
      try {
        valid = await verify(storedHash, password);
      } catch {
        return { valid: false, needsRehash: false };
      }
      if (!valid) return { valid, needsRehash: false };
      let needsRehash = true;
      try {
        const used = parseOptions(storedHash);
        needsRehash =
          (used.algorithm as number) !== ARGON2ID ||
          used.memoryCost !== params.memoryCost ||
          used.timeCost !== params.timeCost ||
          used.parallelism !== params.parallelism;
      } catch {
        // unparsable parameters: re-hash to the current format
      }
      return { valid, needsRehash };
    },
    async dummyVerify(password) {
      dummy ??= hash('portalkit-dummy-password', params);
      try {
        await verify(await dummy, password);
      } catch {
        // never matters
      }
    },
  };
  return self;
}
