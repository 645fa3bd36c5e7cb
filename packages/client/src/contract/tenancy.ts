import { z } from 'zod';
import { emailSchema, idSchema, roleSchema, timestampSchema } from './primitives.js';

const tenantNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .meta({ description: 'Tenant name, 1..100 characters.', examples: ['Acme Inc.'] });

/**
 * A tenant slug: 3..63 characters of lowercase letters and digits, single dashes between them
 * (`^[a-z0-9](-?[a-z0-9])*$`).
 *
 * @example
 * ```ts
 * import { slugSchema } from '@portalkit/client/contract';
 *
 * slugSchema.safeParse('acme-inc').success; // true
 * slugSchema.safeParse('-acme').success; // false
 * ```
 */
export const slugSchema = z
  .string()
  .min(3, 'must be at least 3 characters')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9](-?[a-z0-9])*$/, 'must be lowercase letters and digits with single dashes between them')
  .meta({ description: 'URL-safe tenant slug, unique.', examples: ['acme-inc'] });

const hostnameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, {
    message: 'must be a lower-case host name such as app.example.com',
  });

const originSchema = z
  .string()
  .max(300)
  .regex(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/, {
    message: 'must be an origin such as https://app.example.com (scheme, host, optional port, no path)',
  });

/**
 * Tenant settings: branding, the CORS origins allowed to call the tenant's routes from a browser,
 * custom domains and limits. Unknown keys are rejected (400), never silently stored. The same
 * rules as `tenantSettingsSchema` of `@portalkit/tenancy`, which the servers store with (a
 * platform test checks that the two agree).
 *
 * @example
 * ```ts
 * import { tenantSettingsSchema } from '@portalkit/client/contract';
 *
 * tenantSettingsSchema.parse({ allowedOrigins: ['https://app.acme.com'], branding: { primaryColor: '#1a2b3c' } });
 * tenantSettingsSchema.safeParse({ theme: 'dark' }).success; // false: unknown key
 * ```
 */
export const tenantSettingsSchema = z
  .strictObject({
    /** Branding shown to the tenant's users. */
    branding: z
      .strictObject({
        /** Name shown in the UI, 1..200 characters. */
        displayName: z.string().min(1).max(200).optional(),
        /** Logo URL (https only). */
        logoUrl: z
          .url({ protocol: /^https$/ })
          .max(2000)
          .optional(),
        /** Main colour, `#rrggbb`. */
        primaryColor: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, { message: 'must be a hex colour such as #1a2b3c' })
          .optional(),
      })
      .optional(),
    /** Origins allowed to call the tenant's routes from a browser (`https://*.example.com` for any subdomain). */
    allowedOrigins: z.array(originSchema).max(100).optional(),
    /** Lower-case host names that resolve to this tenant. */
    customDomains: z.array(hostnameSchema).max(50).optional(),
    /** Quotas. */
    limits: z
      .strictObject({
        /** Maximum number of members. */
        maxMembers: z.number().int().positive().optional(),
        /** Maximum total bytes stored. */
        maxStorageBytes: z.number().int().nonnegative().optional(),
        /** Maximum size of one file. */
        maxFileSizeBytes: z.number().int().positive().optional(),
      })
      .optional(),
  })
  .meta({
    description:
      'Tenant settings: branding, CORS origins allowed from browsers, custom domains, limits. Unknown keys are rejected.',
    examples: [
      { allowedOrigins: ['https://app.acme.com'], branding: { displayName: 'Acme', primaryColor: '#1a2b3c' } },
    ],
  });

/**
 * A tenant as answered by the API. `settings` is present when the server stores any.
 *
 * @example
 * ```ts
 * import { tenantSchema } from '@portalkit/client/contract';
 *
 * tenantSchema.parse({ id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: '2026-01-31T12:00:00.000Z' });
 * ```
 */
export const tenantSchema = z.object({
  /** Tenant id. */
  id: idSchema,
  /** Display name. */
  name: z.string(),
  /** Unique URL-safe slug. */
  slug: z.string(),
  /** `active`, or `suspended` (its resources answer 403 tenant_suspended). */
  status: z.enum(['active', 'suspended']),
  /** When the tenant was created. */
  createdAt: timestampSchema,
  /** Settings, when the server stores any. */
  settings: tenantSettingsSchema.optional(),
});

/**
 * A tenant.
 *
 * @example
 * ```ts
 * import type { Tenant } from '@portalkit/client/contract';
 *
 * const label = (t: Tenant) => `${t.name} (${t.slug})`;
 * ```
 */
export type Tenant = z.output<typeof tenantSchema>;

/**
 * Body of `POST /api/v1/tenants`.
 *
 * @example
 * ```ts
 * import { createTenantBodySchema } from '@portalkit/client/contract';
 *
 * createTenantBodySchema.parse({ name: 'Acme', slug: 'acme' });
 * ```
 */
export const createTenantBodySchema = z.strictObject({
  /** Display name. */
  name: tenantNameSchema,
  /** Unique slug (409 conflict when taken). */
  slug: slugSchema,
});

/**
 * Body of `PATCH /api/v1/tenants/:tenantId`: `name` and/or `settings` (at least one).
 *
 * @example
 * ```ts
 * import { updateTenantBodySchema } from '@portalkit/client/contract';
 *
 * updateTenantBodySchema.parse({ name: 'Acme GmbH' });
 * ```
 */
