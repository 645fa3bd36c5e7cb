import {
  type AuditEvent,
  createAuditLog,
  isAuditError,
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

// The COPY FROM STDIN path of kyselyAuditStore(db, { pool }) on real PostgreSQL.
const database = useTestDatabase();
const pgUp = needs('postgres', 'kysely AuditStore, COPY path');
const pools: pg.Pool[] = [];
const connect = (max = 5): { db: AnyKysely; pool: pg.Pool } => {
  const pool = new pg.Pool({ connectionString: database.url, max });
  pools.push(pool);
  return { db: new Kysely({ dialect: new PostgresDialect({ pool }) }), pool };
};
let db: AnyKysely;
let pool: pg.Pool;

beforeAll(async () => {
  if (!pgUp) return;
  ({ db, pool } = connect());
  await migrateAudit(db);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

/** Events made (and chained) by a memory log, stripped back to what a store's append takes. */
async function prepared(tenantId: string, inputs: Array<{ action: string; resource: { type: string; id: string } }>) {
  const make = createAuditLog({ store: memoryAuditStore() });
  return runWithAuditContext({ tenantId, actor: { type: 'user', id: 'u1' } }, async () => {
    const ids = await make.recordMany(inputs);
    const { items } = await make.query({ tenantId, limit: 1000 });
    return ids.map((id) => {
      const { seq: _s, prevHash: _p, hash: _h, ...rest } = items.find((e) => e.id === id)! as AuditEvent;
      return rest as PreparedEvent;
    });
  });
}

const files = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ action: 'file.uploaded', resource: { type: 'file', id: `${prefix}${i}` } }));

async function headOf(chainKey: string) {
  const { rows } = await sql<{
    seq: string;
    hash: string;
  }>`SELECT seq, hash FROM audit_chain_heads WHERE chain_key = ${chainKey}`.execute(db);
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
}

