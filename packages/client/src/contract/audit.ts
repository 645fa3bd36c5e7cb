import { z } from 'zod';
import { cursorSchema, idSchema, limitSchema, timestampSchema } from './primitives.js';

/**
 * Every audit action the reference API records.
 *
 * @example
 * ```ts
 * import { auditActions } from '@portalkit/client/contract';
 *
 * auditActions.includes('file.uploaded'); // true
 * ```
 */
export const auditActions = [
  'auth.registered',
  'auth.email_verified',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.logout',
  'auth.refresh_reused',
  'auth.password_reset',
  'auth.password_changed',
  'auth.session_revoked',
  'tenant.created',
  'tenant.updated',
  'tenant.deleted',
  'member.invited',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'invitation.revoked',
  'file.uploaded',
  'file.deleted',
] as const;

/**
 * Schema of an audit action.
 *
 * @example
 * ```ts
 * import { auditActionSchema } from '@portalkit/client/contract';
 *
 * auditActionSchema.parse('member.role_changed');
 * ```
 */
export const auditActionSchema = z.enum(auditActions);

/**
 * An audit action such as `file.uploaded`.
 *
 * @example
 * ```ts
 * import type { AuditAction } from '@portalkit/client/contract';
 *
 * const a: AuditAction = 'tenant.created';
 * ```
 */
export type AuditAction = z.output<typeof auditActionSchema>;

/**
 * One audit event. `tenantId` is null for platform events; `actor.id` is null for anonymous or
 * system actors; `prevHash` is null for the first event of a chain.
 *
 * @example
 * ```ts
 * import { auditEventSchema } from '@portalkit/client/contract';
 *
 * const event = auditEventSchema.parse(JSON.parse(line));
 * ```
 */
export const auditEventSchema = z.object({
  id: idSchema,
  tenantId: idSchema.nullable(),
  actor: z.object({
    type: z.enum(['user', 'system', 'anonymous']),
    id: z.string().nullable(),
  }),
  action: auditActionSchema,
  resource: z.object({ type: z.string(), id: z.string().nullable() }),
  before: z.record(z.string(), z.unknown()).nullable().optional(),
  after: z.record(z.string(), z.unknown()).nullable().optional(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  occurredAt: timestampSchema,
  hash: z.string().meta({ description: 'Hash of this event chained to prevHash (hex).' }),
  prevHash: z.string().nullable(),
});

/**
 * One audit event.
 *
 * @example
 * ```ts
 * import type { AuditEvent } from '@portalkit/client/contract';
 *
 * const who = (e: AuditEvent) => `${e.actor.type}:${e.actor.id ?? '-'}`;
 * ```
 */
export type AuditEvent = z.output<typeof auditEventSchema>;

/**
 * The filters shared by the audit list and export routes.
 *
 * @example
 * ```ts
 * import { auditFilterSchema } from '@portalkit/client/contract';
 *
 * auditFilterSchema.parse({ action: 'file.uploaded', from: '2026-01-01T00:00:00Z' });
 * ```
 */
export const auditFilterSchema = z.object({
  actorId: z.string().min(1).max(128).optional(),
  action: auditActionSchema.optional(),
  resourceType: z.string().min(1).max(64).optional(),
  resourceId: z.string().min(1).max(128).optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Inclusive lower bound of occurredAt.' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Exclusive upper bound of occurredAt.' }),
});

/**
 * Query of `GET /api/v1/tenants/:tenantId/audit-events`: pagination plus the filters.
 *
 * @example
 * ```ts
 * import { listAuditEventsQuerySchema } from '@portalkit/client/contract';
 *
 * listAuditEventsQuerySchema.parse({ limit: '100', actorId: 'u1' });
 * ```
 */
export const listAuditEventsQuerySchema = auditFilterSchema.extend({
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});

/**
 * Query of `GET /api/v1/tenants/:tenantId/audit-events/export`: `format` (`ndjson` by default,
 * or `csv`) plus the filters.
 *
 * @example
 * ```ts
 * import { exportAuditEventsQuerySchema } from '@portalkit/client/contract';
 *
 * exportAuditEventsQuerySchema.parse({ format: 'csv' });
 * ```
 */
export const exportAuditEventsQuerySchema = auditFilterSchema.extend({
  format: z.enum(['csv', 'ndjson']).default('ndjson'),
});

/**
 * Answer of `GET /api/v1/tenants/:tenantId/audit-events/verify`. When the chain was tampered
 * with, `valid` is false and `firstBadEventId` names the first event that does not verify.
 *
 * @example
 * ```ts
 * import { auditVerifyResponseSchema } from '@portalkit/client/contract';
 *
 * const { valid, count } = auditVerifyResponseSchema.parse(await res.json());
 * ```
 */
export const auditVerifyResponseSchema = z.object({
  valid: z.boolean(),
  count: z.number().int().nonnegative(),
  headHash: z.string().nullable().meta({ description: 'Hash of the newest event; null for an empty trail.' }),
  firstBadEventId: z.string().nullable().optional(),
});
