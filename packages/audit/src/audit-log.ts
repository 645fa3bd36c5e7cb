import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { type AuditLogger, BufferedWriter, type BufferOptions, type BufferStats } from './buffered-writer.js';
import type { JsonValue } from './canonical-json.js';
import { type CheckpointKeys, createCheckpointSigner } from './checkpoints.js';
import { AuditError } from './errors.js';
import type { AuditEvent, PersonalEntry, PreparedEvent, RecordInput } from './event.js';
import { type ExportFormat, formatEvents } from './export.js';
import { ERASED, GENESIS_HASH, replaceAt, valueAt } from './hashing.js';
import { prepareEvent } from './internal/prepare.js';
import { DEFAULT_REDACT_FIELDS, type FieldPattern, fieldMatcher } from './redaction.js';
import type { AuditStore, ChainSummary, Checkpoint } from './store.js';
import { type VerifyOptions, type VerifyResult, verifyChain } from './verify.js';

/**
 * Personal field names committed through salted hashes by default (matched exactly, case-insensitively, ignoring `_`/`-`).
 *
 * @example
 * ```ts
 * import { createAuditLog, DEFAULT_PERSONAL_FIELDS, memoryAuditStore } from '@portalkit/audit';
 *
 * createAuditLog({ store: memoryAuditStore(), personalFields: [...DEFAULT_PERSONAL_FIELDS, 'iban'] });
 * ```
 */
export const DEFAULT_PERSONAL_FIELDS: readonly string[] = [
  'email',
  'name',
  'firstName',
  'lastName',
  'fullName',
  'displayName',
  'phone',
  'phoneNumber',
  'address',
  'ip',
  'userAgent',
  'birthDate',
];

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions<Tx> {
  /** Where events go: `memoryAuditStore()`, `kyselyAuditStore(db)`, `mongoAuditStore(db)`. */
  store: AuditStore<Tx>;
  /** Field names (any depth of `before`/`after`) replaced by `[REDACTED]` before storing or hashing. @default DEFAULT_REDACT_FIELDS */
  redactFields?: readonly FieldPattern[];
  /** Field names in `before`/`after` holding personal data (committed through a salted hash, erasable). @default DEFAULT_PERSONAL_FIELDS */
  personalFields?: readonly FieldPattern[];
  /** Resource types that are people: their id is a GDPR subject of the event. @default ['user'] */
  personResourceTypes?: readonly string[];
  /**
   * Buffer events in memory and write them in batches (`record()` resolves once queued).
   * `false` writes each `record()` before it resolves.
   * @default false
   */
  buffer?: BufferOptions | false;
  /** Ed25519 keys for checkpoints (needed by `checkpoint()` and `purge()`; public keys for `verify()`). @default undefined */
  checkpoints?: CheckpointKeys;
  /** Logger for drops and write failures (pino-compatible). @default console */
  logger?: AuditLogger;
  /** Clock. @default () => new Date() */
  now?: () => Date;
}

/** Filters of {@link AuditLog.query} and {@link AuditLog.export}. */
export interface AuditQuery {
  /** Tenant whose trail to read (`null`: platform trail). */
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
  /** Only events at or before this time. */
  to?: Date;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
  /** Page size, 1..1000. @default 50 */
  limit?: number;
}

/** A page of events, newest first. */
export interface AuditPage {
  /** Events, newest first. */
  items: AuditEvent[];
  /** Pass as `cursor` for the next (older) page; `null` on the last page. */
  nextCursor: string | null;
}

/** Options of {@link AuditLog.purge}. */
export interface PurgeOptions {
  /** Chain to purge (`null`: platform). */
  tenantId: string | null;
  /** Delete events older than this many days. */
  olderThanDays?: number;
  /** Or: delete events that occurred before this time. */
  before?: Date;
}

/** Result of {@link AuditLog.purge}. */
export interface PurgeResult {
  /** Events deleted. */
  deleted: number;
  /** The retention checkpoint left at the last deleted event (`null` when nothing was old enough). */
  checkpoint: Checkpoint | null;
}

