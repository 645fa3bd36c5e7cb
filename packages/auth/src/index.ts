export {
  type AccessTokenClaims,
  type AccessTokenSubject,
  type AccessTokens,
  type AccessTokensOptions,
  createAccessTokens,
  type SignedAccessToken,
} from './access-tokens.js';
export {
  type AccountUser,
  type AuthDelivery,
  type AuthRateLimitPolicies,
  type AuthService,
  type AuthServiceOptions,
  type AuthTokens,
  createAuthService,
  type Me,
  type Membership,
  type MembershipResolver,
  type RequestContext,
  type ResetSent,
  type SessionInfo,
  type VerificationSent,
  type VerifiedEmail,
} from './auth-service.js';
export { normalizeEmail } from './email.js';
export {
  AuthError,
  type AuthErrorCode,
  type AuthErrorOptions,
  type AuthFieldError,
  isAuthError,
} from './errors.js';
export type { SecurityEvent, SecurityEventType } from './events.js';
export {
  createKeySet,
  exportSigningKey,
  type GenerateSigningKeyOptions,
  generateSigningKey,
  importSigningKey,
  type Jwks,
  type KeySet,
  type KeySetOptions,
  type SigningAlgorithm,
  type SigningKey,
} from './keys.js';
export { memoryAuthStore } from './memory-store.js';
export {
  createPasswordHasher,
  type PasswordHasher,
  type PasswordHasherOptions,
  type PasswordVerification,
} from './password-hasher.js';
export {
  createPasswordPolicy,
  type PasswordContext,
  type PasswordPolicy,
  type PasswordPolicyOptions,
} from './password-policy.js';
export {
  type AuthLogger,
  enforceRateLimit,
  type MemoryRateLimiterOptions,
  memoryRateLimiter,
  type RateLimiter,
  type RateLimitFailMode,
  type RateLimitPolicy,
  type RateLimitResult,
} from './rate-limiter.js';
export {
  type AuthorizationDecision,
  type AuthorizationDenied,
  type AuthorizationGranted,
  type AuthorizeOptions,
  authorize,
  type BuiltInPermission,
  can,
  createRbac,
  defaultRoles,
  type Permission,
  type Rbac,
  type RbacOptions,
  type RoleDefinition,
} from './rbac.js';
export {
  type MemoryRevokedSessionsOptions,
  memoryRevokedSessions,
  type RevokedSessions,
} from './revoked-sessions.js';
export type {
  AuthSession,
  AuthStore,
  AuthUser,
  ConsumedOneTimeToken,
  NewAuthSession,
  NewAuthUser,
  NewOneTimeToken,
  NewRefreshToken,
  OneTimeTokenKind,
  PurgeResult,
  RefreshNotRotated,
  RefreshReused,
  RefreshRotated,
  RevokedSession,
  RotateRefreshTokenInput,
  RotateRefreshTokenResult,
} from './store.js';
export {
  createVerifiedTokenCache,
  type VerifiedTokenCache,
  type VerifiedTokenCacheOptions,
} from './verified-token-cache.js';
