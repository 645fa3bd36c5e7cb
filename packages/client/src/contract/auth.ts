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
  id: idSchema,
  email: emailSchema,
  name: z.string(),
  emailVerified: z.boolean(),
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
  tenantId: idSchema,
  tenantName: z.string(),
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
export const registerBodySchema = z.strictObject({ email: emailSchema, password: newPasswordSchema, name: nameSchema });

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
export const tokenBodySchema = z.strictObject({ token: emailTokenSchema });

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
export const emailBodySchema = z.strictObject({ email: emailSchema });

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
  email: emailSchema,
  password: loginPasswordSchema,
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
export const refreshBodySchema = z.strictObject({ refreshToken: refreshTokenSchema, tenantId: idSchema.optional() });

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
export const logoutBodySchema = z.strictObject({ refreshToken: refreshTokenSchema });

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
export const resetPasswordBodySchema = z.strictObject({ token: emailTokenSchema, password: newPasswordSchema });

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
  currentPassword: loginPasswordSchema,
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
export const verificationSentSchema = z.object({ status: z.literal('verification_sent') });

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
export const resetSentSchema = z.object({ status: z.literal('reset_sent') });

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
export const userResponseSchema = z.object({ user: userSchema });

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
  accessToken: z.string().min(1).meta({ description: 'JWT access token (send as Authorization: Bearer).' }),
  refreshToken: refreshTokenSchema,
  tokenType: z.literal('Bearer'),
  expiresIn: z
    .number()
    .int()
    .positive()
    .meta({ description: 'Access token lifetime in seconds.', examples: [900] }),
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
export const meResponseSchema = z.object({ user: userSchema, memberships: z.array(membershipSchema) });

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
  id: idSchema,
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
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
export const sessionListSchema = z.object({ items: z.array(sessionSchema) });

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
  keys: z.array(
    z.looseObject({
      kty: z.string(),
      kid: z.string(),
      alg: z.string().optional(),
      use: z.string().optional(),
      crv: z.string().optional(),
      x: z.string().optional(),
      y: z.string().optional(),
    }),
  ),
});