/** One chain's result in {@link AuditLog.purgeAll}. */
export interface ChainPurgeResult extends PurgeResult {
  /** The chain's tenant; `null` for the platform trail. */
  tenantId: string | null;
}

/**
 * Options of {@link AuditLog.purgeChain}.
 *
 * @example
 * ```ts
 * // The chain was found broken and investigated (exported, reported): delete it anyway.
 * await audit.purgeChain('t_8f2c', { verify: false } satisfies PurgeChainOptions);
 * ```
 */
export interface PurgeChainOptions {
  /**
   * Verify the whole chain first and refuse with `chain_broken` when it was tampered with (the
   * evidence would go with it). `false` deletes a broken chain too, e.g. one left partly deleted
   * by a failure half-way on MongoDB.
   * @default true
   */
  verify?: boolean;
}

/**
 * Result of {@link AuditLog.purgeChain}: what the chain was when it was deleted. It holds no
 * personal data; log or keep it as the record that the trail existed and was closed.
 *
 * @example
 * ```ts
 * const { tenantId, deleted, seq, headHash } = await audit.purgeChain('t_8f2c');
 * logger.info({ tenantId, deleted, seq, headHash }, 'audit trail of a deleted tenant purged');
 * ```
 */
export interface PurgedChain {
  /** The chain's tenant. */
  tenantId: string | null;
  /** Events deleted (fewer than `seq` when retention had already purged older ones). */
  deleted: number;
  /** Seq of the chain head when it was deleted (0 when the chain did not exist). */
  seq: number;
  /** Hash of the chain head when it was deleted (64 zeros when the chain did not exist). */
  headHash: string;
}

/** Result of {@link AuditLog.eraseSubject}. */
export interface ErasureResult {
  /** The pseudonym that replaced the person's id in every event. */
  pseudonym: string;
  /** Events rewritten. */
  events: number;
}

