import { PGlite } from '@electric-sql/pglite';
import { createAuditLog, runWithAuditContext } from '@portalkit/audit';
import { type AnyKysely, kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlTamper } from './conformance/sql-tamper.js';
import { runAuditStoreSuite } from './conformance/store-suite.js';

// The example servers run on PGlite (embedded PostgreSQL) by default: same store, same suite.
let pglite: PGlite;
let db: AnyKysely;

beforeAll(async () => {
  pglite = new PGlite();
  db = new Kysely({ dialect: new PGliteDialect(pglite) });
  await migrateAudit(db);
});
afterAll(async () => {
  await db?.destroy();
});

describe('kysely AuditStore on PGlite', () => {
  runAuditStoreSuite('kysely (PGlite)', () => ({ store: kyselyAuditStore(db), tamper: sqlTamper(db) }));

  it('appends inside a caller transaction and rolls back with it', async () => {
    const audit = createAuditLog({ store: kyselyAuditStore(db) });
    const ctx = { tenantId: 'pglite-tx', actor: { type: 'user' as const, id: 'u1' } };
    await expect(
      db.transaction().execute((trx) =>
        runWithAuditContext(ctx, async () => {
          await audit.recordWithin(trx, { action: 'file.uploaded', resource: { type: 'file', id: 'f1' } });
          throw new Error('nope');
        }),
      ),
    ).rejects.toThrow('nope');
    expect((await audit.query({ tenantId: 'pglite-tx' })).items).toEqual([]);
    await db
      .transaction()
      .execute((trx) =>
        runWithAuditContext(ctx, () =>
          audit.recordWithin(trx, { action: 'file.uploaded', resource: { type: 'file', id: 'f1' } }),
        ),
      );
    expect(await audit.verify({ tenantId: 'pglite-tx' })).toMatchObject({ valid: true, count: 1 });
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM audit_chain_heads WHERE chain_key = 'pglite-tx'`.execute(db);
    expect(rows[0]?.n).toBe(1);
  });
});
