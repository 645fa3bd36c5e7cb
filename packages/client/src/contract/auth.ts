import { z } from 'zod';
import {
  emailSchema,
  emailTokenSchema,
  idSchema,
  newPasswordSchema,
  roleSchema,
  timestampSchema,
} from './primitives.js';

const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .meta({ description: 'Display name, 1..100 characters.', examples: ['Ada Lovelace'] });

const loginPasswordSchema = z.string().min(1).max(256).meta({ format: 'password' });

const refreshTokenSchema = z
  .string()
  .min(16)
  .max(512)
  .meta({ description: 'Opaque refresh token (single use; rotated by /auth/refresh).' });

/**
 * A user account as answered by the API (never any password or token material).
 *
 * @example
 * ```ts
 * import { userSchema } from '@portalkit/client/contract';
 *
 * userSchema.parse({ id: 'u1', email: 'ada@example.com', name: 'Ada', emailVerified: true, createdAt: '2026-01-31T12:00:00.000Z' });
 * ```
 */
export const userSchema = z.object({
  /** User id. */
  id: idSchema,
  /** E-mail address. */
  email: emailSchema,
  /** Display name. */
  name: z.string(),
  /** True once the e-mail address was verified. */
  emailVerified: z.boolean(),
  /** When the account was created. */
  createdAt: timestampSchema,
});

/**
 * A user account.
 *
 * @example
 * ```ts
 * import type { User } from '@portalkit/client/contract';
 *
 * const greet = (user: User) => `Hello ${user.name}`;
 * ```
 */
export type User = z.output<typeof userSchema>;

/**
 * One of the caller's memberships: the tenant, its name and the caller's role there.
 *
 * @example
 * ```ts
 * import { membershipSchema } from '@portalkit/client/contract';
 *
 * membershipSchema.parse({ tenantId: 't1', tenantName: 'Acme', role: 'admin' });
 * ```
 */
export const membershipSchema = z.object({
  /** The tenant. */
  tenantId: idSchema,
  /** The tenant's name. */
  tenantName: z.string(),
  /** The user's role there. */
  role: roleSchema,
});

/**
 * A membership of the caller.
 *
 * @example
 * ```ts
 * import type { Membership } from '@portalkit/client/contract';
 *
 * const isAdmin = (m: Membership) => m.role === 'admin';
 * ```
 */
export type Membership = z.output<typeof membershipSchema>;

/**
 * Body of `POST /api/v1/auth/register`.
 *
 * @example
 * ```ts
 * import { registerBodySchema } from '@portalkit/client/contract';
 *
 * registerBodySchema.parse({ email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' });
 * ```
 */
export const registerBodySchema = z.strictObject({
  /** E-mail address (unique, case-insensitively). */
  email: emailSchema,
  /** Password (8..256 characters; servers may require more). */
  password: newPasswordSchema,
  /** Display name. */
  name: nameSchema,
});

/**
 * Body of `POST /api/v1/auth/verify-email` (and of the reset/accept token routes).
 *
 * @example
 * ```ts
 * import { tokenBodySchema } from '@portalkit/client/contract';
 *
 * tokenBodySchema.parse({ token: 'abc' });
 * ```
 */
export const tokenBodySchema = z.strictObject({
  /** The token from the e-mail link. */
  token: emailTokenSchema,
});

/**
 * Body of `POST /api/v1/auth/resend-verification` and `POST /api/v1/auth/forgot-password`.
 *
 * @example
 * ```ts
 * import { emailBodySchema } from '@portalkit/client/contract';
 *
 * emailBodySchema.parse({ email: 'ada@example.com' });
 * ```
 */
export const emailBodySchema = z.strictObject({
  /** E-mail address of the account. */
  email: emailSchema,
});

/**
 * Body of `POST /api/v1/auth/login`.
 *
 * @example
 * ```ts
 * import { loginBodySchema } from '@portalkit/client/contract';
 *
 * loginBodySchema.parse({ email: 'ada@example.com', password: 'correct horse battery' });
 * ```
 */