/** The audit trail: record, query, export, verify, checkpoint, purge, erase. */
export interface AuditLog<Tx = never> {
  /**
   * Records one event. Actor, tenant, IP, user agent and request id come from the current
   * {@link runWithAuditContext} scope unless given. Resolves with the event id once written
   * (unbuffered) or queued (buffered).
   */
  record(input: RecordInput): Promise<string>;
  /** Records several events (e.g. one per resource of a bulk change) in one write. */
  recordMany(inputs: readonly RecordInput[]): Promise<string[]>;
  /** Appends inside the caller's transaction (Kysely transaction / Mongo session): it commits or rolls back with the change. */
  recordWithin(tx: Tx, input: RecordInput | readonly RecordInput[]): Promise<AuditEvent[]>;
  /** A page of events, newest first. Flushes the buffer first (read-your-writes in this process). */
  query(query: AuditQuery): Promise<AuditPage>;
  /** Streams every matching event (newest first) as CSV or NDJSON text chunks. */
  export(query: Omit<AuditQuery, 'cursor' | 'limit'> & { format: ExportFormat }): AsyncGenerator<string>;
  /** {@link AuditLog.export} as a Node.js `Readable` (for `pipe(res)`). */
  exportReadable(query: Omit<AuditQuery, 'cursor' | 'limit'> & { format: ExportFormat }): Readable;
  /** {@link AuditLog.export} as a web `ReadableStream` of UTF-8 bytes (for `new Response(stream)`). */
  exportWebStream(query: Omit<AuditQuery, 'cursor' | 'limit'> & { format: ExportFormat }): ReadableStream<Uint8Array>;
  /** Checks a chain (or a time window of it) and its checkpoints. */
  verify(options: VerifyOptions): Promise<VerifyResult>;
  /** Signs and stores a checkpoint at a chain's head; `null` when the chain is empty. */
  checkpoint(tenantId: string | null): Promise<Checkpoint | null>;
  /** Checkpoints every chain whose head moved since its last checkpoint. Returns the new checkpoints. */
  checkpointAll(): Promise<Checkpoint[]>;
  /** Deletes old events of a chain after verifying them, leaving a signed retention checkpoint so `verify` holds for the rest. */
  purge(options: PurgeOptions): Promise<PurgeResult>;
  /** {@link AuditLog.purge} for every chain (a retention cron job); returns the chains where events were deleted. */
  purgeAll(options: Omit<PurgeOptions, 'tenantId'>): Promise<ChainPurgeResult[]>;
  /**
   * Every chain that has a head (one per tenant with events, plus the platform's), ascending tenant
   * id with the platform chain first, each with its head and the time of its newest stored event.
   * With `idleBefore`, only chains whose newest stored event occurred before that time (and chains
   * whose events retention purged). Flushes the buffer first.
   */
  chains(options?: { idleBefore?: Date }): AsyncGenerator<ChainSummary>;
  /**
   * Deletes a whole chain: every event, every checkpoint and the head, after verifying it (see
   * {@link PurgeChainOptions.verify}). Nothing of the trail remains: `verify` then reports an
   * empty, valid chain, and a later event for that tenant starts a new chain at seq 1. Meant for
   * the trail of a deleted tenant once its export window is over. `conflict` when an event was
   * appended meanwhile. Do not run it at the same time as {@link AuditLog.purge} on the same chain.
   */
  purgeChain(tenantId: string | null, options?: PurgeChainOptions): Promise<PurgedChain>;
  /** Every event by or about a person, across tenants (oldest first), for a GDPR access request. */
  exportSubject(subjectId: string): AsyncGenerator<AuditEvent>;
  /** Pseudonymizes a person's personal values in every event, destroying their commitment salts; `verify` still holds. */
  eraseSubject(subjectId: string): Promise<ErasureResult>;
  /** Writes every buffered event now. */
  flush(): Promise<void>;
  /**
   * Stops accepting events (`record()` then rejects with `closed`) and stops the checkpoint timer,
   * then makes one final attempt to write the buffer: it waits for a write in flight and writes
   * what is queued once, without retry or backoff. Whatever happens, no timer or retry is left
   * running once it settles. Rejects with `store_failed` when events could not be written (the
   * message says how many, never what; the store's error is the `cause`): they are discarded and
   * counted in `stats().unwritten`. Idempotent: a second call returns the same promise.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', async () => {
   *   try {
   *     await audit.close();
   *   } catch (error) {
   *     // e.g. "[portalkit/audit] close(): 3 audit events were not written: ..."
   *     logger.error({ err: error, unwritten: audit.stats().unwritten }, 'audit events lost at shutdown');
   *     process.exitCode = 1;
   *   }
   * });
   * ```
   */
  close(): Promise<void>;
  /** Buffer counters (zeros when unbuffered). */
  stats(): BufferStats;
}

const consoleLogger: AuditLogger = {
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};

// What erased values become: defined next to the check that verify makes of erased entries.
export { ERASED };

function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new AuditError('invalid_cursor', 'the cursor is not one this API returned (pass nextCursor unchanged)');
  return Number(m[1]);
}

/**
 * Creates the audit trail over a store.
 *
 * @example
 * ```ts
 * import { createAuditLog, memoryAuditStore, runWithAuditContext } from '@portalkit/audit';
 *
 * const audit = createAuditLog({ store: memoryAuditStore() });
 * await runWithAuditContext({ tenantId: 't1', actor: { type: 'user', id: 'u1' }, ip: '203.0.113.9' }, () =>
 *   audit.record({ action: 'file.deleted', resource: { type: 'file', id: 'f1' }, before: { name: 'a.pdf' } }),
 * );
 * const { items } = await audit.query({ tenantId: 't1' });
 * console.log(await audit.verify({ tenantId: 't1' })); // { valid: true, count: 1, headHash: '…' }
 * ```
 */
