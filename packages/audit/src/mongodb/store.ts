import type { ClientSession, Collection, Db, Document, Filter } from 'mongodb';
import { AuditError } from '../errors.js';
import type { AuditEvent, PreparedEvent } from '../event.js';
import { GENESIS_HASH } from '../hashing.js';
import { chainKey, dedupe, groupByChain, link, tenantOf } from '../internal/chain.js';
import type { AuditStore, ChainHead, ChainSummary, Checkpoint, StoreQuery } from '../store.js';
import { uuidv7 } from '../uuid-v7.js';

/** Options of {@link mongoAuditStore}. */
export interface MongoAuditStoreOptions {
  /** How long a writer may hold a chain's lease before another writer may take it over, in ms. @default 30000 */
  leaseMs?: number;
  /** How long a writer waits for a busy chain before failing with `conflict`, in ms. @default 30000 */
  lockTimeoutMs?: number;
}

/** The MongoDB store, plus {@link MongoAuditStore.ensureIndexes}. */
export interface MongoAuditStore extends AuditStore<ClientSession> {
  /** Creates the collections' indexes (idempotent). Call once at start-up. */
  ensureIndexes(): Promise<void>;
}

interface HeadDoc {
  chainKey: string;
  tenantId: string | null;
  seq: number;
  hash: string;
  lockedBy: string | null;
  lockedUntil: Date;
}

/**
 * Maps a MongoDB driver error to an {@link AuditError}: duplicate key (11000) and write conflict
 * (112) become `conflict` (a concurrent writer won: retry), anything else `store_failed`.
 *
 * @example
 * ```ts
 * import { mapMongoError } from '@portalkit/audit/mongodb';
 *
 * try { await op(); } catch (e) { throw mapMongoError(e, 'append'); }
 * ```
 */
