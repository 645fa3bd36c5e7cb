// bench/audit: buffered append throughput into PostgreSQL (hashing included) and the latency that
// buffered logging adds to a caller. Ratios are against baselines measured in the same run:
// a plain multi-row INSERT of rows of the same width (no hashing, no chain lock), and an
// unbuffered record() (one transaction per event). The buffered figures are end to end: from the
// first record() until every event is committed, and verify() must find each chain valid.
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createAuditLog, runWithAuditContext } from '@portalkit/audit';
import { type AnyKysely, kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

const ADMIN = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.AUDIT_BENCH_EVENTS ?? 50_000);
const name = `pk_bench_audit_${Date.now().toString(36)}`;

async function admin(query: string) {
  const client = new pg.Client({ connectionString: ADMIN });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const loadAtStart = loadavg();
const cpus = availableParallelism();
await admin(`CREATE DATABASE "${name}"`);
const url = new URL(ADMIN);
url.pathname = `/${name}`;
const db: AnyKysely = new Kysely({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 4 }) }),
});
try {
  await migrateAudit(db);
  const ctx = {
    tenantId: 'bench',
    actor: { type: 'user' as const, id: 'u1' },
    ip: '203.0.113.7',
    userAgent: 'bench/1.0',
    requestId: 'r',
  };
  const input = (i: number) => ({
    action: 'file.uploaded',
    resource: { type: 'file', id: `f${i}` },
    after: { name: `report-${i}.pdf`, size: 1000 + i, contentType: 'application/pdf' },
  });

  // Baseline: the same bulk INSERT statement the store uses (1000 rows per statement), with
  // pre-built rows: no preparation, hashing, commitments, chain lock or id check.
  const audit0 = createAuditLog({ store: kyselyAuditStore(db) });
  await runWithAuditContext({ ...ctx, tenantId: 'sample' }, () => audit0.record(input(0)));
  const [sample] = (await audit0.query({ tenantId: 'sample' })).items;
  const row = (i: number) => ({
    id: `raw-${i}`,
    chain_key: 'raw',
    tenant_id: 'raw',
    seq: i + 1,
    actor_type: 'user',
    actor_id: 'u1',
    action: sample!.action,
    resource_type: 'file',
    resource_id: `f${i}`,
    after: sample!.after,
    changes: sample!.changes,
    ip: sample!.ip,
    user_agent: sample!.userAgent,
    request_id: 'r',
    occurred_at: sample!.occurredAt,
    subjects: sample!.subjects,
    personal: sample!.personal,
    prev_hash: sample!.prevHash,
    hash: sample!.hash,
  });
  let t = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const rows = JSON.stringify(Array.from({ length: Math.min(1000, N - i) }, (_, j) => row(i + j)));
    await sql`INSERT INTO audit_events SELECT * FROM jsonb_populate_recordset(NULL::audit_events, ${rows}::jsonb)`.execute(
      db,
    );
  }
  const rawRate = N / ((performance.now() - t) / 1000);

  // Buffered append: record() N events from 50 concurrent "requests", then flush; hashing,
  // redaction, commitments and the chain-head lock included. Default buffer options (batch 1000,
  // two writes in flight on Kysely), plus the same with one write at a time for comparison.
  const latencies: number[] = [];
  const buffered = async (tenantId: string, concurrency?: number) => {
    const log = createAuditLog({
      store: kyselyAuditStore(db),
      buffer: { maxQueue: 20_000, flushIntervalMs: 20, ...(concurrency ? { concurrency } : {}) },
    });
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, (_, w) =>
        runWithAuditContext({ ...ctx, tenantId }, async () => {
          for (let i = w; i < N; i += 50) {
            const s = performance.now();
            await log.record(input(i));
            if (!concurrency) latencies.push(performance.now() - s);
          }
        }),
      ),
    );
    await log.flush();
    const rate = N / ((performance.now() - start) / 1000);
    const check = await log.verify({ tenantId });
    if (!check.valid || check.count !== N) throw new Error(`chain ${tenantId} not valid: ${JSON.stringify(check)}`);
    return { rate, log };
  };
  const { rate: bufferedRate, log: audit } = await buffered('bench');
  const { rate: serialRate } = await buffered('bench-serial', 1);

  // Latency of a single buffered record() while the writer is idle-ish, vs an unbuffered record().
  const quiet: number[] = [];
  const direct: number[] = [];
  const audit2 = createAuditLog({ store: kyselyAuditStore(db), buffer: { batchSize: 1000, flushIntervalMs: 20 } });
  await runWithAuditContext(ctx, async () => {
    for (let i = 0; i < 2000; i++) {
      const s = performance.now();
      await audit2.record(input(i));
      quiet.push(performance.now() - s);
    }
    for (let i = 0; i < 300; i++) {
      const s = performance.now();
      await audit0.record(input(i));
      direct.push(performance.now() - s);
    }
  });
  await audit2.close();

  t = performance.now();
  const v = await audit.verify({ tenantId: 'bench' });
  const verifyRate = v.count / ((performance.now() - t) / 1000);

  const f = (x: number) => x.toFixed(3);
  console.log(
    `events: ${N}; load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, now ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${cpus} cores)`,
  );
  console.log(`baseline raw INSERT (no hash, no lock):  ${Math.round(rawRate)} rows/s`);
  console.log(
    `buffered record() -> PostgreSQL:         ${Math.round(bufferedRate)} events/s  (${(bufferedRate / rawRate).toFixed(2)}x raw INSERT)`,
  );
  console.log(
    `  same, one write in flight (concurrency 1): ${Math.round(serialRate)} events/s  (${(serialRate / rawRate).toFixed(2)}x raw INSERT)`,
  );
  console.log(
    `record() latency under load:             p50 ${f(pct(latencies, 50))} ms, p99 ${f(pct(latencies, 99))} ms`,
  );
  console.log(`record() latency, buffered, light load:  p50 ${f(pct(quiet, 50))} ms, p99 ${f(pct(quiet, 99))} ms`);
  console.log(
    `record() latency, unbuffered (baseline): p50 ${f(pct(direct, 50))} ms, p99 ${f(pct(direct, 99))} ms  (buffered p50 is ${(pct(direct, 50) / pct(quiet, 50)).toFixed(0)}x lower)`,
  );
  console.log(`verify(): ${v.valid ? 'valid' : 'INVALID'}, ${v.count} events, ${Math.round(verifyRate)} events/s`);
} finally {
  await db.destroy();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