export function createAuditLog<Tx = never>(options: AuditLogOptions<Tx>): AuditLog<Tx> {
  const { store } = options;
  const logger = options.logger ?? consoleLogger;
  const now = options.now ?? (() => new Date());
  const prepareOptions = {
    redact: fieldMatcher(options.redactFields ?? DEFAULT_REDACT_FIELDS, 'contains'),
    personal: fieldMatcher(options.personalFields ?? DEFAULT_PERSONAL_FIELDS, 'exact'),
    personResourceTypes: new Set(options.personResourceTypes ?? ['user']),
    now,
  };
  const signer = createCheckpointSigner(options.checkpoints);
  const writer = options.buffer
    ? new BufferedWriter((events) => store.append(events), logger, options.buffer, store.appendConcurrency ?? 1)
    : null;
  let closed = false;
  let checkpointTimer: NodeJS.Timeout | null = null;

  const prepare = (input: RecordInput): PreparedEvent => prepareEvent(input, prepareOptions);
  const wrapStore = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof AuditError) throw error;
      throw new AuditError(
        'store_failed',
        `${what} failed in the audit store (check the database connection and migrations)`,
        { cause: error },
      );
    }
  };
  const flush = async () => {
    if (writer) await writer.flush();
  };

  async function* pages(query: Omit<AuditQuery, 'cursor' | 'limit'>): AsyncGenerator<AuditEvent[]> {
    await flush();
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await wrapStore('export', () =>
        store.query({ ...filters(query), limit: 500, ...(beforeSeq === undefined ? {} : { beforeSeq }) }),
      );
      if (page.length > 0) yield page;
      if (page.length < 500) return;
      beforeSeq = page[page.length - 1]!.seq;
    }
  }

  const log: AuditLog<Tx> = {
    async record(input) {
      if (closed) throw new AuditError('closed', 'the audit log is closed');
      const event = prepare(input);
      if (writer) await writer.enqueue(event);
      else await wrapStore('append', () => store.append([event]));
      return event.id;
    },

    async recordMany(inputs) {
      if (closed) throw new AuditError('closed', 'the audit log is closed');
      const events = inputs.map(prepare);
      if (writer) for (const e of events) await writer.enqueue(e);
      else if (events.length > 0) await wrapStore('append', () => store.append(events));
      return events.map((e) => e.id);
    },

    async recordWithin(tx, input) {
      const inputs = Array.isArray(input) ? (input as readonly RecordInput[]) : [input as RecordInput];
      const events = inputs.map(prepare);
      return wrapStore('append', () => store.append(events, { within: tx }));
    },

    async query(query) {
      const limit = query.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new AuditError('invalid_query', 'limit must be an integer from 1 to 1000');
      }
      const beforeSeq = query.cursor ? decodeCursor(query.cursor) : undefined;
      await flush();
      const items = await wrapStore('query', () =>
        store.query({ ...filters(query), limit: limit + 1, ...(beforeSeq === undefined ? {} : { beforeSeq }) }),
      );
      const more = items.length > limit;
      if (more) items.length = limit;
      return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.seq) : null };
    },

    export(query) {
      return formatEvents(pages(query), query.format);
    },

    exportReadable(query) {
      return Readable.from(log.export(query), { objectMode: false });
    },

    exportWebStream(query) {
      const it = log.export(query);
      const encoder = new TextEncoder();
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await it.next();
          if (done) controller.close();
          else controller.enqueue(encoder.encode(value));
        },
        async cancel() {
          await it.return(undefined);
        },
      });
    },

    async verify(verifyOptions) {
      await flush();
      return wrapStore('verify', () => verifyChain(store as AuditStore<unknown>, signer, verifyOptions));
    },

    async checkpoint(tenantId) {
      if (!signer.canSign) signer.sign({ tenantId, seq: 0, headHash: '', signedAt: '', kind: 'periodic' });
      await flush();
      const head = await wrapStore('checkpoint', () => store.head(tenantId));
      if (!head || head.seq === 0) return null;
      const cp = signer.sign({
        tenantId,
        seq: head.seq,
        headHash: head.hash,
        signedAt: now().toISOString(),
        kind: 'periodic',
      });
      await wrapStore('checkpoint', () => store.saveCheckpoint(cp));
      return cp;
    },

    async checkpointAll() {
      await flush();
      const out: Checkpoint[] = [];
      for (const head of await wrapStore('checkpoint', () => store.heads())) {
        const cps = await store.checkpoints(head.tenantId);
        if (cps.some((c) => c.seq >= head.seq)) continue;
        const cp = await log.checkpoint(head.tenantId);
        if (cp) out.push(cp);
      }
      return out;
    },

    async purge({ tenantId, olderThanDays, before }) {
      if (!signer.canSign) signer.sign({ tenantId, seq: 0, headHash: '', signedAt: '', kind: 'retention' });
      const cutoff =
        before ?? (olderThanDays !== undefined ? new Date(now().getTime() - olderThanDays * 86_400_000) : undefined);
      if (!cutoff || Number.isNaN(cutoff.getTime()) || (olderThanDays !== undefined && !(olderThanDays >= 0))) {
        throw new AuditError('invalid_query', 'purge() needs olderThanDays (a number >= 0) or before (a Date)');
      }
      await flush();
      const boundary = await wrapStore('purge', () => store.retentionBoundary(tenantId, cutoff));
      if (!boundary) return { deleted: 0, checkpoint: null };
      // Never launder tampering: the part about to disappear must verify first.
      const check = await verifyChain(store as AuditStore<unknown>, signer, {
        tenantId,
        to: new Date(Date.parse(boundary.occurredAt)),
      });
      if (!check.valid) {
        throw new AuditError(
          'chain_broken',
          `refusing to purge: the chain is broken at seq ${check.seq} (${check.reason}); investigate with verify()`,
        );
      }
      const anchor = signer.sign({
        tenantId,
        seq: boundary.seq,
        headHash: boundary.hash,
        signedAt: now().toISOString(),
        kind: 'retention',
      });
      const deleted = await wrapStore('purge', () => store.purge(tenantId, boundary.seq, anchor));
      return { deleted, checkpoint: anchor };
    },

    async purgeAll(purgeOptions) {
      const out: Array<PurgeResult & { tenantId: string | null }> = [];
      for (const head of await wrapStore('purge', () => store.heads())) {
        const result = await log.purge({ ...purgeOptions, tenantId: head.tenantId });
        if (result.deleted > 0) out.push({ tenantId: head.tenantId, ...result });
      }
      return out;
    },

    async *chains(options = {}) {
      const { idleBefore } = options;
      if (idleBefore !== undefined && (!(idleBefore instanceof Date) || Number.isNaN(idleBefore.getTime()))) {
        throw new AuditError('invalid_query', 'chains() needs idleBefore to be a valid Date');
      }
      await flush();
      let after: string | null | undefined;
      for (;;) {
        const page = await wrapStore('chains', () =>
          store.chains({
            limit: 500,
            ...(idleBefore ? { idleBefore } : {}),
            ...(after === undefined ? {} : { after }),
          }),
        );
        yield* page;
        if (page.length < 500) return;
        after = page[page.length - 1]!.tenantId;
      }
    },

    async purgeChain(tenantId, purgeOptions = {}) {
      if (tenantId === undefined) {
        throw new AuditError('invalid_query', 'purgeChain() needs the tenant id (null for the platform trail)');
      }
      await flush();
      const head = await wrapStore('purgeChain', () => store.head(tenantId));
      if (!head) return { tenantId, deleted: 0, seq: 0, headHash: GENESIS_HASH };
      if (purgeOptions.verify !== false) {
        // Never destroy evidence of tampering unnoticed: the chain must verify up to this head.
        const check = await wrapStore('purgeChain', () =>
          verifyChain(store as AuditStore<unknown>, signer, { tenantId }),
        );
        if (!check.valid) {
          throw new AuditError(
            'chain_broken',
            `refusing to purge the chain: it is broken at seq ${check.seq} (${check.reason}); investigate with verify(), then purgeChain(tenantId, { verify: false })`,
          );
        }
        if (check.headHash !== head.hash) throw moved(tenantId);
      }
      const deleted = await wrapStore('purgeChain', () => store.deleteChain(tenantId, head.seq));
      if (deleted === null) throw moved(tenantId);
      return { tenantId, deleted, seq: head.seq, headHash: head.hash };
    },

    async *exportSubject(subjectId) {
      await flush();
      let afterId: string | undefined;
      for (;;) {
        const page = await wrapStore('exportSubject', () =>
          store.bySubject(subjectId, { limit: 500, ...(afterId ? { afterId } : {}) }),
        );
        yield* page;
        if (page.length < 500) return;
        afterId = page[page.length - 1]!.id;
      }
    },

    async eraseSubject(subjectId) {
      if (!subjectId) throw new AuditError('invalid_query', 'eraseSubject() needs the person id');
      await flush();
      const pseudonym = `erased:${randomBytes(12).toString('base64url')}`;
      let events = 0;
      for (;;) {
        // Rewritten events no longer list the subject, so always read the first page.
        const page = await wrapStore('eraseSubject', () => store.bySubject(subjectId, { limit: 200 }));
        if (page.length === 0) break;
        await wrapStore('eraseSubject', () => store.rewritePersonal(page.map((e) => erase(e, subjectId, pseudonym))));
        events += page.length;
      }
      return { pseudonym, events };
    },

    flush,

    close() {
      closed = true;
      if (checkpointTimer) clearInterval(checkpointTimer);
      checkpointTimer = null;
      return writer ? writer.close() : Promise.resolve();
    },

    stats() {
      return writer ? writer.stats() : { pending: 0, written: 0, dropped: 0, failedWrites: 0, unwritten: 0 };
    },
  };
  const interval = options.checkpoints?.intervalMs;
  if (interval && signer.canSign) {
    checkpointTimer = setInterval(() => {
      log
        .checkpointAll()
        .catch((error: unknown) =>
          logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            '[portalkit/audit] periodic checkpoint failed',
          ),
        );
    }, interval);
    checkpointTimer.unref();
  }
  return log;
}

