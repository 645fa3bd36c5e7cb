import { type Kysely, sql, type Transaction } from 'kysely';
import { AuditError } from '../errors.js';
import type { AuditEvent, PreparedEvent } from '../event.js';
import { GENESIS_HASH } from '../hashing.js';
import { chainKey, dedupe, groupByChain, link, tenantOf } from '../internal/chain.js';
import type { AuditStore, ChainHead, Checkpoint, StoreQuery } from '../store.js';
import { uuidv7 } from '../uuid-v7.js';

/**
 * Any Kysely instance: the caller's database type is unknown here, the audit tables are addressed by name.
 */
// biome-ignore lint/suspicious/noExplicitAny: the caller's schema type is irrelevant to the audit tables.
export type AnyKysely = Kysely<any>;
/** A transaction of {@link AnyKysely}. */
// biome-ignore lint/suspicious/noExplicitAny: same as AnyKysely.
export type AnyTransaction = Transaction<any>;
type Db = AnyKysely;
type Row = Record<string, unknown>;

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toEvent(r: Row): AuditEvent {
  const e: AuditEvent = {
    id: r.id as string,
    tenantId: (r.tenant_id as string | null) ?? null,
    seq: Number(r.seq),
    actor: { type: r.actor_type as AuditEvent['actor']['type'], id: (r.actor_id as string | null) ?? null },
    action: r.action as string,
    resource: { type: r.resource_type as string, id: (r.resource_id as string | null) ?? null },
    changes: json(r.changes),
    ip: (r.ip as string | null) ?? null,
    userAgent: (r.user_agent as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    occurredAt: new Date(r.occurred_at as string | Date).toISOString(),
    subjects: json(r.subjects),
    personal: json(r.personal),
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
  if (r.before !== null && r.before !== undefined) e.before = json(r.before);
  if (r.after !== null && r.after !== undefined) e.after = json(r.after);
  return e;
}

/** Row of `audit_events` for an event. */
export function toRow(e: AuditEvent): Row {
  return {
    id: e.id,
    chain_key: chainKey(e.tenantId),
    tenant_id: e.tenantId,
    seq: e.seq,
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    action: e.action,
    resource_type: e.resource.type,
    resource_id: e.resource.id,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
    changes: JSON.stringify(e.changes),
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    occurred_at: e.occurredAt,
    subjects: JSON.stringify(e.subjects),
    personal: JSON.stringify(e.personal),
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

/** Row for jsonb_populate_recordset: jsonb columns as JSON values, not text. */
function toJsonRow(e: AuditEvent): Row {
  return {
    id: e.id,
    chain_key: chainKey(e.tenantId),
    tenant_id: e.tenantId,
    seq: e.seq,
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    action: e.action,
    resource_type: e.resource.type,
    resource_id: e.resource.id,
    before: e.before ?? null,
    after: e.after ?? null,
    changes: e.changes,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    occurred_at: e.occurredAt,
    subjects: e.subjects,
    personal: e.personal,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
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

const INSERT_CHUNK = 1000;

async function appendIn(trx: Db, events: readonly PreparedEvent[]): Promise<AuditEvent[]> {
  const groups = groupByChain(dedupe(events));
  if (groups.size === 0) return [];
  const keys = [...groups.keys()];
  await trx
    .insertInto('audit_chain_heads')
    .values(keys.map((k) => ({ chain_key: k, tenant_id: tenantOf(k), seq: 0, hash: GENESIS_HASH })))
    .onConflict((oc) => oc.column('chain_key').doNothing())
    .execute();
  // The per-chain lock: concurrent appenders (any process) queue here until this transaction ends.
  const heads = await trx
    .selectFrom('audit_chain_heads')
    .select(['chain_key', 'seq', 'hash'])
    .where('chain_key', 'in', keys)
    .orderBy('chain_key')
    .forUpdate()
    .execute();
  const headOf = new Map(heads.map((h) => [h.chain_key as string, { seq: Number(h.seq), hash: h.hash as string }]));
  const ids = [...groups.values()].flat().map((e) => e.id);
  const existing = new Set<string>();
  const found = await trx
    .selectFrom('audit_events')
    .select('id')
    .where('id', 'in', sql<string>`(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`)
    .execute();
  for (const f of found) existing.add(f.id as string);
  const stored: AuditEvent[] = [];
  for (const [key, group] of groups) {
    const fresh = group.filter((e) => !existing.has(e.id));
    if (fresh.length === 0) continue;
    const head = headOf.get(key)!;
    const linked = link(fresh, head.seq, head.hash);
    for (let i = 0; i < linked.length; i += INSERT_CHUNK) {
      // One JSON parameter per statement: far cheaper to build, send and parse than 20 per row.
      const rows = JSON.stringify(linked.slice(i, i + INSERT_CHUNK).map(toJsonRow));
      await sql`INSERT INTO audit_events SELECT * FROM jsonb_populate_recordset(NULL::audit_events, ${rows}::jsonb)`.execute(
        trx,
      );
    }
    const last = linked[linked.length - 1]!;
    await trx
      .updateTable('audit_chain_heads')
      .set({ seq: last.seq, hash: last.hash })
      .where('chain_key', '=', key)
      .execute();
    stored.push(...linked);
  }
  return stored;
}

/**
 * An {@link AuditStore} on PostgreSQL (or PGlite) through a Kysely instance you own. Appends lock
 * the chain's row in `audit_chain_heads` (`SELECT ... FOR UPDATE`), so any number of processes can
 * write to the same tenant and the chain stays linear. Pass a Kysely transaction as
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
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * await migrateAudit(db);
 * const audit = createAuditLog({ store: kyselyAuditStore(db), buffer: { batchSize: 500 } });
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable('files').set({ deleted: true }).where('id', '=', 'f1').execute();
 *   await audit.recordWithin(trx, { action: 'file.deleted', resource: { type: 'file', id: 'f1' } });
 * });
 * ```
 */
export function kyselyAuditStore(db: AnyKysely): AuditStore<AnyTransaction> {
  return {
    async append(events, options) {
      if (events.length === 0) return [];
      if (options?.within) {
        if (!options.within.isTransaction) {
          throw new AuditError(
            'invalid_query',
            'append({ within }) needs a Kysely transaction (db.transaction().execute(trx => ...)), not the Kysely instance: the chain lock lives as long as the transaction',
          );
        }
        return appendIn(options.within, events);
      }
      return db.transaction().execute((trx) => appendIn(trx, events));
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
