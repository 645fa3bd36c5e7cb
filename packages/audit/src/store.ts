import type { AuditEvent, PreparedEvent } from './event.js';

/** The last event of a chain, as the store's chain-head record holds it. */
export interface ChainHead {
  /** Tenant of the chain (`null`: platform chain). */
  tenantId: string | null;
  /** Sequence number of the last event (0 before the first). */
  seq: number;
  /** Hash of the last event. */
  hash: string;
}

/**
 * One chain as {@link AuditStore.chains} lists it: its head and when its newest stored event
 * occurred.
 *
 * @example
 * ```ts
 * import type { ChainSummary } from '@portalkit/audit';
 *
 * const idle = (c: ChainSummary, cutoff: Date) => c.lastEventAt === null || Date.parse(c.lastEventAt) < cutoff.getTime();
 * ```
 */
export interface ChainSummary {
  /** Tenant of the chain (`null`: platform chain). */
  tenantId: string | null;
  /** Sequence number of the chain head (the last event appended, even when it was purged since). */
  seq: number;
  /** Hash of the chain head. */
  hash: string;
  /** ISO time of the newest stored event (the latest `occurredAt`); `null` when retention purged them all. */
  lastEventAt: string | null;
}

/**
 * Filters of {@link AuditStore.chains}.
 *
 * @example
 * ```ts
 * import type { ChainQuery } from '@portalkit/audit';
 *
 * const firstPage: ChainQuery = { idleBefore: new Date(Date.now() - 30 * 86_400_000), limit: 100 };
 * ```
 */
export interface ChainQuery {
  /**
   * Only chains whose newest stored event occurred before this time, and chains without stored
   * events. @default undefined (every chain)
   */
  idleBefore?: Date;
  /**
   * Only chains after this one in the listing order (ascending tenant id, the platform chain
   * first): the `tenantId` of the last chain of the previous page, `null` for the platform chain.
   * @default undefined (from the first chain)
   */
  after?: string | null;
  /** Page size. */
  limit: number;
}

/** A signed statement that a chain had `headHash` at `seq` (see {@link AuditLog.checkpoint}). */
export interface Checkpoint {
  /** Tenant of the chain (`null`: platform chain). */
  tenantId: string | null;
  /** Sequence number of the event the checkpoint covers. */
  seq: number;
  /** That event's hash. */
  headHash: string;
  /** ISO time of signing. */
  signedAt: string;
  /** Which key signed (see `checkpoints.keyId`). */
  keyId: string;
  /** `periodic` (taken by checkpoint()) or `retention` (left by purge() at the last purged event). */
  kind: 'periodic' | 'retention';
  /** Ed25519 signature (base64url) over the canonical JSON of the other fields (see README). */
  signature: string;
}

/** Filters of a store query (the store-level form of {@link AuditQuery}). */
export interface StoreQuery {
  /** Chain to read (`null`: platform). */
  tenantId: string | null;
  /** Only events by this actor id. */
  actorId?: string;
  /** Only this action. */
  action?: string;
  /** Only this resource type. */
  resourceType?: string;
  /** Only this resource id. */
  resourceId?: string;
  /** Only events at or after this time. */
  from?: Date;
  /** Only events before or at this time. */
  to?: Date;
  /** Only events with a smaller seq (cursor). */
  beforeSeq?: number;
  /** Page size. */
  limit: number;
}

/** Options of {@link AuditStore.append}. */
export interface AppendOptions<Tx> {
  /** Append inside this caller transaction (Kysely transaction, Mongo session): the events commit or roll back with it. */
  within?: Tx;
}

/**
 * Persistence of audit events. The store places events in their tenant's chain atomically
 * (serializing writers per tenant in the database), so it owns `seq`, `prevHash` and `hash`. The
 * rest of the package (verify, retention, erasure, export) is written once against this
 * interface. Adapters: `memoryAuditStore()`, `kyselyAuditStore()` (`@portalkit/audit/kysely`),
 * `mongoAuditStore()` (`@portalkit/audit/mongodb`).
 *
 * @typeParam Tx - what `append(..., { within })` accepts (`never` when unsupported).
 */
export interface AuditStore<Tx = never> {
  /**
   * How many `append` calls the buffered writer may have in flight at once (it keeps their order).
   * Stores that prepare the next batch while the previous one is written say 2; absent means 1.
   */
  readonly appendConcurrency?: number;
  /**
   * Chains and stores events (grouped per tenant, in the given order). Events whose id is already
   * stored are skipped, so retrying a batch never duplicates. Returns the stored events.
   */
  append(events: readonly PreparedEvent[], options?: AppendOptions<Tx>): Promise<AuditEvent[]>;
  /** Events matching the filters, newest (highest seq) first. */
  query(query: StoreQuery): Promise<AuditEvent[]>;
  /**
   * Events of one chain in ascending seq order: those with `seq > afterSeq`, or, with `startAt`,
   * from the first event that occurred at or after that time.
   */
  readChain(
    tenantId: string | null,
    options: { afterSeq?: number; startAt?: Date; limit: number },
  ): Promise<AuditEvent[]>;
  /** The chain head, or `null` for a chain without events. */
  head(tenantId: string | null): Promise<ChainHead | null>;
  /** Every chain head. */
  heads(): Promise<ChainHead[]>;
  /** Stores a checkpoint. */
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Checkpoints of a chain, ascending seq. */
  checkpoints(tenantId: string | null): Promise<Checkpoint[]>;
  /**
   * The newest event such that it and every event before it occurred before `cutoff`, or `null`.
   */
  retentionBoundary(tenantId: string | null, cutoff: Date): Promise<AuditEvent | null>;
  /** Atomically stores `anchor` and deletes the chain's events with `seq <= throughSeq`. Returns how many were deleted. */
  purge(tenantId: string | null, throughSeq: number, anchor: Checkpoint): Promise<number>;
  /**
   * Chains that have a head (at least one event was ever appended), ascending tenant id with the
   * platform chain first, each with the time of its newest stored event.
   */
  chains(query: ChainQuery): Promise<ChainSummary[]>;
  /**
   * Atomically deletes a whole chain (every event, every checkpoint and its head) when its head is
   * still at `seq`; a later append to that tenant starts a new chain at seq 1. Returns how many
   * events were deleted, or `null` (nothing deleted) when the head is no longer at `seq`.
   */
  deleteChain(tenantId: string | null, seq: number): Promise<number | null>;
  /** Events whose `subjects` contain `subjectId`, across tenants, ascending id, after `afterId`. */
  bySubject(subjectId: string, options: { afterId?: string; limit: number }): Promise<AuditEvent[]>;
  /**
   * Overwrites the personal parts (`actor.id`, `resource.id`, `ip`, `userAgent`, `before`, `after`, `changes`,
   * `subjects`, `personal`) of stored events, matched by id. Used by erasure; never touches `hash`.
   */
  rewritePersonal(events: readonly AuditEvent[]): Promise<void>;
}
