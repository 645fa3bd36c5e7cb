import type { AuditStore } from '@portalkit/audit';
import { kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import type { AuthStore } from '@portalkit/auth';
import { kyselyAuthStore, migrateAuth } from '@portalkit/auth/kysely';
import type { FileStore } from '@portalkit/storage';
import { kyselyFileStore, migrateStorage } from '@portalkit/storage/kysely';
import type { TenantStore } from '@portalkit/tenancy';
import { kyselyTenantStore, migrateTenancy } from '@portalkit/tenancy/kysely';
import type { Database } from './database.js';

/** The four packages' stores over one database, schema ready. */
export interface Stores {
  auth: AuthStore;
  tenants: TenantStore;
  files: FileStore;
  // biome-ignore lint/suspicious/noExplicitAny: the transaction type depends on the database.
  audit: AuditStore<any>;
}

/**
 * Every package's store on the database: Kysely stores after their migrations (PostgreSQL,
 * PGlite), or MongoDB stores after `ensureIndexes()` (the mongodb subpaths are loaded only then).
 */
export async function openStores(database: Database): Promise<Stores> {
  if (database.kind === 'mongodb') {
    const [auth, tenancy, storage, audit] = await Promise.all([
      import('@portalkit/auth/mongodb'),
      import('@portalkit/tenancy/mongodb'),
      import('@portalkit/storage/mongodb'),
      import('@portalkit/audit/mongodb'),
    ]);
    const stores = {
      auth: auth.mongoAuthStore(database.db),
      tenants: tenancy.mongoTenantStore(database.db),
      files: storage.mongoFileStore(database.db),
      audit: audit.mongoAuditStore(database.db),
    };
    for (const store of Object.values(stores)) await store.ensureIndexes();
    return stores;
  }
  const db = database.db;
  await migrateAuth(db);
  await migrateTenancy(db);
  await migrateAudit(db);
  await migrateStorage(db);
  return {
    auth: kyselyAuthStore(db),
    tenants: kyselyTenantStore(db),
    files: kyselyFileStore(db),
    // On PostgreSQL the buffered trail appends with COPY on the pool (pg-copy-streams), else INSERT.
    audit: kyselyAuditStore(db, database.pool ? { pool: database.pool } : {}),
  };
}
