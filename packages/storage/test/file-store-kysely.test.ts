import { kyselyFileStore, migrateStorage } from '@portalkit/storage/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFileStoreSuite } from './conformance/file-store-suite.js';

const database = useTestDatabase();
// biome-ignore lint/suspicious/noExplicitAny: test database without a schema type
let db: Kysely<any>;

describe.skipIf(!needs('postgres', 'storage kysely FileStore'))('kysely FileStore on PostgreSQL', () => {
  beforeAll(async () => {
    db = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 4 }) }),
    });
    await migrateStorage(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('migrations are idempotent and use the package migration table', async () => {
    const again = await migrateStorage(db);
    expect(again.results).toEqual([]);
    const tables = await db
      .selectFrom('information_schema.tables')
      .select('table_name')
      .where('table_schema', '=', 'public')
      .execute();
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['storage_files', 'portalkit_storage_migrations', 'portalkit_storage_migrations_lock']),
    );
  });

  runFileStoreSuite('kysely (PostgreSQL)', () => kyselyFileStore(db), { enforcesUnique: () => true });

  it('lists a page, first or deep behind a cursor, with one index range scan (no filter, no sort)', async () => {
    // 3 tenants x 3000 ready files; the plan of the store's own SQL is read with EXPLAIN.
    const prefix = `plan-${Date.now().toString(36)}`;
    await sql`insert into storage_files (id, tenant_id, key, name, size, content_type, status, created_at)
      select ${prefix} || '-' || g, ${prefix} || '-t' || (g % 3), ${prefix} || '/k' || g, 'f' || g, 1, 'text/plain',
             'ready', timestamptz '2026-01-01' - g * interval '1 second'
      from generate_series(1, 9000) g`.execute(db);
    await sql`analyze storage_files`.execute(db);
    const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
    const logged = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
      log: (event) => {
        if (event.level === 'query') captured.push(event.query);
      },
    });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const store = kyselyFileStore(logged);
      const tenant = `${prefix}-t1`;
      let page = await store.list(tenant, { limit: 20 });
      for (let i = 0; i < 50; i++) page = await store.list(tenant, { limit: 20, cursor: page.nextCursor! });
      expect(page.items).toHaveLength(20);
      const [first, deep] = [captured[0]!, captured[captured.length - 1]!];
      // Only an index condition on the predicates counts: a seq scan or bitmap scan would hide a filter.
      await client.query('set enable_seqscan = off; set enable_bitmapscan = off');
      for (const query of [first, deep]) {
        const { rows } = await client.query(`explain (format json) ${query.sql}`, [...query.parameters]);
        const plan = (rows[0] as { 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> })['QUERY PLAN'][0]!.Plan;
        expect(plan['Node Type']).toBe('Limit');
        const scan = (plan.Plans as Array<Record<string, unknown>>)[0]!;
        expect(scan).toMatchObject({ 'Node Type': 'Index Scan', 'Index Name': 'storage_files_tenant_list_idx' });
        expect(scan.Filter).toBeUndefined();
      }
      const { rows } = await client.query(`explain (format json) ${deep.sql}`, [...deep.parameters]);
      expect(JSON.stringify(rows[0])).toMatch(/Index Cond[^}]*ROW\(created_at, id\)/);
    } finally {
      await client.end();
      await logged.destroy();
      await db.deleteFrom('storage_files').where('id', 'like', `${prefix}-%`).execute();
    }
  });
});