export function mapMongoError(error: unknown, what: string): AuditError {
  if (error instanceof AuditError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 11000 || code === 112) {
    return new AuditError('conflict', `${what}: a concurrent audit writer won the race (retry the operation)`, {
      cause: error,
    });
  }
  return new AuditError('store_failed', `${what} failed in MongoDB (check the connection and ensureIndexes())`, {
    cause: error,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function toDoc(e: AuditEvent): Document {
  const doc: Document = {
    id: e.id,
    chainKey: chainKey(e.tenantId),
    tenantId: e.tenantId,
    seq: e.seq,
    actor: { type: e.actor.type, id: e.actor.id },
    action: e.action,
    resource: { type: e.resource.type, id: e.resource.id },
    changes: e.changes,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    occurredAt: new Date(e.occurredAt),
    subjects: e.subjects,
    personal: e.personal,
    prevHash: e.prevHash,
    hash: e.hash,
  };
  if (e.before !== undefined) doc.before = e.before;
  if (e.after !== undefined) doc.after = e.after;
  return doc;
}

function toEvent(d: Document): AuditEvent {
  const e: AuditEvent = {
    id: d.id,
    tenantId: d.tenantId ?? null,
    seq: Number(d.seq),
    actor: { type: d.actor.type, id: d.actor.id ?? null },
    action: d.action,
    resource: { type: d.resource.type, id: d.resource.id ?? null },
    changes: d.changes ?? [],
    ip: d.ip ?? null,
    userAgent: d.userAgent ?? null,
    requestId: d.requestId ?? null,
    occurredAt: new Date(d.occurredAt).toISOString(),
    subjects: d.subjects ?? [],
    personal: d.personal ?? [],
    prevHash: d.prevHash,
    hash: d.hash,
  };
  if (d.before !== undefined && d.before !== null) e.before = d.before;
  if (d.after !== undefined && d.after !== null) e.after = d.after;
  return e;
}

function toCheckpoint(d: Document): Checkpoint {
  return {
    tenantId: d.tenantId ?? null,
    seq: Number(d.seq),
    headHash: d.headHash,
    signedAt: d.signedAt,
    keyId: d.keyId,
    kind: d.kind,
    signature: d.signature,
  };
}

/**
 * An {@link AuditStore} on MongoDB (official driver, v6 API). Writers serialize per chain through
 * a lease on the chain's document in `audit_chain_heads` (taken with an atomic
 * `findOneAndUpdate`), and the unique `{ chainKey, seq }` index rejects any fork on a real
 * MongoDB. Pass a `ClientSession` with an open transaction as `append(events, { within: session })`
 * (or `audit.recordWithin(session, ...)`) to make the events part of your transaction. Collections:
 * `audit_events`, `audit_chain_heads`, `audit_checkpoints`.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { createAuditLog } from '@portalkit/audit';
 * import { mongoAuditStore } from '@portalkit/audit/mongodb';
 *
 * const client = await new MongoClient(process.env.MONGODB_URL!).connect();
 * const store = mongoAuditStore(client.db('app'));
 * await store.ensureIndexes();
 * const audit = createAuditLog({ store });
 * ```
 */
export function mongoAuditStore(db: Db, options: MongoAuditStoreOptions = {}): MongoAuditStore {
  const events: Collection<Document> = db.collection('audit_events');
  const heads: Collection<HeadDoc> = db.collection<HeadDoc>('audit_chain_heads');
  const checkpoints: Collection<Document> = db.collection('audit_checkpoints');
  const leaseMs = options.leaseMs ?? 30_000;
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000;

  async function acquire(
    key: string,
    session: ClientSession | undefined,
  ): Promise<{ token: string; seq: number; hash: string }> {
    const token = uuidv7();
    const started = Date.now();
    let delay = 2;
    for (;;) {
      try {
        await heads.updateOne(
          { chainKey: key },
          {
            $setOnInsert: {
              chainKey: key,
              tenantId: tenantOf(key),
              seq: 0,
              hash: GENESIS_HASH,
              lockedBy: null,
              lockedUntil: new Date(0),
            },
          },
          { upsert: true, ...(session ? { session } : {}) },
        );
      } catch (error) {
        if ((error as { code?: unknown }).code !== 11000) throw error; // a concurrent upsert created it
      }
      const now = new Date();
      const doc = await heads.findOneAndUpdate(
        { chainKey: key, $or: [{ lockedBy: null }, { lockedUntil: { $lt: now } }] },
        { $set: { lockedBy: token, lockedUntil: new Date(now.getTime() + leaseMs) } },
        { returnDocument: 'after', ...(session ? { session } : {}) },
      );
      if (doc) return { token, seq: Number(doc.seq), hash: doc.hash };
      if (Date.now() - started > lockTimeoutMs) {
        throw new AuditError(
          'conflict',
          `chain "${key || '(platform)'}" stayed locked for ${lockTimeoutMs} ms (another writer is stuck; retry later)`,
        );
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 50);
    }
  }

  async function appendIn(list: readonly PreparedEvent[], session: ClientSession | undefined): Promise<AuditEvent[]> {
    const s = session ? { session } : {};
    const stored: AuditEvent[] = [];
    for (const [key, group] of groupByChain(dedupe(list))) {
      const lock = await acquire(key, session);
      let inserted: AuditEvent[] = [];
      try {
        const existing = new Set(
          (await events.find({ id: { $in: group.map((e) => e.id) } }, { projection: { id: 1 }, ...s }).toArray()).map(
            (d) => d.id as string,
          ),
        );
        const fresh = group.filter((e) => !existing.has(e.id));
        let seq = lock.seq;
        let hash = lock.hash;
        if (fresh.length > 0) {
          const linked = link(fresh, lock.seq, lock.hash);
          await events.insertMany(linked.map(toDoc), { ordered: true, ...s });
          inserted = linked;
          const last = linked[linked.length - 1]!;
          seq = last.seq;
          hash = last.hash;
        }
        const released = await heads.updateOne(
          { chainKey: key, lockedBy: lock.token },
          { $set: { seq, hash, lockedBy: null, lockedUntil: new Date(0) } },
          s,
        );
        if (released.matchedCount === 0) {
          throw new AuditError(
            'conflict',
            `the lease on chain "${key || '(platform)'}" expired during the append (raise leaseMs); the batch was rolled back`,
          );
        }
        stored.push(...inserted);
      } catch (error) {
        if (!session && inserted.length > 0) {
          await events.deleteMany({ id: { $in: inserted.map((e) => e.id) } }).catch(() => undefined);
        }
        if (!session) {
          await heads
            .updateOne({ chainKey: key, lockedBy: lock.token }, { $set: { lockedBy: null, lockedUntil: new Date(0) } })
            .catch(() => undefined);
        }
        throw error;
      }
    }
    return stored;
  }

  const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw mapMongoError(error, what);
    }
  };

  return {
    async ensureIndexes() {
      await wrap('ensureIndexes', async () => {
        await events.createIndexes([
          { key: { id: 1 }, name: 'audit_events_id', unique: true },
          { key: { chainKey: 1, seq: 1 }, name: 'audit_events_chain_seq', unique: true },
          { key: { chainKey: 1, 'actor.id': 1, seq: -1 }, name: 'audit_events_actor' },
          { key: { chainKey: 1, action: 1, seq: -1 }, name: 'audit_events_action' },
          { key: { chainKey: 1, 'resource.type': 1, 'resource.id': 1, seq: -1 }, name: 'audit_events_resource' },
          { key: { chainKey: 1, occurredAt: 1 }, name: 'audit_events_occurred' },
          { key: { subjects: 1, id: 1 }, name: 'audit_events_subjects' },
        ]);
        await heads.createIndex({ chainKey: 1 }, { name: 'audit_chain_heads_key', unique: true });
        await checkpoints.createIndex({ chainKey: 1, seq: 1 }, { name: 'audit_checkpoints_chain' });
      });
    },

    async append(list, appendOptions) {
      if (list.length === 0) return [];
      const session = appendOptions?.within;
      try {
        return await appendIn(list, session);
      } catch (error) {
        // Inside the caller's transaction, let withTransaction() see (and retry) transient errors.
        const labelled = error as { hasErrorLabel?: (label: string) => boolean };
        if (session && labelled.hasErrorLabel?.('TransientTransactionError')) throw error;
        throw mapMongoError(error, 'append');
      }
    },

    query(q: StoreQuery) {
      const filter: Filter<Document> = { chainKey: chainKey(q.tenantId) };
      if (q.actorId !== undefined) filter['actor.id'] = q.actorId;
      if (q.action !== undefined) filter.action = q.action;
      if (q.resourceType !== undefined) filter['resource.type'] = q.resourceType;
      if (q.resourceId !== undefined) filter['resource.id'] = q.resourceId;
      if (q.from || q.to) filter.occurredAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
      if (q.beforeSeq !== undefined) filter.seq = { $lt: q.beforeSeq };
      return wrap('query', async () =>
        (await events.find(filter).sort({ seq: -1 }).limit(q.limit).toArray()).map(toEvent),
      );
    },

    readChain(tenantId, { afterSeq, startAt, limit }) {
      const key = chainKey(tenantId);
      return wrap('readChain', async () => {
        const filter: Filter<Document> = { chainKey: key };
        if (afterSeq !== undefined) filter.seq = { $gt: afterSeq };
        if (startAt) {
          const [first] = await events
            .find({ chainKey: key, occurredAt: { $gte: startAt } })
            .sort({ seq: 1 })
            .limit(1)
            .toArray();
          if (!first) return [];
          filter.seq = { ...(filter.seq as object), $gte: first.seq };
        }
        return (await events.find(filter).sort({ seq: 1 }).limit(limit).toArray()).map(toEvent);
      });
    },

    head(tenantId) {
      return wrap('head', async () => {
        const doc = await heads.findOne({ chainKey: chainKey(tenantId) });
        return doc && doc.seq > 0 ? { tenantId, seq: Number(doc.seq), hash: doc.hash } : null;
      });
    },

    heads() {
      return wrap('heads', async () =>
        (await heads.find({ seq: { $gt: 0 } }).toArray()).map(
          (d): ChainHead => ({ tenantId: tenantOf(d.chainKey), seq: Number(d.seq), hash: d.hash }),
        ),
      );
    },

    saveCheckpoint(cp) {
      return wrap('saveCheckpoint', async () => {
        await checkpoints.insertOne({ ...cp, chainKey: chainKey(cp.tenantId) });
      });
    },

    checkpoints(tenantId) {
      return wrap('checkpoints', async () =>
        (
          await checkpoints
            .find({ chainKey: chainKey(tenantId) })
            .sort({ seq: 1, _id: 1 })
            .toArray()
        ).map(toCheckpoint),
      );
    },

    retentionBoundary(tenantId, cutoff) {
      const key = chainKey(tenantId);
      return wrap('retentionBoundary', async () => {
        const [firstKept] = await events
          .find({ chainKey: key, occurredAt: { $gte: cutoff } })
          .sort({ seq: 1 })
          .limit(1)
          .toArray();
        const filter: Filter<Document> = { chainKey: key, occurredAt: { $lt: cutoff } };
        if (firstKept) filter.seq = { $lt: firstKept.seq };
        const [row] = await events.find(filter).sort({ seq: -1 }).limit(1).toArray();
        return row ? toEvent(row) : null;
      });
    },

    purge(tenantId, throughSeq, anchor) {
      // The anchor goes in first: if the delete fails half-way, the chain still verifies.
      return wrap('purge', async () => {
        await checkpoints.insertOne({ ...anchor, chainKey: chainKey(tenantId) });
        const result = await events.deleteMany({ chainKey: chainKey(tenantId), seq: { $lte: throughSeq } });
        return result.deletedCount;
      });
    },

    chains({ idleBefore, after, limit }) {
      return wrap('chains', async () => {
        const out: ChainSummary[] = [];
        let cursor = after === undefined ? undefined : chainKey(after);
        // Heads in pages, one indexed look-up (chainKey, occurredAt) per head for its newest event.
        while (out.length < limit) {
          const filter: Filter<HeadDoc> = {
            seq: { $gt: 0 },
            ...(cursor === undefined ? {} : { chainKey: { $gt: cursor } }),
          };
          const page = await heads.find(filter).sort({ chainKey: 1 }).limit(limit).toArray();
          for (const head of page) {
            const [newest] = await events
              .find({ chainKey: head.chainKey }, { projection: { occurredAt: 1 } })
              .sort({ occurredAt: -1 })
              .limit(1)
              .toArray();
            const last = newest ? new Date(newest.occurredAt) : null;
            if (idleBefore && last && last.getTime() >= idleBefore.getTime()) continue;
            out.push({
              tenantId: tenantOf(head.chainKey),
              seq: Number(head.seq),
              hash: head.hash,
              lastEventAt: last ? last.toISOString() : null,
            });
            if (out.length >= limit) break;
          }
          if (page.length < limit) break;
          cursor = page[page.length - 1]!.chainKey;
        }
        return out;
      });
    },

    deleteChain(tenantId, seq) {
      const key = chainKey(tenantId);
      return wrap('deleteChain', async () => {
        // Take the chain's lease (appenders wait), check the head, then delete events, checkpoints
        // and, last, the head document with the lease. Without a transaction a failure half-way
        // leaves the chain partly deleted (verify reports it); deleteChain can be run again.
        const token = uuidv7();
        const now = new Date();
        const locked = await heads.findOneAndUpdate(
          { chainKey: key, seq, $or: [{ lockedBy: null }, { lockedUntil: { $lt: now } }] },
          { $set: { lockedBy: token, lockedUntil: new Date(now.getTime() + leaseMs) } },
          { returnDocument: 'after' },
        );
        if (!locked) {
          const head = await heads.findOne({ chainKey: key });
          if (!head || Number(head.seq) !== seq) return null;
          throw new AuditError('conflict', `chain "${key || '(platform)'}" is being written to (retry later)`);
        }
        const deleted = await events.deleteMany({ chainKey: key });
        await checkpoints.deleteMany({ chainKey: key });
        await heads.deleteOne({ chainKey: key, lockedBy: token });
        return deleted.deletedCount;
      });
    },

    bySubject(subjectId, { afterId, limit }) {
      const filter: Filter<Document> = { subjects: subjectId };
      if (afterId !== undefined) filter.id = { $gt: afterId };
      return wrap('bySubject', async () =>
        (await events.find(filter).sort({ id: 1 }).limit(limit).toArray()).map(toEvent),
      );
    },

    rewritePersonal(list) {
      return wrap('rewritePersonal', async () => {
        for (const e of list) {
          const d = toDoc(e);
          const unset: Record<string, ''> = {};
          if (e.before === undefined) unset.before = '';
          if (e.after === undefined) unset.after = '';
          await events.updateOne(
            { id: e.id },
            {
              $set: {
                'actor.id': d.actor.id,
                'resource.id': d.resource.id,
                ip: d.ip,
                userAgent: d.userAgent,
                changes: d.changes,
                subjects: d.subjects,
                personal: d.personal,
                ...(e.before !== undefined ? { before: d.before } : {}),
                ...(e.after !== undefined ? { after: d.after } : {}),
              },
              ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
            },
          );
        }
      });
    },
  };
}
