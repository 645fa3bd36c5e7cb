import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import { AuditError } from '../errors.js';
import type { AuditEvent, PreparedEvent } from '../event.js';
import { GENESIS_HASH } from '../hashing.js';
import { chainKey, dedupe, groupByChain, link, tenantOf } from '../internal/chain.js';
import type { AuditStore, ChainHead, ChainSummary, Checkpoint, StoreQuery } from '../store.js';
import { uuidv7 } from '../uuid-v7.js';
import {
  type AuditPgClient,
  type AuditPgPool,
  type CopyStreamsModule,
  copyStreamsLoader,
  importCopyStreams,
} from './copy.js';
import { type PackedPersonal, readChanges, unpackPersonal } from './row-format.js';
import { COPY_COLUMNS, type Row, toCopyLine, toJsonRow, toRow } from './rows.js';

/**
 * Any Kysely instance: the caller's database type is unknown here, the audit tables are addressed by name.
 */
// biome-ignore lint/suspicious/noExplicitAny: the caller's schema type is irrelevant to the audit tables.
export type AnyKysely = Kysely<any>;
/** A transaction of {@link AnyKysely}. */
// biome-ignore lint/suspicious/noExplicitAny: same as AnyKysely.
export type AnyTransaction = Transaction<any>;
type Db = AnyKysely;

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toEvent(r: Row): AuditEvent {
  const e: AuditEvent = {
    id: r.id as string,
    tenantId: (r.tenant_id as string | null) ?? null,
    seq: Number(r.seq),
    actor: { type: r.actor_type as AuditEvent['actor']['type'], id: (r.actor_id as string | null) ?? null },
    action: r.action as string,
    resource: { type: r.resource_type as string, id: (r.resource_id as string | null) ?? null },
    changes: [],
    ip: (r.ip as string | null) ?? null,
    userAgent: (r.user_agent as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    occurredAt: new Date(r.occurred_at as string | Date).toISOString(),
    subjects: json(r.subjects),
    personal: [],
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
  if (r.before !== null && r.before !== undefined) e.before = json(r.before);
  if (r.after !== null && r.after !== undefined) e.after = json(r.after);
  e.changes = readChanges(
    (r.changes === null ? null : json(r.changes)) as AuditEvent['changes'] | null,
    e.before,
    e.after,
  );
  e.personal = unpackPersonal(json(r.personal) as PackedPersonal[], e.subjects);
  return e;
}

function toCheckpoint(r: Row): Checkpoint {
  return {
    tenantId: (r.tenant_id as string | null) ?? null,
    seq: Number(r.seq),
    headHash: r.head_hash as string,
    signedAt: r.signed_at as string,
    keyId: r.key_id as string,
    kind: r.kind as Checkpoint['kind'],
    signature: r.signature as string,
  };
}

const CHUNK = 1000;
type Head = { seq: number; hash: string };

/** How a chain's linked events are serialized: JSON arrays for the INSERT, text lines for COPY. */
type Format = 'json' | 'copy';

/** A chain's events linked after an assumed head, with the statement payload already built. */
interface Linked {
  /** The head the events were linked after. */
  after: Head;
  events: AuditEvent[];
  /** One JSON array text per INSERT statement, or COPY text lines, CHUNK rows each. */
  chunks: string[];
}

export function linkAfter(group: readonly PreparedEvent[], head: Head, format: Format): Linked {
  const events = link(group, head.seq, head.hash);
  const chunks: string[] = [];
  // One JSON parameter per statement: far cheaper to build, send and parse than 20 per row.
  for (let i = 0; i < events.length; i += CHUNK) {
    const slice = events.slice(i, i + CHUNK);
    chunks.push(format === 'json' ? JSON.stringify(slice.map(toJsonRow)) : slice.map(toCopyLine).join(''));
  }
  return { after: head, events, chunks };
}

/** Events linked between two yields of {@link linkAfterYielding}. */
const SLICE = 100;

/** Events linked since the last yield, shared by the chains of one batch. */
export interface Pacer {
  linked: number;
}

/**
 * {@link linkAfter} in slices of at most {@link SLICE} events with a turn of the event loop once
 * `pacer` counts SLICE events since the last one (the pacer is shared by the chains of a batch, so
 * many small chains yield as often as one large one): the pipelined batch is linked while the one
 * before it is in PostgreSQL, and linking 1000 events in one go (tens of ms) held up that batch's
 * round trips (measured: the writer sat idle).
 */
export async function linkAfterYielding(
  group: readonly PreparedEvent[],
  head: Head,
  format: Format,
  pacer: Pacer = { linked: 0 },
): Promise<Linked> {
  const events: AuditEvent[] = [];
  const chunks: string[] = [];
  let tail = head;
  for (let i = 0; i < group.length; i += CHUNK) {
    let chunk = '';
    const rows: unknown[] = [];
    for (let j = i; j < Math.min(group.length, i + CHUNK); j += SLICE) {
      if (pacer.linked >= SLICE) {
        pacer.linked = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const slice = link(group.slice(j, Math.min(j + SLICE, i + CHUNK, group.length)), tail.seq, tail.hash);
      pacer.linked += slice.length;
      for (const e of slice) {
        events.push(e);
        if (format === 'json') rows.push(toJsonRow(e));
        else chunk += toCopyLine(e);
      }
      const last = slice[slice.length - 1];
      if (last) tail = { seq: last.seq, hash: last.hash };
    }
    chunks.push(format === 'json' ? JSON.stringify(rows) : chunk);
  }
  return { after: head, events, chunks };
}

const lastOf = (l: Linked) => {
  const last = l.events[l.events.length - 1];
  return last ? { seq: last.seq, hash: last.hash } : l.after;
};

/**
 * Creates the chains' head rows that do not exist yet and locks them all, in key order, with ONE
 * statement: the no-op `DO UPDATE` takes the row lock (`FOR UPDATE` strength) and returns the head.
 * Concurrent appenders (any process) queue here until this transaction ends.
 */
const LOCK_HEADS = `INSERT INTO audit_chain_heads (chain_key, tenant_id, seq, hash)
    SELECT k, NULLIF(k, ''), 0, $2 FROM unnest($1::text[]) WITH ORDINALITY AS t(k, o) ORDER BY o
    ON CONFLICT (chain_key) DO UPDATE SET seq = audit_chain_heads.seq
    RETURNING chain_key, seq, hash`;
const STORED_IDS = 'SELECT id FROM audit_events WHERE id = ANY($1::text[])';
const SET_HEADS = `UPDATE audit_chain_heads h SET seq = t.seq, hash = t.hash
    FROM unnest($1::text[], $2::bigint[], $3::text[]) AS t(k, seq, hash) WHERE h.chain_key = t.k`;

type HeadRow = { chain_key: string; seq: string | number; hash: string };

/** The statements of one append transaction, on Kysely or on a raw node-postgres client. */
interface AppendTx {
  format: Format;
  query<R>(text: string, values: unknown[]): Promise<R[]>;
  /** Writes the rows of `linked`. */
  write(linked: Linked): Promise<void>;
}

function kyselyTx(trx: Db): AppendTx {
  return {
    format: 'json',
    async query<R>(text: string, values: unknown[]) {
      return (await trx.executeQuery<R>(CompiledQuery.raw(text, values))).rows;
    },
    async write(linked) {
      for (const rows of linked.chunks) {
        await sql`INSERT INTO audit_events SELECT * FROM jsonb_populate_recordset(NULL::audit_events, ${rows}::jsonb)`.execute(
          trx,
        );
      }
    },
  };
}

function copyTx(client: AuditPgClient, copy: CopyStreamsModule): AppendTx {
  return {
    format: 'copy',
    async query<R>(text: string, values: unknown[]) {
      return ((await client.query(text, values)) as { rows: R[] }).rows;
    },
    async write(linked) {
      const stream = client.query(copy.from(`COPY audit_events (${COPY_COLUMNS}) FROM STDIN`)) as NodeJS.WritableStream;
      await pipeline(Readable.from(linked.chunks.map((c) => Buffer.from(c))), stream);
    },
  };
}

/**
 * Appends in one transaction: one statement locks every chain head of the batch, one INSERT per
 * 1000 events (or one COPY per chain), one statement updates the heads. `prelinked` holds chains
 * already linked (and serialized) after the head this store expected; they are used when the
 * locked head is that head, else relinked. Without `checkIds` ids are not looked up first: a
 * duplicate id fails on the primary key (the caller then retries with `checkIds`).
 */
async function appendIn(
  tx: AppendTx,
  groups: Map<string, PreparedEvent[]>,
  options: {
    checkIds: boolean;
    prelinked?: Map<string, Linked>;
    /** Called once every chain is locked and linked, with the heads this append will leave. */
    onLinked?: (heads: Map<string, Head>) => void;
  },
): Promise<AuditEvent[]> {
  if (groups.size === 0) return [];
  const locked = await tx.query<HeadRow>(LOCK_HEADS, [[...groups.keys()], GENESIS_HASH]);
  const headOf = new Map(locked.map((h) => [h.chain_key, { seq: Number(h.seq), hash: h.hash }]));
  const existing = options.checkIds
    ? new Set(
        (await tx.query<{ id: string }>(STORED_IDS, [[...groups.values()].flat().map((e) => e.id)])).map((r) => r.id),
      )
    : null;
  const plan: Array<[string, Linked]> = [];
  const ends = new Map<string, Head>();
  for (const [key, group] of groups) {
    const head = headOf.get(key)!;
    const fresh = existing ? group.filter((e) => !existing.has(e.id)) : group;
    const guess = fresh === group ? options.prelinked?.get(key) : undefined;
    const linked =
      guess && guess.after.seq === head.seq && guess.after.hash === head.hash
        ? guess
        : linkAfter(fresh, head, tx.format);
    ends.set(key, lastOf(linked));
    if (fresh.length > 0) plan.push([key, linked]);
  }
  options.onLinked?.(ends);
  const stored: AuditEvent[] = [];
  for (const [, linked] of plan) {
    await tx.write(linked);
    stored.push(...linked.events);
  }
  if (plan.length > 0) {
    const heads = plan.map(([key, linked]) => [key, lastOf(linked)] as const);
    await tx.query(SET_HEADS, [heads.map(([k]) => k), heads.map(([, h]) => h.seq), heads.map(([, h]) => h.hash)]);
  }
  return stored;
}

const isDuplicateId = (error: unknown): boolean => {
  const e = error as { code?: string; constraint?: string; cause?: unknown } | null;
  if (e instanceof AuditError) return isDuplicateId(e.cause);
  return e?.code === '23505' && e.constraint === 'audit_events_pkey';
};

const SYNC_COMMIT = ['on', 'off', 'local', 'remote_write', 'remote_apply'] as const;

/**
 * Options of {@link kyselyAuditStore}.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
 * const store = kyselyAuditStore(db, { pool }); // appends with COPY (npm install pg-copy-streams)
 * ```
 */
export interface KyselyAuditStoreOptions {
  /**
   * A node-postgres `Pool` (the one behind your Kysely `PostgresDialect` is fine). With it the store
   * writes its own appends with `COPY audit_events FROM STDIN` on a pooled client, one transaction
   * per batch (lock heads, COPY, update heads, COMMIT; ROLLBACK on any error), which needs the
   * optional peer dependency `pg-copy-streams`. Without it (PGlite, other dialects) appends use
   * `INSERT ... jsonb_populate_recordset`. Appends inside your transaction (`within`) always use
   * the Kysely transaction.
   */
  pool?: AuditPgPool;
  /**
   * `SET LOCAL synchronous_commit` for the store's own append transactions (never the server's
   * setting, never your `within` transaction). `'off'` makes COMMIT return before the WAL is
   * flushed: a crash may lose the last batches (whole, the chain stays consistent), in exchange for
   * less waiting. Unset (default): the server's setting.
   */
  synchronousCommit?: (typeof SYNC_COMMIT)[number];
  /**
   * Loads `pg-copy-streams` (default: a dynamic import). For bundlers and tests; a failing loader
   * makes appends fail with `missing_dependency`.
   */
  loadCopyStreams?: () => Promise<CopyStreamsModule>;
}

/**
 * An {@link AuditStore} on PostgreSQL (or PGlite) through a Kysely instance you own. Appends lock
 * the chain's row in `audit_chain_heads` (a locking `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`),
 * so any number of processes can write to the same tenant and the chain stays linear. With the
 * buffered writer, the next batch is hashed while the previous one is written (`appendConcurrency`
 * 2; one transaction at a time, in order). With `options.pool` (a node-postgres `Pool`) the
 * store's own appends write their rows with `COPY ... FROM STDIN` (optional peer dependency
 * `pg-copy-streams`), one transaction per batch that is rolled back whole on any error (see
 * {@link KyselyAuditStoreOptions}); without it they use an INSERT. Pass a Kysely transaction as
 * `append(events, { within: trx })` (or `audit.recordWithin(trx, ...)`) to make the events part of
 * your own transaction. Run {@link migrateAudit} first.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { createAuditLog } from '@portalkit/audit';
 * import { kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
 * await migrateAudit(db);
 * const audit = createAuditLog({ store: kyselyAuditStore(db, { pool }), buffer: { flushIntervalMs: 100 } });
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable('files').set({ deleted: true }).where('id', '=', 'f1').execute();
 *   await audit.recordWithin(trx, { action: 'file.deleted', resource: { type: 'file', id: 'f1' } });
 * });
 * ```
 */
export function kyselyAuditStore(db: AnyKysely, options: KyselyAuditStoreOptions = {}): AuditStore<AnyTransaction> {
  const { pool, synchronousCommit } = options;
  if (synchronousCommit !== undefined && !SYNC_COMMIT.includes(synchronousCommit)) {
    throw new AuditError('invalid_query', `synchronousCommit must be one of ${SYNC_COMMIT.join(', ')}`);
  }
  const setLocal = synchronousCommit ? `SET LOCAL synchronous_commit TO ${synchronousCommit}` : null;
  const loadCopy = copyStreamsLoader(options.loadCopyStreams ?? importCopyStreams);
  const format: Format = pool ? 'copy' : 'json';

  /** Runs `fn` in a transaction of its own: a Kysely one, or with `pool` BEGIN/COMMIT on a pooled client. */
  async function transaction<T>(fn: (tx: AppendTx) => Promise<T>): Promise<T> {
    if (!pool) {
      return db.transaction().execute(async (trx) => {
        if (setLocal) await sql.raw(setLocal).execute(trx);
        return fn(kyselyTx(trx));
      });
    }
    const copy = await loadCopy();
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (setLocal) await client.query(setLocal);
      const result = await fn(copyTx(client, copy));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is dropped, which ends the transaction too
      }
      if (error instanceof AuditError) throw error;
      throw new AuditError(
        'store_failed',
        'the COPY append failed and was rolled back (nothing of the batch is stored)',
        {
          cause: error,
        },
      );
    } finally {
      client.release(broken);
    }
  }

  // Pipelining (see BufferedWriter): appends of this store take turns. Each waits until the one
  // before it has locked and linked its chains, then links and serializes its own events after the
  // heads that one will leave (`expected`) while that one's INSERT runs in PostgreSQL, and starts
  // its own transaction once that one has ended (one transaction at a time: measured faster than
  // two, where the second waits on the row lock). Under its lock it checks the guess (another
  // process may have appended) and relinks if it was wrong. Batches land in call order.
  const expected = new Map<string, { seq: number; hash: string }>();
  let linkedTurn: Promise<void> = Promise.resolve();
  let doneTurn: Promise<void> = Promise.resolve();

  /**
   * Links each chain of the batch after the head the batch before it will leave (`expected`), in
   * slices (see {@link linkAfterYielding}); chains without an expected head are linked under their
   * lock.
   */
  async function prelink(groups: Map<string, PreparedEvent[]>): Promise<Map<string, Linked>> {
    const prelinked = new Map<string, Linked>();
    const pacer: Pacer = { linked: 0 };
    for (const [key, events] of groups) {
      const head = expected.get(key);
      if (head) prelinked.set(key, await linkAfterYielding(events, head, format, pacer));
    }
    return prelinked;
  }

  async function appendOwn(events: readonly PreparedEvent[]): Promise<AuditEvent[]> {
    const groups = groupByChain(dedupe(events));
    const previousLinked = linkedTurn;
    const previousDone = doneTurn;
    let linked!: () => void;
    let finished!: () => void;
    linkedTurn = new Promise<void>((resolve) => {
      linked = resolve;
    });
    doneTurn = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const onLinked = (ends: Map<string, { seq: number; hash: string }>) => {
      for (const [key, head] of ends) expected.set(key, head);
      linked();
    };
    try {
      await previousLinked;
      const prelinked = await prelink(groups);
      await previousDone;
      return await transaction((tx) => appendIn(tx, groups, { checkIds: false, prelinked, onLinked }));
    } catch (error) {
      for (const key of groups.keys()) expected.delete(key);
      linked();
      if (!isDuplicateId(error)) throw error;
      // A retried batch that was stored before: look the ids up this time.
      return await transaction((tx) => appendIn(tx, groups, { checkIds: true }));
    } finally {
      linked();
      finished();
    }
  }

  return {
    appendConcurrency: 2,

    async append(events, options) {
      if (events.length === 0) return [];
      if (options?.within) {
        if (!options.within.isTransaction) {
          throw new AuditError(
            'invalid_query',
            'append({ within }) needs a Kysely transaction (db.transaction().execute(trx => ...)), not the Kysely instance: the chain lock lives as long as the transaction',
          );
        }
        const groups = groupByChain(dedupe(events));
        // The caller's transaction may still roll back: forget the expected heads of these chains.
        for (const key of groups.keys()) expected.delete(key);
        return appendIn(kyselyTx(options.within), groups, { checkIds: true });
      }
      return appendOwn(events);
    },

    async query(q: StoreQuery) {
      let query = db.selectFrom('audit_events').selectAll().where('chain_key', '=', chainKey(q.tenantId));
      if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
      if (q.action !== undefined) query = query.where('action', '=', q.action);
      if (q.resourceType !== undefined) query = query.where('resource_type', '=', q.resourceType);
      if (q.resourceId !== undefined) query = query.where('resource_id', '=', q.resourceId);
      if (q.from) query = query.where('occurred_at', '>=', q.from);
      if (q.to) query = query.where('occurred_at', '<=', q.to);
      if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
      const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
      return rows.map(toEvent);
    },

    async readChain(tenantId, { afterSeq, startAt, limit }) {
      const key = chainKey(tenantId);
      let query = db.selectFrom('audit_events').selectAll().where('chain_key', '=', key);
      if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
      if (startAt) {
        query = query.where(
          'seq',
          '>=',
          db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.min('seq').as('s'))
            .where('chain_key', '=', key)
            .where('occurred_at', '>=', startAt),
        );
      }
      const rows = await query.orderBy('seq', 'asc').limit(limit).execute();
      return rows.map(toEvent);
    },

    async head(tenantId) {
      const row = await db
        .selectFrom('audit_chain_heads')
        .select(['seq', 'hash'])
        .where('chain_key', '=', chainKey(tenantId))
        .executeTakeFirst();
      return row && Number(row.seq) > 0 ? { tenantId, seq: Number(row.seq), hash: row.hash as string } : null;
    },

    async heads() {
      const rows = await db
        .selectFrom('audit_chain_heads')
        .select(['chain_key', 'seq', 'hash'])
        .where('seq', '>', 0)
        .execute();
      return rows.map(
        (r): ChainHead => ({ tenantId: tenantOf(r.chain_key as string), seq: Number(r.seq), hash: r.hash as string }),
      );
    },

    async saveCheckpoint(cp) {
      await db.insertInto('audit_checkpoints').values(checkpointRow(cp)).execute();
    },

    async checkpoints(tenantId) {
      const rows = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('chain_key', '=', chainKey(tenantId))
        .orderBy('seq', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(toCheckpoint);
    },

    async retentionBoundary(tenantId, cutoff) {
      const key = chainKey(tenantId);
      const firstKept = await db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.min('seq').as('s'))
        .where('chain_key', '=', key)
        .where('occurred_at', '>=', cutoff)
        .executeTakeFirst();
      let query = db
        .selectFrom('audit_events')
        .selectAll()
        .where('chain_key', '=', key)
        .where('occurred_at', '<', cutoff);
      if (firstKept?.s !== null && firstKept?.s !== undefined) query = query.where('seq', '<', Number(firstKept.s));
      const row = await query.orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row ? toEvent(row) : null;
    },

    async purge(tenantId, throughSeq, anchor) {
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('audit_checkpoints').values(checkpointRow(anchor)).execute();
        const result = await trx
          .deleteFrom('audit_events')
          .where('chain_key', '=', chainKey(tenantId))
          .where('seq', '<=', throughSeq)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },

    async chains({ idleBefore, after, limit }) {
      // One index probe per head (audit_events_occurred: chain_key, occurred_at) for the newest event.
      const lastEventAt = sql<
        Date | string | null
      >`(SELECT max(e.occurred_at) FROM audit_events e WHERE e.chain_key = h.chain_key)`;
      let query = db
        .selectFrom(
          db
            .selectFrom('audit_chain_heads as h')
            .select(['h.chain_key', 'h.seq', 'h.hash', lastEventAt.as('last_event_at')])
            .where('h.seq', '>', 0)
            .$if(after !== undefined, (q) => q.where('h.chain_key', '>', chainKey(after ?? null)))
            .as('c'),
        )
        .selectAll();
      if (idleBefore) {
        query = query.where((eb) => eb.or([eb('last_event_at', 'is', null), eb('last_event_at', '<', idleBefore)]));
      }
      const rows = await query.orderBy('chain_key', 'asc').limit(limit).execute();
      return rows.map(
        (r): ChainSummary => ({
          tenantId: tenantOf(r.chain_key as string),
          seq: Number(r.seq),
          hash: r.hash as string,
          lastEventAt: r.last_event_at === null ? null : new Date(r.last_event_at as string | Date).toISOString(),
        }),
      );
    },

    async deleteChain(tenantId, seq) {
      const key = chainKey(tenantId);
      // The head row lock keeps appenders of this chain out until the chain is gone; they then
      // create a new head at seq 0. A head that moved means events arrived: delete nothing.
      const deleted = await db.transaction().execute(async (trx) => {
        const head = await trx
          .selectFrom('audit_chain_heads')
          .select('seq')
          .where('chain_key', '=', key)
          .forUpdate()
          .executeTakeFirst();
        if (!head || Number(head.seq) !== seq) return null;
        const events = await trx.deleteFrom('audit_events').where('chain_key', '=', key).executeTakeFirst();
        await trx.deleteFrom('audit_checkpoints').where('chain_key', '=', key).execute();
        await trx.deleteFrom('audit_chain_heads').where('chain_key', '=', key).execute();
        return Number(events.numDeletedRows);
      });
      expected.delete(key);
      return deleted;
    },

    async bySubject(subjectId, { afterId, limit }) {
      let query = db
        .selectFrom('audit_events')
        .selectAll()
        .where(sql<boolean>`subjects @> ${JSON.stringify([subjectId])}::jsonb`);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      const rows = await query.orderBy('id', 'asc').limit(limit).execute();
      return rows.map(toEvent);
    },

    async rewritePersonal(events) {
      await db.transaction().execute(async (trx) => {
        for (const e of events) {
          const r = toRow(e);
          await trx
            .updateTable('audit_events')
            .set({
              actor_id: r.actor_id,
              resource_id: r.resource_id,
              ip: r.ip,
              user_agent: r.user_agent,
              before: r.before,
              after: r.after,
              changes: r.changes,
              subjects: r.subjects,
              personal: r.personal,
            })
            .where('id', '=', e.id)
            .execute();
        }
      });
    },
  };
}

function checkpointRow(cp: Checkpoint): Row {
  return {
    id: uuidv7(),
    chain_key: chainKey(cp.tenantId),
    tenant_id: cp.tenantId,
    seq: cp.seq,
    head_hash: cp.headHash,
    signed_at: cp.signedAt,
    key_id: cp.keyId,
    kind: cp.kind,
    signature: cp.signature,
  };
}
