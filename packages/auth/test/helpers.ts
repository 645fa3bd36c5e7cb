import {
  type AuthDelivery,
  type AuthServiceOptions,
  type AuthStore,
  createAccessTokens,
  createAuthService,
  createKeySet,
  createPasswordHasher,
  generateSigningKey,
  isAuthError,
  type Membership,
  memoryAuthStore,
  memoryRevokedSessions,
  type PasswordHasher,
  type SecurityEvent,
} from '@portalkit/auth';
import { vi } from 'vitest';

/** Cheap argon2 parameters for tests where the cost is not under test. */
export const CHEAP_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export interface Mail {
  kind: 'verification' | 'exists' | 'reset';
  to: string;
  token?: string;
}

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAuthError(error)) return error.code;
    throw error;
  }
  return 'ok';
}

/** A counting wrapper: proves that unknown-user logins spend a verification too. */
export function countingHasher(inner: PasswordHasher) {
  const counts = { hash: 0, verify: 0, dummy: 0 };
  const hasher: PasswordHasher = {
    params: inner.params,
    hash: (p) => {
      counts.hash++;
      return inner.hash(p);
    },
    verify: (h, p) => {
      counts.verify++;
      return inner.verify(h, p);
    },
    dummyVerify: (p) => {
      counts.dummy++;
      return inner.dummyVerify(p);
    },
  };
  return { hasher, counts };
}

export async function setup(
  overrides: Partial<AuthServiceOptions> & { store?: AuthStore; memberships?: Record<string, Membership[]> } = {},
) {
  const mails: Mail[] = [];
  const events: SecurityEvent[] = [];
  const delivery: AuthDelivery = {
    sendVerificationEmail: ({ to, token }) => {
      mails.push({ kind: 'verification', to, token });
    },
    sendAccountExistsNotice: ({ to }) => {
      mails.push({ kind: 'exists', to });
    },
    sendPasswordReset: ({ to, token }) => {
      mails.push({ kind: 'reset', to, token });
    },
  };
  const revokedSessions = memoryRevokedSessions();
  const keys = createKeySet({ signingKey: await generateSigningKey() });
  const accessTokens = createAccessTokens({ keys, issuer: 'https://auth.test', audience: 'test', revokedSessions });
  const store = overrides.store ?? memoryAuthStore();
  const { hasher, counts } = countingHasher(overrides.passwordHasher ?? createPasswordHasher(CHEAP_ARGON2));
  const membershipTable: Record<string, Membership[]> = overrides.memberships ?? {};
  const { memberships: _m, ...rest } = overrides;
  const auth = createAuthService({
    store,
    accessTokens,
    delivery,
    passwordHasher: hasher,
    memberships: (userId) => membershipTable[userId] ?? [],
    onSecurityEvent: (e) => {
      events.push(e);
    },
    logger: () => {},
    ...rest,
    ...(overrides.passwordHasher ? { passwordHasher: hasher } : {}),
  });
  const lastMail = (kind: Mail['kind'], to?: string) =>
    [...mails].reverse().find((m) => m.kind === kind && (!to || m.to === to));

  /** Registers and verifies an account; returns its id. */
  const verifiedUser = async (email: string, password = PASSWORD, name = 'Ada Lovelace') => {
    await auth.register({ email, password, name });
    const token = lastMail('verification', email)?.token ?? '';
    const { user } = await auth.verifyEmail({ token });
    return user;
  };
  /**
   * Waits for the `count`-th mail of a kind to an address (forgot-password and resend-verification
   * send after they answer, as the platform's mail tests poll too) and returns it.
   */
  const awaitMail = (kind: Mail['kind'], to: string, count = 1) =>
    vi.waitFor(
      () => {
        const mail = mails.filter((m) => m.kind === kind && m.to === to)[count - 1];
        if (!mail) throw new Error(`no ${kind} mail #${count} to ${to} yet`);
        return mail;
      },
      { timeout: 5000, interval: 5 },
    );
  return {
    auth,
    store,
    mails,
    events,
    counts,
    accessTokens,
    revokedSessions,
    membershipTable,
    lastMail,
    awaitMail,
    verifiedUser,
  };
}

export const PASSWORD = 'glimmering otter vestibule 42';
export const NEW_PASSWORD = 'quantum walrus lemonade orbit';
