import { z } from 'zod';

/**
 * An opaque identifier (tenant, user, file, invitation, session, audit event): 1..128 characters
 * of `A-Z a-z 0-9 _ -`, which covers UUIDs, ULIDs, nanoids and MongoDB ObjectIds while keeping
 * ids safe inside URL paths.
 *
 * @example
 * ```ts
 * import { idSchema } from '@portalkit/client/contract';
 *
 * idSchema.parse('01J9ZK3X8Q6M2N4P5R7S9T0V1W');
 * ```
 */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an id (1..128 characters of A-Z, a-z, 0-9, _ or -)')
  .meta({ description: 'Opaque identifier.', examples: ['01J9ZK3X8Q6M2N4P5R7S9T0V1W'] });

/**
 * An ISO 8601 UTC timestamp as produced by `Date.prototype.toISOString()` (`Z` suffix, no offset).
 *
 * @example
 * ```ts
 * import { timestampSchema } from '@portalkit/client/contract';
 *
 * timestampSchema.parse(new Date().toISOString());
 * ```
 */
export const timestampSchema = z.iso
  .datetime()
  .meta({ description: 'ISO 8601 UTC timestamp.', examples: ['2026-01-31T12:00:00.000Z'] });

/**
 * An e-mail address (at most 254 characters). Servers compare addresses case-insensitively.
 *
 * @example
 * ```ts
 * import { emailSchema } from '@portalkit/client/contract';
 *
 * emailSchema.parse('ada@example.com');
 * ```
 */
export const emailSchema = z
  .email()
  .max(254)
  .meta({ description: 'E-mail address.', examples: ['ada@example.com'] });

/**
 * The roles a user can hold in a tenant, weakest first: `viewer` < `editor` < `admin`.
 *
 * @example
 * ```ts
 * import { roleSchema } from '@portalkit/client/contract';
 *
 * roleSchema.parse('editor');
 * ```
 */
export const roleSchema = z
  .enum(['viewer', 'editor', 'admin'])
  .meta({ description: 'Role in a tenant: viewer < editor < admin.', examples: ['editor'] });

/**
 * A tenant role: `viewer`, `editor` or `admin`.
 *
 * @example
 * ```ts
 * import type { Role } from '@portalkit/client/contract';
 *
 * const role: Role = 'admin';
 * ```
 */
export type Role = z.output<typeof roleSchema>;

/**
 * Every role, weakest first (`['viewer', 'editor', 'admin']`). Compare positions to check that
 * a role is at least another one.
 *
 * @example
 * ```ts
 * import { roles } from '@portalkit/client/contract';
 *
 * const atLeast = (have: string, need: string) => roles.indexOf(have as never) >= roles.indexOf(need as never);
 * ```
 */
export const roles = roleSchema.options;

/**
 * A new password: 8..256 characters. This is the floor the contract enforces; servers may apply a
 * stronger policy and answer `400 validation_failed` saying why.
 *
 * @example
 * ```ts
 * import { newPasswordSchema } from '@portalkit/client/contract';
 *
 * newPasswordSchema.safeParse('short').success; // false
 * ```
 */
export const newPasswordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters')
  .meta({ description: 'New password (8..256 characters; servers may require more).', format: 'password' });

/**
 * A single-use token taken from an e-mail link (`?token=`), 1..512 characters.
 *
 * @example
 * ```ts
 * import { emailTokenSchema } from '@portalkit/client/contract';
 *
 * emailTokenSchema.parse(new URL('https://app.example/verify?token=abc').searchParams.get('token'));
 * ```
 */
export const emailTokenSchema = z
  .string()
  .min(1)
  .max(512)
  .meta({ description: 'Single-use token from an e-mail link.' });

/**
 * The `?limit=` query parameter: an integer 1..100, default 20. Query strings are coerced, so
 * `"50"` parses to `50`.
 *
 * @example
 * ```ts
 * import { limitSchema } from '@portalkit/client/contract';
 *
 * limitSchema.parse(undefined); // 20
 * limitSchema.parse('50'); // 50
 * ```
 */
export const limitSchema = z.coerce
  .number<number | string>()
  .int()
  .min(1)
  .max(100)
  .default(20)
  .meta({ description: 'Page size, 1..100.', examples: [20] });

/**
 * The `?cursor=` query parameter: an opaque cursor from a previous page's `nextCursor`.
 *
 * @example
 * ```ts
 * import { cursorSchema } from '@portalkit/client/contract';
 *
 * cursorSchema.parse('eyJpZCI6IjQyIn0');
 * ```
 */
export const cursorSchema = z
  .string()
  .min(1)
  .max(1024)
  .meta({ description: "Opaque cursor: a previous page's nextCursor." });

/**
 * The query parameters every paginated list accepts: `limit` (1..100, default 20) and `cursor`.
 *
 * @example
 * ```ts
 * import { pageQuerySchema } from '@portalkit/client/contract';
 *
 * pageQuerySchema.parse({ limit: '10' }); // { limit: 10 }
 * ```
 */
export const pageQuerySchema = z.object({
  /** Page size, 1..100, default 20. */
  limit: limitSchema,
  /** Cursor from the previous page. */
  cursor: cursorSchema.optional(),
});

/**
 * Builds the schema of one page of a paginated list: `{ items, nextCursor }`, `nextCursor` null on
 * the last page.
 *
 * @param item - The schema of one item.
 * @returns A zod object schema `{ items: item[], nextCursor: string | null }`.
 *
 * @example
 * ```ts
 * import { fileSchema, pageOf } from '@portalkit/client/contract';
 *
 * const filePage = pageOf(fileSchema);
 * ```
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    /** The items of this page. */
    items: z.array(item),
    /** Cursor of the next page; null on the last page. */
    nextCursor: z.string().nullable().meta({ description: 'Cursor of the next page; null on the last page.' }),
  });
}

/**
 * One page of a paginated list.
 *
 * @example
 * ```ts
 * import type { Page, FileRecord } from '@portalkit/client/contract';
 *
 * const empty: Page<FileRecord> = { items: [], nextCursor: null };
 * ```
 */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** Cursor of the next page; `null` on the last page. */
  nextCursor: string | null;
}