describe.skipIf(!pgUp)('kysely AuditStore, COPY path (pool option)', () => {
  runAuditStoreSuite('kysely COPY (PostgreSQL)', () => ({
    store: kyselyAuditStore(db, { pool }),
    tamper: sqlTamper(db),
  }));

  it('round-trips odd values through COPY: tabs, newlines, CR, backslashes, quotes, unicode, nulls, 300 KB JSON', async () => {
    const audit = createAuditLog({ store: kyselyAuditStore(db, { pool }), buffer: { flushIntervalMs: 60_000 } });
    const tenantId = 'odd\tten\\ant\n';
    const big = {
      rows: Array.from({ length: 3000 }, (_, i) => ({
        i,
        text: `línea\t${i}\r\n "q" \\N \\ 😀 \u2028 ${'x'.repeat(50)}`,
      })),
    };
    expect(JSON.stringify(big).length).toBeGreaterThan(300_000);
    const inputs = [
      { action: 'file.uploaded', resource: { type: 'file', id: null }, actor: { type: 'system' as const, id: null } },
      {
        action: 'file.renamed',
        resource: { type: 'file\tkind', id: 'ファイル\t1\n2\\3\r' },
        before: { name: 'a\nb\tc\\d', nested: { n: null, arr: [null, -0, 1e21, 0.1, '\\N'] } },
        after: { 'key\twith\ttabs': '日本語 😀 \ud83d\ude00', nested: { n: 'x', arr: [] }, quote: '"\'`' },
        ip: null,
        userAgent: 'UA with "quotes",\ttabs and \\ backslash\nand a newline',
        requestId: '\\N',
      },
      { action: 'file.imported', resource: { type: 'file', id: 'big' }, after: big, requestId: null },
      { action: 'file.deleted', resource: { type: 'file', id: 'big' }, before: big },
    ];
    await runWithAuditContext({ tenantId, actor: { type: 'user', id: 'ü\t1\\' } }, () => audit.recordMany(inputs));
    await audit.flush();
    const { items } = await audit.query({ tenantId });
    expect(items.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    const [deleted, imported, renamed, first] = items;
    expect(first).toMatchObject({ actor: { type: 'system', id: null }, resource: { id: null }, ip: null });
    expect(renamed!.resource).toEqual({ type: 'file\tkind', id: 'ファイル\t1\n2\\3\r' });
    expect(renamed!.after).toEqual(inputs[1]!.after);
    expect(renamed!.before).toEqual({ name: 'a\nb\tc\\d', nested: { n: null, arr: [null, 0, 1e21, 0.1, '\\N'] } });
    expect(renamed!.userAgent).toBe(inputs[1]!.userAgent);
    expect(renamed!.requestId).toBe('\\N');
    expect(renamed!.actor.id).toBe('ü\t1\\');
    expect(renamed!.tenantId).toBe(tenantId);
    expect(imported!.after).toEqual(big);
    expect(imported!.requestId).toBeNull();
    expect(deleted!.before).toEqual(big);
    expect(deleted!.changes).toEqual([{ path: ['rows'], before: big.rows }]);
    expect(await audit.verify({ tenantId })).toMatchObject({ valid: true, count: 4 });
    // The creation's changes and the deletion's are rebuilt on read, not stored.
    const { rows } = await sql<{ seq: string; changes: unknown }>`
      SELECT seq, changes FROM audit_events WHERE chain_key = ${tenantId} ORDER BY seq`.execute(db);
    expect(rows.map((r) => r.changes === null)).toEqual([true, false, true, true]);
  });

  it('refuses a NUL character in a text field with invalid_event and stores nothing', async () => {
    const store = kyselyAuditStore(db, { pool });
    const [a, b] = await prepared('nul', files('n', 2));
    const bad = { ...b!, resource: { type: 'file', id: 'a\u0000b' } };
    await expect(store.append([a!, bad])).rejects.toMatchObject({ code: 'invalid_event' });
    expect(await store.head('nul')).toBeNull();
    expect((await store.append([a!])).map((e) => e.seq)).toEqual([1]);
  });

  it('writes 1 event and 5,000 events per flush as one chain', async () => {
    await checkOneThenFiveThousand(db, 'copy-big-flush', kyselyAuditStore(db, { pool }));
    expect(await headOf('copy-big-flush')).toMatchObject({ seq: 5001 });
  });

  it('keeps one valid chain with two buffered COPY writers (two pools) on one tenant', async () => {
    const [c1, c2] = [connect(3), connect(3)];
    await checkTwoBufferedWriters(db, 'copy-two-writers', [
      kyselyAuditStore(c1.db, { pool: c1.pool }),
      kyselyAuditStore(c2.db, { pool: c2.pool }),
    ]);
  });

  it('rolls the whole batch back when the COPY fails midway (a constraint violation at its 3rd row)', async () => {
    const store = kyselyAuditStore(db, { pool });
    const tenantId = 'copy-fails';
    const [a, b] = await prepared(tenantId, files('ok', 2));
    await store.append([a!, b!]);
    const before = await headOf(tenantId);
    // A row squatting on seq 5 (the 3rd row of the next batch) without moving the head.
    await sql`INSERT INTO audit_events (id, chain_key, tenant_id, seq, actor_type, action, resource_type, occurred_at,
        subjects, personal, prev_hash, hash)
      VALUES ('squatter', ${tenantId}, ${tenantId}, 5, 'system', 'x.y', 'file', now(), '[]', '[]', '', '')`.execute(db);
    const batch = await prepared(tenantId, files('lost', 5));
    const error = await store.append(batch).catch((e: unknown) => e);
    expect(isAuditError(error) && error.code).toBe('store_failed');
    expect((error as Error & { cause: { code?: string } }).cause.code).toBe('23505');
    const { rows } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM audit_events WHERE id = ANY(${batch.map((e) => e.id)}::text[])`.execute(db);
    expect(Number(rows[0]!.n)).toBe(0);
    expect(await headOf(tenantId)).toEqual(before);
    // The pooled connection is usable again and the same batch goes in once the squatter is gone.
    await sql`DELETE FROM audit_events WHERE id = 'squatter'`.execute(db);
    expect((await store.append(batch)).map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(await createAuditLog({ store }).verify({ tenantId })).toMatchObject({ valid: true, count: 7 });
  });

  it('stores only the new events of a retried batch that was partly stored (primary-key fallback)', async () => {
    const store = kyselyAuditStore(db, { pool });
    const tenantId = 'copy-retried';
    const [a, b, c] = await prepared(tenantId, files('r', 3));
    expect((await store.append([a!, b!])).map((e) => e.seq)).toEqual([1, 2]);
    const again = await store.append([a!, b!, c!]);
    expect(again.map((e) => [e.id, e.seq])).toEqual([[c!.id, 3]]);
    expect(await store.append([a!, b!, c!])).toEqual([]);
    expect(await createAuditLog({ store }).verify({ tenantId })).toMatchObject({ valid: true, count: 3 });
  });

  it('fails with missing_dependency when pg-copy-streams cannot be loaded, and stores nothing', async () => {
    let calls = 0;
    const store = kyselyAuditStore(db, {
      pool,
      loadCopyStreams: async () => {
        calls++;
        throw new Error("Cannot find package 'pg-copy-streams'");
      },
    });
    const batch = await prepared('no-copy-streams', files('m', 2));
    const error = await store.append(batch).catch((e: unknown) => e);
    expect(isAuditError(error) && error.code).toBe('missing_dependency');
    expect((error as Error).message).toContain('npm install pg-copy-streams');
    await expect(store.append(batch)).rejects.toMatchObject({ code: 'missing_dependency' });
    expect(calls).toBe(2); // a failed load is retried, not cached
    expect(await store.head('no-copy-streams')).toBeNull();
  });

  it('sets synchronous_commit per transaction only, and refuses unknown values', async () => {
    const store = kyselyAuditStore(db, { pool, synchronousCommit: 'off' });
    const batch = await prepared('async-commit', files('s', 3));
    expect((await store.append(batch)).map((e) => e.seq)).toEqual([1, 2, 3]);
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    try {
      for (const c of clients) {
        expect((await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
      }
    } finally {
      for (const c of clients) c.release();
    }
    expect(() => kyselyAuditStore(db, { pool, synchronousCommit: 'never' as 'off' })).toThrow(/synchronousCommit/);
  });
});
