import { z } from 'zod';
import type { JsonValue } from './canonical-json.js';
import type { AuditChange } from './diff.js';

/** Kinds of actors. */
export type AuditActorType = 'user' | 'api_key' | 'system';

/** Who did it. */
export interface AuditActor {
  /** `user`, `api_key` or `system`. */
  type: AuditActorType;
  /** The user's or key's id; `null` for the system or an anonymous caller. */
  id: string | null;
}

/** What it was done to. */
export interface AuditResource {
  /** Resource kind, e.g. `file`, `member`, `user`. */
  type: string;
  /** Resource id; `null` when the action has no single target. */
  id: string | null;
}

/**
 * A personal value inside an event, committed to by the hash only through a salted hash so it can
 * be erased later without breaking the chain (see the package README, "GDPR").
 */
export interface PersonalEntry {
  /** Where the value sits in the event, e.g. `['actor', 'id']`, `['ip']`, `['after', 'email']`. */
  path: Array<string | number>;
  /** The person the value belongs to (their id); a pseudonym once erased. */
  subject: string;
  /** Random salt (16 bytes, base64url) while the value is kept; `null` once erased. */
  salt: string | null;
  /** `base64url(sha256(canonicalJson([salt, value])))`. This, not the value, enters the hash. */
  commitment: string;
}

/** An audit event as stored and returned. */
export interface AuditEvent {
  /** UUIDv7 made by the writer (time-ordered; a retried write keeps it, so it is stored once). */
  id: string;
  /** Owning tenant; `null` for platform events, which form their own chain. */
  tenantId: string | null;
  /** Position in the tenant's chain, from 1, without gaps. */
  seq: number;
  /** Who did it. */
  actor: AuditActor;
  /** Dotted verb, e.g. `file.uploaded`, `member.role_changed`. */
  action: string;
  /** What it was done to. */
  resource: AuditResource;
  /** State before (redacted); absent for creations. */
  before?: JsonValue;
  /** State after (redacted); absent for deletions. */
  after?: JsonValue;
  /** Computed diff of `before` and `after` (redacted). */
  changes: AuditChange[];
  /** Client IP address. */
  ip: string | null;
  /** Client user agent. */
  userAgent: string | null;
  /** Request id of the request (or job) that did it. */
  requestId: string | null;
  /** ISO 8601 time, millisecond precision, UTC. */
  occurredAt: string;
  /** Ids of the people the event is by or about (for GDPR export and erasure); not hashed. */
  subjects: string[];
  /** Personal values and their commitments. */
  personal: PersonalEntry[];
  /** Hash of the previous event of the same chain (64 zeros for the first). */
  prevHash: string;
  /** `sha256(prevHash || canonicalJson(event without hash))`, hex (see README, "Hash chain"). */
  hash: string;
}

/** An event before the store places it in its chain. */
export type PreparedEvent = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>;

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number().finite(),
    z.string(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const id = z.string().min(1).max(512);

/** zod schema of {@link AuditActor}. @example `auditActorSchema.parse({ type: 'user', id: 'u1' })` */
export const auditActorSchema: z.ZodType<AuditActor> = z.object({
  type: z.enum(['user', 'api_key', 'system']),
  id: id.nullable(),
});

/** zod schema of {@link AuditResource}. @example `auditResourceSchema.parse({ type: 'file', id: 'f1' })` */
export const auditResourceSchema: z.ZodType<AuditResource> = z.object({
  type: z.string().min(1).max(128),
  id: id.nullable(),
});

/**
 * zod schema of a stored {@link AuditEvent}: use it to validate events read back from an export.
 *
 * @example
 * ```ts
 * import { auditEventSchema } from '@portalkit/audit';
 *
 * const event = auditEventSchema.parse(JSON.parse(line));
 * ```
 */
export const auditEventSchema: z.ZodType<AuditEvent> = z.object({
  id: z.string().uuid(),
  tenantId: id.nullable(),
  seq: z.number().int().positive(),
  actor: auditActorSchema,
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/),
  resource: auditResourceSchema,
  before: jsonValue.optional(),
  after: jsonValue.optional(),
  changes: z.array(z.object({ path: z.array(z.string()), before: jsonValue.optional(), after: jsonValue.optional() })),
  ip: z.string().max(128).nullable(),
  userAgent: z.string().max(2048).nullable(),
  requestId: z.string().max(256).nullable(),
  occurredAt: z.string().datetime(),
  subjects: z.array(z.string()),
  personal: z.array(
    z.object({
      path: z.array(z.union([z.string(), z.number().int()])),
      subject: z.string(),
      salt: z.string().nullable(),
      commitment: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    }),
  ),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
}) as unknown as z.ZodType<AuditEvent>;

/** What {@link AuditLog.record} takes. Missing context fields come from the request scope. */
export interface RecordInput {
  /** Dotted lowercase verb: `<domain>.<verb>`, e.g. `file.uploaded`. */
  action: string;
  /** What it was done to; `id` may be omitted (stored as `null`). */
  resource: {
    /** Resource kind, e.g. `file`, `member`, `user`. */
    type: string;
    /** Resource id. @default null */
    id?: string | null;
  };
  /** State before (plain JSON data; Dates become ISO strings). Redacted before storing. */
  before?: unknown;
  /** State after. Redacted before storing. */
  after?: unknown;
  /** Overrides the scope's tenant (`null`: platform trail). */
  tenantId?: string | null;
  /** Overrides the scope's actor. */
  actor?: AuditActor;
  /** Extra people the event is about (for GDPR export/erasure), besides a user actor and a person resource. */
  subjectIds?: string[];
  /** Overrides the scope's request id. */
  requestId?: string | null;
  /** Overrides the scope's IP. */
  ip?: string | null;
  /** Overrides the scope's user agent. */
  userAgent?: string | null;
}

/**
 * zod schema of {@link RecordInput}.
 *
 * @example
 * ```ts
 * import { recordInputSchema } from '@portalkit/audit';
 *
 * recordInputSchema.parse({ action: 'file.uploaded', resource: { type: 'file', id: 'f1' } });
 * ```
 */
export const recordInputSchema: z.ZodType<RecordInput> = z.object({
  action: z
    .string()
    .max(128)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'action must look like "domain.verb" (lowercase, dotted)'),
  resource: z.object({ type: z.string().min(1).max(128), id: id.nullable().optional() }),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  tenantId: id.nullable().optional(),
  actor: auditActorSchema.optional(),
  subjectIds: z.array(id).max(1000).optional(),
  requestId: z.string().max(256).nullable().optional(),
  ip: z.string().max(128).nullable().optional(),
  userAgent: z.string().max(2048).nullable().optional(),
}) as unknown as z.ZodType<RecordInput>;
