import { PGlite } from '@electric-sql/pglite';
import { kyselyFileStore, migrateStorage } from '@portalkit/storage/kysely';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, beforeAll } from 'vitest';
import { runFileStoreSuite } from './conformance/file-store-suite.js';

// The example servers run on PGlite (embedded PostgreSQL) by default: same adapter, same suite.
let pglite: PGlite;
// biome-ignore lint/suspicious/noExplicitAny: test database without a schema type
let db: Kysely<any>;

beforeAll(async () => {
  pglite = new PGlite();
  db = new Kysely({ dialect: new PGliteDialect(pglite) });
  await migrateStorage(db);
});
afterAll(async () => {
  await db?.destroy();
});

runFileStoreSuite('kysely (PGlite)', () => kyselyFileStore(db), { enforcesUnique: () => true });
