import { AuditError, createAuditLog, runWithAuditContext } from '@portalkit/audit';
import { type MongoAuditStore, mapMongoError, mongoAuditStore } from '@portalkit/audit/mongodb';
import { CONGODB_SKIP_REASON, realMongo, useMongoDatabase } from '@portalkit/test-utils';
import { type Db, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditStoreSuite } from './conformance/store-suite.js';

const mongo = useMongoDatabase();
let client: MongoClient;
let db: Db;
let store: MongoAuditStore;

beforeAll(async () => {
  client = await new MongoClient(mongo.url).connect();
  db = client.db(mongo.dbName);
  store = mongoAuditStore(db);
  await store.ensureIndexes();
});
afterAll(async () => {
  await client?.close();
});

describe('mongodb AuditStore', () => {
  runAuditStoreSuite(`mongodb (${process.env.MONGODB_URL ? 'real MongoDB' : 'CongoDB'})`, () => ({
    store,
    tamper: {
      async replaceEvent(e) {
        await db.collection('audit_events').updateOne(
          { id: e.id },
          {
            $set: {
              seq: e.seq,
              action: e.action,
              ip: e.ip,
              prevHash: e.prevHash,
              hash: e.hash,
              'actor.id': e.actor.id,
              after: e.after,
            },
          },
        );
      },
      async insertEvent(e) {
        await db
          .collection('audit_events')
          .insertOne({ ...e, chainKey: e.tenantId ?? '', occurredAt: new Date(e.occurredAt) });
      },
      async deleteEvent(id) {
        await db.collection('audit_events').deleteOne({ id });
      },
      async deleteCheckpoints(tenantId) {
        await db.collection('audit_checkpoints').deleteMany({ chainKey: tenantId ?? '' });
      },
    },
  }));

  it('keeps one gap-free chain when two clients append to one tenant at once', async () => {
    const other = await new MongoClient(mongo.url, { maxPoolSize: 2 }).connect();
    try {
      const writers = [store, mongoAuditStore(other.db(mongo.dbName))].map((s) => createAuditLog({ store: s }));
      const tenantId = 'mongo-two-writers';
      await Promise.all(
        writers.map((w, n) =>
          // Each client writes one event after the other; the two clients race each other for
          // the chain (the CongoDB test server is not made for many parallel requests per client).
          runWithAuditContext({ tenantId, actor: { type: 'system', id: null } }, async () => {
            for (let i = 0; i < 30; i++) {
              await w.record({ action: 'file.uploaded', resource: { type: 'file', id: `w${n}-${i}` } });
            }
          }),
        ),
      );
      expect(await writers[0]!.verify({ tenantId })).toMatchObject({ valid: true, count: 60 });
    } finally {
      await other.close();
    }
  });

  it.skipIf(!realMongo())(`appends inside the caller's transaction (${CONGODB_SKIP_REASON})`, async () => {
    const audit = createAuditLog({ store });
    const session = client.startSession();
    try {
      await expect(
        session.withTransaction(async () => {
          await runWithAuditContext({ tenantId: 'mongo-tx', actor: { type: 'system', id: null } }, () =>
            audit.recordWithin(session, { action: 'file.uploaded', resource: { type: 'file', id: 'f1' } }),
          );
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await audit.query({ tenantId: 'mongo-tx' })).items).toEqual([]);
    } finally {
      await session.endSession();
    }
  });

  it('maps duplicate key and write conflict driver errors to conflict, others to store_failed', () => {
    const dup = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
    const conflict = new MongoServerError({ message: 'WriteConflict', code: 112 });
    const other = new MongoServerError({ message: 'not primary', code: 10107 });
    expect(mapMongoError(dup, 'append')).toMatchObject({ code: 'conflict', cause: dup });
    expect(mapMongoError(conflict, 'append')).toMatchObject({ code: 'conflict', cause: conflict });
    expect(mapMongoError(other, 'append')).toMatchObject({ code: 'store_failed', cause: other });
    const own = new AuditError('invalid_event', 'x');
    expect(mapMongoError(own, 'append')).toBe(own);
  });
});