export const updateTenantBodySchema = z
  .strictObject({
    /** New display name. */
    name: tenantNameSchema.optional(),
    /** New settings. */
    settings: tenantSettingsSchema.optional(),
  })
  .refine((body) => body.name !== undefined || body.settings !== undefined, {
    message: 'give at least one of name, settings',
  });

/**
 * Answer `{ tenant }`.
 *
 * @example
 * ```ts
 * import { tenantResponseSchema } from '@portalkit/client/contract';
 *
 * const { tenant } = tenantResponseSchema.parse(await res.json());
 * ```
 */
export const tenantResponseSchema = z.object({
  /** The tenant. */
  tenant: tenantSchema,
});

/**
 * Answer of `GET /api/v1/tenants`: `{ items }`, the tenants the caller belongs to.
 *
 * @example
 * ```ts
 * import { tenantListSchema } from '@portalkit/client/contract';
 *
 * const { items } = tenantListSchema.parse(await res.json());
 * ```
 */
export const tenantListSchema = z.object({
  /** The caller's tenants. */
  items: z.array(tenantSchema),
});

/**
 * A member of a tenant.
 *
 * @example
 * ```ts
 * import { memberSchema } from '@portalkit/client/contract';
 *
 * memberSchema.parse({ userId: 'u1', email: 'ada@example.com', name: 'Ada', role: 'admin', joinedAt: '2026-01-31T12:00:00.000Z' });
 * ```
 */
export const memberSchema = z.object({
  /** The member's user id. */
  userId: idSchema,
  /** The member's e-mail address (empty when the account no longer exists). */
  email: z.string(),
  /** The member's display name. */
  name: z.string(),
  /** The member's role in the tenant. */
  role: roleSchema,
  /** When they joined. */
  joinedAt: timestampSchema,
});

/**
 * A member of a tenant.
 *
 * @example
 * ```ts
 * import type { Member } from '@portalkit/client/contract';
 *
 * const admins = (all: Member[]) => all.filter((m) => m.role === 'admin');
 * ```
 */
export type Member = z.output<typeof memberSchema>;

/**
 * Body of `PATCH /api/v1/tenants/:tenantId/members/:userId`.
 *
 * @example
 * ```ts
 * import { updateMemberBodySchema } from '@portalkit/client/contract';
 *
 * updateMemberBodySchema.parse({ role: 'editor' });
 * ```
 */
export const updateMemberBodySchema = z.strictObject({
  /** The new role. */
  role: roleSchema,
});

/**
 * Answer of `PATCH /api/v1/tenants/:tenantId/members/:userId`: `{ member }`.
 *
 * @example
 * ```ts
 * import { memberResponseSchema } from '@portalkit/client/contract';
 *
 * const { member } = memberResponseSchema.parse(await res.json());
 * ```
 */
export const memberResponseSchema = z.object({
  /** The member after the change. */
  member: memberSchema,
});

/**
 * A pending invitation.
 *
 * @example
 * ```ts
 * import { invitationSchema } from '@portalkit/client/contract';
 *
 * invitationSchema.parse({ id: 'i1', email: 'bob@example.com', role: 'viewer', expiresAt: '2026-02-07T12:00:00.000Z' });
 * ```
 */
export const invitationSchema = z.object({
  /** Invitation id. */
  id: idSchema,
  /** Invited e-mail address. */
  email: emailSchema,
  /** Role granted on acceptance. */
  role: roleSchema,
  /** When the invitation stops working (7 days after it was sent). */
  expiresAt: timestampSchema,
});

/**
 * A pending invitation.
 *
 * @example
 * ```ts
 * import type { Invitation } from '@portalkit/client/contract';
 *
 * const expired = (i: Invitation) => Date.parse(i.expiresAt) < Date.now();
 * ```
 */
export type Invitation = z.output<typeof invitationSchema>;

/**
 * Body of `POST /api/v1/tenants/:tenantId/invitations`.
 *
 * @example
 * ```ts
 * import { createInvitationBodySchema } from '@portalkit/client/contract';
 *
 * createInvitationBodySchema.parse({ email: 'bob@example.com', role: 'editor' });
 * ```
 */
export const createInvitationBodySchema = z.strictObject({
  /** E-mail address to invite. */
  email: emailSchema,
  /** Role to grant. */
  role: roleSchema,
});

/**
 * Answer of `POST /api/v1/tenants/:tenantId/invitations` (201): `{ invitation }`.
 *
 * @example
 * ```ts
 * import { invitationResponseSchema } from '@portalkit/client/contract';
 *
 * const { invitation } = invitationResponseSchema.parse(await res.json());
 * ```
 */
export const invitationResponseSchema = z.object({
  /** The invitation. */
  invitation: invitationSchema,
});

/**
 * Answer of `GET /api/v1/tenants/:tenantId/invitations`: `{ items }` (pending invitations).
 *
 * @example
 * ```ts
 * import { invitationListSchema } from '@portalkit/client/contract';
 *
 * const { items } = invitationListSchema.parse(await res.json());
 * ```
 */
export const invitationListSchema = z.object({
  /** Pending invitations. */
  items: z.array(invitationSchema),
});
