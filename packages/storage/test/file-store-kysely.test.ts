import { kyselyFileStore, migrateStorage } from '@portalkit/storage/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect } from 'kysely';
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
});
