import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Logger } from 'pino';

/** Kysely over every package's tables; each package types its own queries. */
// biome-ignore lint/suspicious/noExplicitAny: the stores of several packages share this one instance.
export type SqlDb = Kysely<any>;

/** The database behind every store: Kysely over PostgreSQL (pg pool) or embedded PGlite, or MongoDB. */
export type Database =
  | { kind: 'postgres' | 'pglite'; db: SqlDb; ping(): Promise<void>; close(): Promise<void> }
  | { kind: 'mongodb'; db: import('mongodb').Db; ping(): Promise<void>; close(): Promise<void> };

/** Opens DATABASE_URL, or PGlite stored under `$DATA_DIR/pglite` when it is unset. */
export async function openDatabase(databaseUrl: string | undefined, dataDir: string, log: Logger): Promise<Database> {
  if (databaseUrl?.startsWith('mongodb')) {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(databaseUrl, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    const db = client.db();
    log.info({ database: 'mongodb', name: db.databaseName }, 'database connected');
    return {
      kind: 'mongodb',
      db,
      ping: async () => {
        await db.command({ ping: 1 });
      },
      close: () => client.close(),
    };
  }
  let db: SqlDb;
  let kind: 'postgres' | 'pglite';
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5000 });
    // An idle client that loses its server emits on the pool: log it instead of crashing.
    pool.on('error', (err) => log.error({ err: { message: err.message } }, 'idle database connection failed'));
    db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('kysely-pglite-dialect'),
    ]);
    const dir = join(dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    const pglite = await PGlite.create(dir);
    db = new Kysely<Record<string, never>>({ dialect: new PGliteDialect(pglite) });
    kind = 'pglite';
  }
  await sql`select 1`.execute(db);
  log.info({ database: kind }, 'database connected');
  return {
    kind,
    db,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
