import { z } from 'zod';

/**
 * Answer of `GET /health`: `{ status: "ok" }`.
 *
 * @example
 * ```ts
 * import { healthResponseSchema } from '@portalkit/client/contract';
 *
 * healthResponseSchema.parse({ status: 'ok' });
 * ```
 */
export const healthResponseSchema = z.object({
  /** Always `ok`. */
  status: z.literal('ok'),
});

/**
 * Answer of `GET /ready`, with 200 (`status: "ok"`) or 503 (`status: "unavailable"`): each
 * dependency check (`database`, `storage`, `cache`, ...) is `ok` or `failed`.
 *
 * @example
 * ```ts
 * import { readyResponseSchema } from '@portalkit/client/contract';
 *
 * readyResponseSchema.parse({ status: 'unavailable', checks: { database: 'ok', storage: 'failed' } });
 * ```
 */
export const readyResponseSchema = z.object({
  /** `ok` (200) or `unavailable` (503). */
  status: z.enum(['ok', 'unavailable']),
  /** Result per dependency. */
  checks: z.record(z.string(), z.enum(['ok', 'failed'])),
});