function moved(tenantId: string | null): AuditError {
  return new AuditError(
    'conflict',
    `the chain of ${tenantId === null ? 'the platform' : `tenant "${tenantId}"`} moved while being purged (an event was appended); nothing was deleted, retry`,
  );
}

function filters(q: Omit<AuditQuery, 'cursor' | 'limit'>) {
  if (q.tenantId === undefined)
    throw new AuditError('invalid_query', 'tenantId is required (null for the platform trail)');
  for (const d of [q.from, q.to]) {
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime()))) {
      throw new AuditError('invalid_query', 'from/to must be valid Dates');
    }
  }
  const out: {
    tenantId: string | null;
    actorId?: string;
    action?: string;
    resourceType?: string;
    resourceId?: string;
    from?: Date;
    to?: Date;
  } = {
    tenantId: q.tenantId,
  };
  if (q.actorId !== undefined) out.actorId = q.actorId;
  if (q.action !== undefined) out.action = q.action;
  if (q.resourceType !== undefined) out.resourceType = q.resourceType;
  if (q.resourceId !== undefined) out.resourceId = q.resourceId;
  if (q.from !== undefined) out.from = q.from;
  if (q.to !== undefined) out.to = q.to;
  return out;
}

/** The event with the subject's personal values pseudonymized and their salts destroyed. */
function erase(event: AuditEvent, subjectId: string, pseudonym: string): AuditEvent {
  let root = event as unknown as JsonValue;
  const personal: PersonalEntry[] = event.personal.map((p) => {
    if (p.subject !== subjectId) return p;
    const isId = p.path.length === 2 && (p.path[0] === 'actor' || p.path[0] === 'resource') && p.path[1] === 'id';
    if (valueAt(root, p.path) !== undefined) root = replaceAt(root, p.path, isId ? pseudonym : ERASED);
    return { path: p.path, subject: pseudonym, salt: null, commitment: p.commitment };
  });
  const out = { ...(root as unknown as AuditEvent), personal };
  out.subjects = event.subjects.map((s) => (s === subjectId ? pseudonym : s));
  return out;
}
