import { createAuditLog, runWithAuditContext } from '@portalkit/audit';
import { type AnyKysely, kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
