import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { AuditError } from '../errors.js';
import type { AnyKysely } from './store.js';

const init: Migration = {
  async up(db: AnyKysely) {
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('chain_key', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text')
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text')
      .addColumn('before', 'jsonb')
      .addColumn('after', 'jsonb')
      .addColumn('changes', 'json') // null: rebuilt from before/after on read (creations, deletions)
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('request_id', 'text')
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('subjects', 'jsonb', (c) => c.notNull())
      .addColumn('personal', 'json', (c) => c.notNull()) // [path, subject index or id, salt, commitment] tuples
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addUniqueConstraint('audit_events_chain_seq', ['chain_key', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_events_actor')
      .on('audit_events')
      .columns(['chain_key', 'actor_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_events_action')
      .on('audit_events')
      .columns(['chain_key', 'action', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_events_resource')
      .on('audit_events')
      .columns(['chain_key', 'resource_type', 'resource_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_events_occurred')
      .on('audit_events')
      .columns(['chain_key', 'occurred_at'])
      .execute();
    await sql`CREATE INDEX audit_events_subjects ON audit_events USING gin (subjects jsonb_path_ops)`.execute(db);

    await db.schema
      .createTable('audit_chain_heads')
      .addColumn('chain_key', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text')
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('chain_key', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text')
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('head_hash', 'text', (c) => c.notNull())
      .addColumn('signed_at', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_checkpoints_chain')
      .on('audit_checkpoints')
      .columns(['chain_key', 'seq'])
      .execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropTable('audit_checkpoints').ifExists().execute();
    await db.schema.dropTable('audit_chain_heads').ifExists().execute();
    await db.schema.dropTable('audit_events').ifExists().execute();
  },
};

/**
 * The audit tables as a Kysely `MigrationProvider`: `audit_events` (with its indexes),
 * `audit_chain_heads` (one row per chain, locked while appending) and `audit_checkpoints`. Plain
 * PostgreSQL (also PGlite). Run it with {@link migrateAudit} or your own `Migrator`.
 *
 * @example
 * ```ts
 * import { Migrator } from 'kysely';
 * import { auditMigrations } from '@portalkit/audit/kysely';
 *
 * await new Migrator({ db, provider: auditMigrations, migrationTableName: 'portalkit_audit_migrations',
 *   migrationLockTableName: 'portalkit_audit_migrations_lock' }).migrateToLatest();
 * ```
 */
export const auditMigrations: MigrationProvider = {
  async getMigrations() {
    return { '2026_11_23_000_audit_init': init };
  },
};

/**
 * Runs {@link auditMigrations} to the latest version, with the package's own migration tables
 * (`portalkit_audit_migrations`, `portalkit_audit_migrations_lock`).
 *
 * @throws `AuditError` (from `@portalkit/audit`) with code `store_failed` when a migration fails (the cause says why).
 *
 * @example
 * ```ts
 * import { migrateAudit } from '@portalkit/audit/kysely';
 *
 * await migrateAudit(db);
 * ```
 */
export async function migrateAudit(db: AnyKysely): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: auditMigrations,
    migrationTableName: 'portalkit_audit_migrations',
    migrationLockTableName: 'portalkit_audit_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    throw new AuditError(
      'store_failed',
      'running the audit migrations failed (check the database URL and permissions)',
      {
        cause: error,
      },
    );
  }
}
