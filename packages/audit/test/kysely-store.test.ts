import {
  type AuditEvent,
  createAuditLog,
  memoryAuditStore,
  type PreparedEvent,
  runWithAuditContext,
} from '@portalkit/audit';
import { type AnyKysely, kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOneThenFiveThousand, checkTwoBufferedWriters } from './conformance/kysely-checks.js';
import { sqlTamper } from './conformance/sql-tamper.js';
import { runAuditStoreSuite } from './conformance/store-suite.js';

const database = useTestDatabase();
const connect = (max = 5): AnyKysely =>
  new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max }) }) });
const pgUp = needs('postgres', 'kysely AuditStore');
let db: AnyKysely;

beforeAll(async () => {
  if (!pgUp) return;
  db = connect();
  await migrateAudit(db);
  await migrateAudit(db); // idempotent
});
afterAll(async () => {
  await db?.destroy();
});

describe.skipIf(!pgUp)('kysely AuditStore', () => {
  runAuditStoreSuite('kysely (PostgreSQL)', () => ({
    store: kyselyAuditStore(db),
    tamper: sqlTamper(db),
  }));

  it('detects a row edited with SQL (UPDATE audit_events SET before = ...)', async () => {
    const audit = createAuditLog({ store: kyselyAuditStore(db) });
    await runWithAuditContext({ tenantId: 'sql-tamper', actor: { type: 'user', id: 'u1' } }, async () => {
      for (const role of ['member', 'admin', 'owner']) {
        await audit.record({ action: 'member.role_changed', resource: { type: 'member', id: 'm1' }, after: { role } });
      }
    });
    expect(await audit.verify({ tenantId: 'sql-tamper' })).toMatchObject({ valid: true, count: 3 });
    await sql`UPDATE audit_events SET after = '{"role":"viewer"}'::jsonb WHERE chain_key = 'sql-tamper' AND seq = 2`.execute(
      db,
    );
    expect(await audit.verify({ tenantId: 'sql-tamper' })).toMatchObject({
      valid: false,
      reason: 'hash_mismatch',
      seq: 2,
    });
  });

  it('keeps one gap-free chain when two independent writers (two pools) append to one tenant at once', async () => {
    const [db1, db2] = [connect(4), connect(4)];
    try {
      const writers = [db1, db2].map((d) => createAuditLog({ store: kyselyAuditStore(d) }));
      const tenantId = 'two-writers';
      const ctx = { tenantId, actor: { type: 'system' as const, id: null } };
      const write = (w: number) =>
        runWithAuditContext(ctx, async () => {
          const jobs = [];
          for (let i = 0; i < 60; i++) {
            const input = { action: 'file.uploaded', resource: { type: 'file', id: `w${w}-${i}` } };
            // Mix single appends and small batches, several in flight per writer.
            jobs.push(
              i % 3 === 0
                ? writers[w]!.recordMany([input, { ...input, resource: { type: 'file', id: `w${w}-${i}b` } }])
                : writers[w]!.record(input),
            );
          }
          await Promise.all(jobs);
        });
      await Promise.all([write(0), write(1)]);
      const expected = 2 * (60 + 20);
      const result = await writers[0]!.verify({ tenantId });
      expect(result).toMatchObject({ valid: true, count: expected });
      const seqs = await sql<{
        seq: string;
      }>`SELECT seq FROM audit_events WHERE chain_key = ${tenantId} ORDER BY seq`.execute(db);
      expect(seqs.rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    } finally {
      await Promise.all([db1.destroy(), db2.destroy()]);
    }
  });

  it('appends inside the caller transaction: rolled back with it, committed with it', async () => {
    const audit = createAuditLog({ store: kyselyAuditStore(db) });
    await sql`CREATE TABLE IF NOT EXISTS demo_files (id text PRIMARY KEY)`.execute(db);
    const tenantId = 'tx-tenant';
    const ctx = { tenantId, actor: { type: 'user' as const, id: 'u1' } };
    await expect(
      db.transaction().execute((trx) =>
        runWithAuditContext(ctx, async () => {
          await sql`INSERT INTO demo_files (id) VALUES ('f1')`.execute(trx);
          await audit.recordWithin(trx, { action: 'file.uploaded', resource: { type: 'file', id: 'f1' } });
          throw new Error('upload failed after the audit event was written');
        }),
      ),
    ).rejects.toThrow('upload failed');
    expect((await audit.query({ tenantId })).items).toEqual([]);
    expect(await kyselyAuditStore(db).head(tenantId)).toBeNull();

    const [stored] = await db.transaction().execute((trx) =>
      runWithAuditContext(ctx, async () => {
        await sql`INSERT INTO demo_files (id) VALUES ('f1')`.execute(trx);
        return audit.recordWithin(trx, { action: 'file.uploaded', resource: { type: 'file', id: 'f1' } });
      }),
    );
    expect(stored).toMatchObject({ seq: 1, tenantId });
    await expect(
      runWithAuditContext(ctx, () =>
        audit.recordWithin(db as never, { action: 'file.deleted', resource: { type: 'file', id: 'f1' } }),
      ),
    ).rejects.toMatchObject({ code: 'invalid_query' });
    expect((await audit.query({ tenantId })).items.map((e) => e.id)).toEqual([stored!.id]);
    expect((await audit.verify({ tenantId })).valid).toBe(true);
  });

  it('stores odd values through the bulk insert: nulls, unicode, escapes, large JSON', async () => {
    const store = kyselyAuditStore(db);
    const audit = createAuditLog({ store, buffer: { flushIntervalMs: 60_000 } });
    const tenantId = 'odd-values';
    const big = { rows: Array.from({ length: 5000 }, (_, i) => ({ i, text: `línea ${i} \u2028 "q" \\ 😀` })) };
    const inputs = [
      { action: 'file.uploaded', resource: { type: 'file', id: null }, actor: { type: 'system' as const, id: null } },
      {
        action: 'file.renamed',
        resource: { type: 'file', id: 'ファイル\t1' },
        before: { name: 'a\nb', nested: { n: null, arr: [null, -0, 1e21, 0.1] } },
        after: { name: '日本語 😀 \ud83d\ude00', nested: { n: 'x', arr: [] } },
        ip: null,
        userAgent: 'UA with "quotes" and \\ backslash',
      },
      { action: 'file.imported', resource: { type: 'file', id: 'big' }, after: big },
    ];
    await runWithAuditContext({ tenantId, actor: { type: 'user', id: 'ü1' } }, () => audit.recordMany(inputs));
    await audit.flush();
    const { items } = await audit.query({ tenantId });
    expect(items.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(items[2]).toMatchObject({ actor: { type: 'system', id: null }, resource: { id: null }, ip: null });
    expect(items[1]!.after).toEqual(inputs[1]!.after);
    expect(items[1]!.before).toEqual({ name: 'a\nb', nested: { n: null, arr: [null, 0, 1e21, 0.1] } });
    expect(items[1]!.userAgent).toBe(inputs[1]!.userAgent);
    expect(items[0]!.after).toEqual(big);
    expect(await audit.verify({ tenantId })).toMatchObject({ valid: true, count: 3 });
  });

  it('writes 1 event and 5,000 events per flush as one chain', async () => {
    await checkOneThenFiveThousand(db, 'big-flush', kyselyAuditStore(db));
  });

  it('stores only the new events of a retried batch that was partly stored (primary-key fallback)', async () => {
    const store = kyselyAuditStore(db);
    const audit = createAuditLog({ store: memoryAuditStore() });
    const tenantId = 'retried-batch';
    const prepared = await runWithAuditContext({ tenantId, actor: { type: 'user', id: 'u1' } }, async () => {
      const ids = await audit.recordMany(
        ['a', 'b', 'c'].map((id) => ({ action: 'file.uploaded', resource: { type: 'file', id } })),
      );
      const { items } = await audit.query({ tenantId });
      return ids.map((id) => items.find((e) => e.id === id)!);
    });
    const strip = (e: AuditEvent): PreparedEvent => {
      const { seq: _s, prevHash: _p, hash: _h, ...rest } = e;
      return rest;
    };
    const [a, b, c] = prepared.map(strip);
    expect((await store.append([a!, b!])).map((e) => e.seq)).toEqual([1, 2]);
    // The same store instance expects head 2 and links the retry after it: the INSERT hits the
    // primary key, the batch is redone with an id look-up and only c is stored.
    const again = await store.append([a!, b!, c!]);
    expect(again.map((e) => [e.id, e.seq])).toEqual([[c!.id, 3]]);
    expect(await store.append([a!, b!, c!])).toEqual([]);
    const reader = createAuditLog({ store });
    expect(await reader.verify({ tenantId })).toMatchObject({ valid: true, count: 3 });
  });

  it('relinks a pipelined batch when another writer moved the head in between', async () => {
    const [db1, db2] = [connect(2), connect(2)];
    try {
      const s1 = kyselyAuditStore(db1);
      const s2 = kyselyAuditStore(db2);
      const tenantId = 'moved-head';
      const make = createAuditLog({ store: memoryAuditStore() });
      const batch = async (prefix: string, n: number) =>
        runWithAuditContext({ tenantId, actor: { type: 'system', id: null } }, async () => {
          await make.recordMany(
            Array.from({ length: n }, (_, i) => ({
              action: 'file.uploaded',
              resource: { type: 'file', id: `${prefix}${i}` },
            })),
          );
          const { items } = await make.query({ tenantId, limit: 1000 });
          return items
            .filter((e) => e.resource.id?.startsWith(prefix))
            .reverse()
            .map(({ seq: _s, prevHash: _p, hash: _h, ...rest }) => rest as PreparedEvent);
        });
      await s1.append(await batch('x', 3)); // s1 now expects head 3
      await s2.append(await batch('y', 2)); // the head moves to 5 behind s1's back
      // Two appends in flight on s1: the first is linked after the stale head 3 and relinked
      // under the lock; the second is linked after the first one's real end.
      const [p, q] = [batch('p', 4), batch('q', 4)];
      const [first, second] = await Promise.all([s1.append(await p), s1.append(await q)]);
      expect(first.map((e) => e.seq)).toEqual([6, 7, 8, 9]);
      expect(second.map((e) => e.seq)).toEqual([10, 11, 12, 13]);
      const reader = createAuditLog({ store: s1 });
      expect(await reader.verify({ tenantId })).toMatchObject({ valid: true, count: 13 });
    } finally {
      await Promise.all([db1.destroy(), db2.destroy()]);
    }
  });

  it('keeps one valid chain with two buffered, pipelined writers (two pools) on one tenant, each in record order', async () => {
    const [db1, db2] = [connect(3), connect(3)];
    try {
      await checkTwoBufferedWriters(db, 'two-buffered', [kyselyAuditStore(db1), kyselyAuditStore(db2)]);
    } finally {
      await Promise.all([db1.destroy(), db2.destroy()]);
    }
  });

  it('creates the documented indexes', async () => {
    const { rows } = await sql<{
      indexname: string;
    }>`SELECT indexname FROM pg_indexes WHERE tablename = 'audit_events'`.execute(db);
    expect(rows.map((r) => r.indexname).sort()).toEqual(
      [
        'audit_events_action',
        'audit_events_actor',
        'audit_events_chain_seq',
        'audit_events_occurred',
        'audit_events_pkey',
        'audit_events_resource',
        'audit_events_subjects',
      ].sort(),
    );
  });
});
