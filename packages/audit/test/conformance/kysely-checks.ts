import type { AuditStore } from '@portalkit/audit';
import { createAuditLog, runWithAuditContext } from '@portalkit/audit';
import type { AnyKysely } from '@portalkit/audit/kysely';
import { sql } from 'kysely';
import { expect } from 'vitest';

/**
 * Two buffered, pipelined writers (each on its own store, e.g. two pools) record 400 events each
 * into one tenant at once; checks one gap-free, valid chain with each writer's events in record order.
 */
export async function checkTwoBufferedWriters(
  db: AnyKysely,
  tenantId: string,
  stores: [AuditStore<never> | AuditStore<unknown>, AuditStore<never> | AuditStore<unknown>],
): Promise<void> {
  const writers = stores.map((store) =>
    createAuditLog({ store: store as AuditStore, buffer: { batchSize: 50, flushIntervalMs: 5, concurrency: 2 } }),
  );
  await Promise.all(
    writers.map((w, n) =>
      runWithAuditContext({ tenantId, actor: { type: 'system', id: null } }, async () => {
        for (let i = 0; i < 400; i++)
          await w.record({ action: 'file.uploaded', resource: { type: 'file', id: `w${n}-${i}` } });
        await w.flush();
      }),
    ),
  );
  const rows = await sql<{ seq: string; resource_id: string }>`
    SELECT seq, resource_id FROM audit_events WHERE chain_key = ${tenantId} ORDER BY seq`.execute(db);
  expect(rows.rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
  for (const n of [0, 1]) {
    const mine = rows.rows.map((r) => r.resource_id).filter((id) => id.startsWith(`w${n}-`));
    expect(mine).toEqual(Array.from({ length: 400 }, (_, i) => `w${n}-${i}`));
  }
  expect(await writers[0]!.verify({ tenantId })).toMatchObject({ valid: true, count: 800 });
}

/** One flush of 1 event, then one of 5,000 (batchSize 5000): one gap-free, valid chain of 5,001. */
export async function checkOneThenFiveThousand(
  db: AnyKysely,
  tenantId: string,
  store: AuditStore<unknown>,
): Promise<void> {
  const audit = createAuditLog({ store: store as AuditStore, buffer: { batchSize: 5000, flushIntervalMs: 60_000 } });
  await runWithAuditContext({ tenantId, actor: { type: 'user', id: 'u1' } }, async () => {
    await audit.record({ action: 'file.uploaded', resource: { type: 'file', id: 'first' } });
    await audit.flush();
    await audit.recordMany(
      Array.from({ length: 5000 }, (_, i) => ({
        action: 'file.uploaded',
        resource: { type: 'file', id: `f${i}` },
        after: { name: `n${i}` },
      })),
    );
  });
  expect(audit.stats().written).toBe(1);
  await audit.flush();
  expect(audit.stats().written).toBe(5001);
  const seqs = await sql<{
    seq: string;
  }>`SELECT seq FROM audit_events WHERE chain_key = ${tenantId} ORDER BY seq`.execute(db);
  expect(seqs.rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 5001 }, (_, i) => i + 1));
  expect(await audit.verify({ tenantId })).toMatchObject({ valid: true, count: 5001 });
}
