import { z } from 'zod';
import { TenancyError } from './errors.js';

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, {
    message: 'must be a lower-case host name such as app.example.com',
  });

const origin = z
  .string()
  .max(300)
  .regex(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/, {
    message: 'must be an origin such as https://app.example.com (scheme, host, optional port, no path)',
  });

/**
 * Branding of a tenant (part of {@link TenantSettings}).
 *
 * @example
 * ```ts
 * const branding: TenantBranding = { displayName: 'Acme', primaryColor: '#0a84ff' };
 * ```
 */
export interface TenantBranding {
  /** Name shown in the UI, 1..200 characters. */
  displayName?: string | undefined;
  /** Logo URL (https only). */
  logoUrl?: string | undefined;
  /** Main colour, `#rrggbb`. */
  primaryColor?: string | undefined;
}

/**
 * Quotas of a tenant (part of {@link TenantSettings}). The package stores them; the packages that
 * own the resource (storage, the host) enforce them.
 *
 * @example
 * ```ts
 * const limits: TenantLimits = { maxMembers: 25, maxFileSizeBytes: 10 * 1024 * 1024 };
 * ```
 */
export interface TenantLimits {
  /** Maximum number of members. */
  maxMembers?: number | undefined;
  /** Maximum total bytes stored. */
  maxStorageBytes?: number | undefined;
  /** Maximum size of one file. */
  maxFileSizeBytes?: number | undefined;
}

/**
 * Per-tenant settings, validated by {@link tenantSettingsSchema}. Unknown keys are rejected.
 *
 * @example
 * ```ts
 * const settings: TenantSettings = { branding: { primaryColor: '#0a84ff' }, limits: { maxMembers: 25 } };
 * ```
 */
export interface TenantSettings {
  /** Branding shown to the tenant's users. */
  branding?: TenantBranding | undefined;
  /** CORS origins allowed to call the API for this tenant: `https://app.example.com`, or `https://*.example.com` for any subdomain. */
  allowedOrigins?: string[] | undefined;
  /** Lower-case host names that resolve to this tenant (see `fromCustomDomain`). */
  customDomains?: string[] | undefined;
  /** Quotas. */
  limits?: TenantLimits | undefined;
}

/**
 * The zod schema of {@link TenantSettings}. Unknown keys are rejected (never silently stored).
 *
 * @example
 * ```ts
 * const settings = tenantSettingsSchema.parse({ allowedOrigins: ['https://app.example.com'] });
 * ```
 */
export const tenantSettingsSchema: z.ZodType<TenantSettings> = z
  .object({
    branding: z
      .object({
        displayName: z.string().min(1).max(200).optional(),
        logoUrl: z
          .url({ protocol: /^https$/ })
          .max(2000)
          .optional(),
        primaryColor: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, { message: 'must be a hex colour such as #1a2b3c' })
          .optional(),
      })
      .strict()
      .optional(),
    allowedOrigins: z.array(origin).max(100).optional(),
    customDomains: z.array(hostname).max(50).optional(),
    limits: z
      .object({
        maxMembers: z.number().int().positive().optional(),
        maxStorageBytes: z.number().int().nonnegative().optional(),
        maxFileSizeBytes: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * Validates settings, throwing a `TenancyError('invalid_input')` that lists every field problem
 * (paths prefixed with `settings.`).
 *
 * @example
 * ```ts
 * const settings = parseTenantSettings(JSON.parse(body).settings);
 * ```
 */
export function parseTenantSettings(input: unknown): TenantSettings {
  const result = tenantSettingsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new TenancyError('invalid_input', 'tenant settings are invalid (see error.fields)', {
      cause: result.error,
      fields: result.error.issues.map((issue) => ({
        path: ['settings', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    });
  }
  return result.data;
}

const SLUG = /^[a-z0-9](-?[a-z0-9])*$/;

/**
 * True when `slug` is a valid tenant slug: `^[a-z0-9](-?[a-z0-9])*$`, 3..63 characters.
 *
 * @example
 * ```ts
 * isValidSlug('acme-corp'); // true
 * isValidSlug('-acme'); // false
 * ```
 */
export function isValidSlug(slug: string): boolean {
  return slug.length >= 3 && slug.length <= 63 && SLUG.test(slug);
}