export const loginBodySchema = z.strictObject({
  /** E-mail address. */
  email: emailSchema,
  /** Password. */
  password: loginPasswordSchema,
  /** Tenant to make active (membership required); default: the only membership, if exactly one. */
  tenantId: idSchema.optional(),
});

/**
 * Body of `POST /api/v1/auth/refresh`: the refresh token and, to switch the active tenant, a
 * `tenantId` the user is a member of.
 *
 * @example
 * ```ts
 * import { refreshBodySchema } from '@portalkit/client/contract';
 *
 * refreshBodySchema.parse({ refreshToken: 'r'.repeat(43) });
 * ```
 */
export const refreshBodySchema = z.strictObject({
  /** The current refresh token (dead afterwards). */
  refreshToken: refreshTokenSchema,
  /** Tenant to switch to (membership required). */
  tenantId: idSchema.optional(),
});

/**
 * Body of `POST /api/v1/auth/logout`.
 *
 * @example
 * ```ts
 * import { logoutBodySchema } from '@portalkit/client/contract';
 *
 * logoutBodySchema.parse({ refreshToken: 'r'.repeat(43) });
 * ```
 */
export const logoutBodySchema = z.strictObject({
  /** The session's current refresh token. */
  refreshToken: refreshTokenSchema,
});

/**
 * Body of `POST /api/v1/auth/reset-password`.
 *
 * @example
 * ```ts
 * import { resetPasswordBodySchema } from '@portalkit/client/contract';
 *
 * resetPasswordBodySchema.parse({ token: 'abc', password: 'a new long password' });
 * ```
 */
export const resetPasswordBodySchema = z.strictObject({
  /** The token from the reset e-mail. */
  token: emailTokenSchema,
  /** The new password. */
  password: newPasswordSchema,
});

/**
 * Body of `POST /api/v1/auth/change-password`.
 *
 * @example
 * ```ts
 * import { changePasswordBodySchema } from '@portalkit/client/contract';
 *
 * changePasswordBodySchema.parse({ currentPassword: 'old password', newPassword: 'a new long password' });
 * ```
 */
export const changePasswordBodySchema = z.strictObject({
  /** The current password. */
  currentPassword: loginPasswordSchema,
  /** The new password. */
  newPassword: newPasswordSchema,
});

/**
 * Answer of `POST /api/v1/auth/register` and `POST /api/v1/auth/resend-verification` (202).
 *
 * @example
 * ```ts
 * import { verificationSentSchema } from '@portalkit/client/contract';
 *
 * verificationSentSchema.parse({ status: 'verification_sent' });
 * ```
 */
export const verificationSentSchema = z.object({
  /** Always `verification_sent`. */
  status: z.literal('verification_sent'),
});

/**
 * Answer of `POST /api/v1/auth/forgot-password` (202, whether or not the account exists).
 *
 * @example
 * ```ts
 * import { resetSentSchema } from '@portalkit/client/contract';
 *
 * resetSentSchema.parse({ status: 'reset_sent' });
 * ```
 */
export const resetSentSchema = z.object({
  /** Always `reset_sent`. */
  status: z.literal('reset_sent'),
});

/**
 * Answer of `POST /api/v1/auth/verify-email`: `{ user }`.
 *
 * @example
 * ```ts
 * import { userResponseSchema } from '@portalkit/client/contract';
 *
 * const { user } = userResponseSchema.parse(await res.json());
 * ```
 */
export const userResponseSchema = z.object({
  /** The user. */
  user: userSchema,
});

/**
 * Answer of `POST /api/v1/auth/login` and `POST /api/v1/auth/refresh`: a new token pair
 * (`expiresIn` in seconds, the access token's lifetime) and the user.
 *
 * @example
 * ```ts
 * import { tokenResponseSchema } from '@portalkit/client/contract';
 *
 * const { accessToken, refreshToken } = tokenResponseSchema.parse(await res.json());
 * ```
 */
