/**
 * Names of the security events the auth service emits. Stable: hosts map them to audit actions
 * (`auth.<type>`). `registration_existing_email`, `password_reset_requested` and
 * `login_rate_limited` have no audit action in the reference API; record or drop them.
 */
export type SecurityEventType =
  | 'registered'
  | 'registration_existing_email'
  | 'email_verified'
  | 'login_succeeded'
  | 'login_failed'
  | 'login_rate_limited'
  | 'logout'
  | 'refresh_reused'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_changed'
  | 'session_revoked';

/** A security event. Never carries a password, token or hash. */
export interface SecurityEvent {
  /** What happened. */
  type: SecurityEventType;
  /** When. */
  occurredAt: Date;
  /** The account concerned, when known. */
  userId?: string;
  /** The session concerned, when there is one. */
  sessionId?: string;
  /** The active tenant of that session, when there is one (audit events belong to it). */
  tenantId?: string;
  /** Normalized e-mail that was tried (login_failed, login_rate_limited), when no user is known. */
  email?: string;
  /** Client IP, when the host passed it. */
  ip?: string;
  /** Client user agent, when the host passed it. */
  userAgent?: string;
  /**
   * Machine detail: for `login_failed` one of `unknown_email`, `wrong_password`,
   * `email_not_verified`; for `logout` `single` or `all_sessions`; for `session_revoked` the
   * trigger (`user`, `password_reset`, `password_changed`).
   */
  reason?: string;
}
