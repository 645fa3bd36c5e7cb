import {
  type AccessTokenClaims,
  type AuthDelivery,
  type AuthErrorCode,
  type AuthorizationDecision,
  type AuthServiceOptions,
  type AuthStore,
  authorize,
  isAuthError,
  type RotateRefreshTokenResult,
  type SecurityEvent,
} from '@portalkit/auth';
import { describe, expectTypeOf, it } from 'vitest';

describe('public types', () => {
  it('narrows AuthError codes and decisions', () => {
    const error: unknown = null;
    if (isAuthError(error)) {
      expectTypeOf(error.code).toEqualTypeOf<AuthErrorCode>();
      expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
    }
    const decision = authorize({} as AccessTokenClaims, 'files:write');
    expectTypeOf(decision).toEqualTypeOf<AuthorizationDecision>();
    if (decision.allowed) expectTypeOf(decision.role).toEqualTypeOf<string>();
    else expectTypeOf(decision.reason).toEqualTypeOf<'no_tenant' | 'tenant_mismatch' | 'missing_permission'>();
  });

  it('rotation results carry a session only when one was touched', () => {
    const result = {} as RotateRefreshTokenResult;
    if (result.status === 'rotated' || result.status === 'reused')
      expectTypeOf(result.session.id).toEqualTypeOf<string>();
    else expectTypeOf(result).not.toHaveProperty('session');
  });

  it('users from the store never have a password hash', () => {
    type User = NonNullable<Awaited<ReturnType<AuthStore['findUserById']>>>;
    expectTypeOf<User>().not.toHaveProperty('passwordHash');
    expectTypeOf<SecurityEvent>().not.toHaveProperty('password');
    expectTypeOf<SecurityEvent>().not.toHaveProperty('token');
  });

  it('hooks may resolve to a value, which is awaited and ignored', () => {
    // One-liners onto an audit log or a mail transport resolve to a value, not to void.
    const record = async (_e: SecurityEvent) => 'event-id';
    const sendMail = async (_m: { to: string }) => ({ messageId: '<1@example.com>' });
    expectTypeOf(record).toMatchTypeOf<NonNullable<AuthServiceOptions['onSecurityEvent']>>();
    expectTypeOf({
      sendVerificationEmail: sendMail,
      sendAccountExistsNotice: sendMail,
      sendPasswordReset: sendMail,
    }).toMatchTypeOf<AuthDelivery>();
  });
});
