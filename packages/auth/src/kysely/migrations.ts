import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely';
import { AuthError } from '../errors.js';

const migrations: Record<string, Migration> = {
  '0001_auth_init': {
    // biome-ignore lint/suspicious/noExplicitAny: the auth tables live in the user's own database type; they are addressed by name
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('auth_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email_verified_at', 'timestamptz')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('auth_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
        .addColumn('tenant_id', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_used_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('revoked_at', 'timestamptz')
        .execute();
      await db.schema.createIndex('auth_sessions_user_id_idx').on('auth_sessions').column('user_id').execute();
      await db.schema
        .createTable('auth_refresh_tokens')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().references('auth_sessions.id').onDelete('cascade'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('auth_refresh_tokens_session_id_idx')
        .on('auth_refresh_tokens')
        .column('session_id')
        .execute();
      await db.schema
        .createTable('auth_one_time_tokens')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('auth_one_time_tokens_user_id_idx')
        .on('auth_one_time_tokens')
        .column('user_id')
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: the auth tables live in the user's own database type; they are addressed by name
    async down(db: Kysely<any>) {
      await db.schema.dropTable('auth_one_time_tokens').ifExists().execute();
      await db.schema.dropTable('auth_refresh_tokens').ifExists().execute();
      await db.schema.dropTable('auth_sessions').ifExists().execute();
      await db.schema.dropTable('auth_users').ifExists().execute();
      await sql`select 1`.execute(db);
    },
  },
};

/**
 * The migrations of the auth tables (`auth_users`, `auth_sessions`, `auth_refresh_tokens`,
 * `auth_one_time_tokens`) as a Kysely `MigrationProvider`, for hosts that run their own
 * `Migrator`. Use {@link migrateAuth} to run them with the package's own migration table.
 *
 * @example
 * ```ts
 * import { Migrator } from 'kysely';
 * const migrator = new Migrator({ db, provider: authMigrations, migrationTableName: 'portalkit_auth_migrations' });
 * ```
 */
export const authMigrations: MigrationProvider = {
  getMigrations: async () => migrations,
};

/**
 * Brings the auth tables up to date (PostgreSQL, also PGlite), recording applied migrations in
 * `portalkit_auth_migrations` (lock table `portalkit_auth_migrations_lock`). Safe to call on every
 * start and from several instances at once. Throws `AuthError('unavailable')` when a migration
 * fails.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { migrateAuth } from '@portalkit/auth/kysely';
 *
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * await migrateAuth(db);
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the auth tables live in the user's own database type; they are addressed by name
export async function migrateAuth(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: authMigrations,
    migrationTableName: 'portalkit_auth_migrations',
    migrationLockTableName: 'portalkit_auth_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    throw new AuthError('unavailable', 'auth migrations failed (check the database connection and permissions)', {
      cause: result.error,
    });
  }
  return result;
}
