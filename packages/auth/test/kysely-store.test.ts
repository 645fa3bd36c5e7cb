import { kyselyAuthStore, migrateAuth } from '@portalkit/auth/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuthServiceSuite } from './conformance/service-suite.js';
import { runAuthStoreSuite } from './conformance/store-suite.js';
import { codeOf, PASSWORD, setup } from './helpers.js';

const database = useTestDatabase();
// biome-ignore lint/suspicious/noExplicitAny: the auth tables live in the user's own database type; they are addressed by name
let db: Kysely<any>;

describe.skipIf(!needs('postgres', 'kysely AuthStore'))('kysely AuthStore on PostgreSQL', () => {
  beforeAll(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the auth tables live in the user's own database type; they are addressed by name
    db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 20 }) }),
    });
    await migrateAuth(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('migrations are idempotent, concurrent-safe and use the package migration table', async () => {
    await Promise.all([migrateAuth(db), migrateAuth(db)]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'auth_one_time_tokens',
      'auth_refresh_tokens',
      'auth_sessions',
      'auth_users',
      'portalkit_auth_migrations',
      'portalkit_auth_migrations_lock',
    ]);
  });

  it('stores no bearer secret in clear: only hashes of refresh and one-time tokens', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_name in ('auth_refresh_tokens', 'auth_one_time_tokens') order by 1, 2`.execute(db);
    expect(columns.rows.filter((c) => /token|secret/u.test(c.column_name))).toEqual([]);
  });

  it('the auth service on PostgreSQL: 50 parallel refreshes of one token issue one pair; reuse kills the session', async () => {
    const t = await setup({ store: kyselyAuthStore(db) });
    await t.verifiedUser('pg-service@example.com');
    const first = await t.auth.login({ email: 'pg-service@example.com', password: PASSWORD });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => t.auth.refresh({ refreshToken: first.refreshToken })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason.code).toBe('token_reused');
    // strict mode: the concurrent reuse revoked the family, the winner's pair included
    const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
    expect(await codeOf(t.auth.refresh({ refreshToken: winner?.refreshToken ?? '' }))).toBe('token_invalid');
    expect(await codeOf(t.auth.verifyAccessToken(winner?.accessToken ?? ''))).toBe('token_invalid');
    const live = await sql<{ n: string }>`
      select count(*) as n from auth_refresh_tokens t join auth_sessions s on s.id = t.session_id
      where s.id = ${first.sessionId} and t.used_at is null and s.revoked_at is null`.execute(db);
    expect(Number(live.rows[0]?.n)).toBe(0);
  });

  it('the auth service on PostgreSQL: unknown e-mail and wrong password give the same answer', async () => {
    const t = await setup({ store: kyselyAuthStore(db) });
    await t.verifiedUser('pg-login@example.com');
    const wrong = await t.auth.login({ email: 'pg-login@example.com', password: 'not it at all' }).catch((e) => e);
    const unknown = await t.auth.login({ email: 'pg-ghost@example.com', password: 'not it at all' }).catch((e) => e);
    expect([wrong.code, wrong.message]).toEqual(['invalid_credentials', unknown.message]);
    expect(unknown.code).toBe('invalid_credentials');
  });

  runAuthStoreSuite('kysely (PostgreSQL)', () => kyselyAuthStore(db));
  runAuthServiceSuite('kysely (PostgreSQL)', () => kyselyAuthStore(db));
});