export const tokenResponseSchema = z.object({
  /** JWT access token. */
  accessToken: z.string().min(1).meta({ description: 'JWT access token (send as Authorization: Bearer).' }),
  /** New refresh token (single use). */
  refreshToken: refreshTokenSchema,
  /** Always `Bearer`. */
  tokenType: z.literal('Bearer'),
  /** Access token lifetime in seconds. */
  expiresIn: z
    .number()
    .int()
    .positive()
    .meta({ description: 'Access token lifetime in seconds.', examples: [900] }),
  /** The signed-in user. */
  user: userSchema,
});

/**
 * A token pair with its user, as answered by login and refresh.
 *
 * @example
 * ```ts
 * import type { TokenResponse } from '@portalkit/client/contract';
 *
 * const bearer = (t: TokenResponse) => `${t.tokenType} ${t.accessToken}`;
 * ```
 */
export type TokenResponse = z.output<typeof tokenResponseSchema>;

/**
 * Answer of `GET /api/v1/auth/me`.
 *
 * @example
 * ```ts
 * import { meResponseSchema } from '@portalkit/client/contract';
 *
 * const { user, memberships } = meResponseSchema.parse(await res.json());
 * ```
 */
export const meResponseSchema = z.object({
  /** The caller. */
  user: userSchema,
  /** Every tenant the caller belongs to. */
  memberships: z.array(membershipSchema),
});

/**
 * One session of the caller (a refresh-token family); `current` marks the session of the request.
 *
 * @example
 * ```ts
 * import { sessionSchema } from '@portalkit/client/contract';
 *
 * sessionSchema.parse({ id: 's1', createdAt: '2026-01-31T12:00:00.000Z', lastUsedAt: null, userAgent: null, ip: null, current: true });
 * ```
 */
export const sessionSchema = z.object({
  /** Session id. */
  id: idSchema,
  /** When the session started (sign-in). */
  createdAt: timestampSchema,
  /** When its refresh token was last used; null if never. */
  lastUsedAt: timestampSchema.nullable(),
  /** User agent at sign-in. */
  userAgent: z.string().nullable(),
  /** Client IP at sign-in. */
  ip: z.string().nullable(),
  /** True for the session of the request. */
  current: z.boolean(),
});

/**
 * A session of the caller.
 *
 * @example
 * ```ts
 * import type { Session } from '@portalkit/client/contract';
 *
 * const others = (all: Session[]) => all.filter((s) => !s.current);
 * ```
 */
export type Session = z.output<typeof sessionSchema>;

/**
 * Answer of `GET /api/v1/auth/sessions`: `{ items }`.
 *
 * @example
 * ```ts
 * import { sessionListSchema } from '@portalkit/client/contract';
 *
 * const { items } = sessionListSchema.parse(await res.json());
 * ```
 */
export const sessionListSchema = z.object({
  /** The live sessions. */
  items: z.array(sessionSchema),
});

/**
 * Answer of `GET /.well-known/jwks.json`: the public keys (JWK) access tokens are signed with.
 *
 * @example
 * ```ts
 * import { jwksSchema } from '@portalkit/client/contract';
 *
 * const { keys } = jwksSchema.parse(await res.json());
 * ```
 */
export const jwksSchema = z.object({
  /** The public keys. */
  keys: z.array(
    z.looseObject({
      /** Key type (`OKP`, `EC`). */
      kty: z.string(),
      /** Key id, matched against the JWT header `kid`. */
      kid: z.string(),
      /** Algorithm (`EdDSA`, `ES256`). */
      alg: z.string().optional(),
      /** Public key use (`sig`). */
      use: z.string().optional(),
      /** Curve (`Ed25519`, `P-256`). */
      crv: z.string().optional(),
      /** Public key x coordinate (base64url). */
      x: z.string().optional(),
      /** Public key y coordinate (EC keys, base64url). */
      y: z.string().optional(),
    }),
  ),
});
