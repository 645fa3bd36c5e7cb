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
  /** Event id. */
  id: idSchema,
  /** The tenant it concerns; null for the platform trail. */
  tenantId: idSchema.nullable(),
  /** Position in the chain, from 1 (when the server exposes it). */
  seq: z.number().int().positive().optional(),
  /** Who did it. */
  actor: z.object({
    /** `user`, `api_key`, `system` or `anonymous`. */
    type: z.enum(['user', 'api_key', 'system', 'anonymous']),
    /** The actor's id (user id), or null. */
    id: z.string().nullable(),
  }),
  /** What happened. */
  action: auditActionSchema,
  /** What it happened to. */
  resource: z.object({
    /** Resource type (`user`, `tenant`, `member`, `file`, ...). */
    type: z.string(),
    /** Resource id, or null. */
    id: z.string().nullable(),
  }),
  /** State before the change (never secrets). */
  before: z.record(z.string(), z.unknown()).nullable().optional(),
  /** State after the change (never secrets). */
  after: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Client IP. */
  ip: z.string().nullable(),
  /** Client user agent. */
  userAgent: z.string().nullable(),
  /** x-request-id of the request that caused it. */
  requestId: z.string().nullable(),
  /** When it happened. */
  occurredAt: timestampSchema,
  /** Hash of this event chained to prevHash (hex). */
  hash: z.string().meta({ description: 'Hash of this event chained to prevHash (hex).' }),
  /** Hash of the previous event; null for the first one. */
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
  /** Only events of this actor. */
  actorId: z.string().min(1).max(128).optional(),
  /** Only events with this action. */
  action: auditActionSchema.optional(),
  /** Only events on this resource type. */
  resourceType: z.string().min(1).max(64).optional(),
  /** Only events on this resource id. */
  resourceId: z.string().min(1).max(128).optional(),
  /** Inclusive lower bound of occurredAt. */
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Inclusive lower bound of occurredAt.' }),
  /** Exclusive upper bound of occurredAt. */
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
  /** Page size, 1..100, default 20. */
  limit: limitSchema,
  /** Cursor from the previous page. */
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
  /** `ndjson` (default) or `csv`. */
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
  /** True when every event's hash verifies. */
  valid: z.boolean(),
  /** Number of events checked. */
  count: z.number().int().nonnegative(),
  /** Hash of the newest event; null for an empty trail. */
  headHash: z.string().nullable().meta({ description: 'Hash of the newest event; null for an empty trail.' }),
  /** Id of the first event that does not verify (when valid is false). */
  firstBadEventId: z.string().nullable().optional(),
});
