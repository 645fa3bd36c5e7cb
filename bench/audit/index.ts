// bench/audit: buffered append throughput into PostgreSQL (hashing included) and the latency that
// buffered logging adds to a caller. Ratios are against baselines measured in the same run: a
// bare INSERT (the store's jsonb_populate_recordset statement, 1000 rows each) and a bare COPY
// FROM STDIN of pre-built rows of the same width (no hashing, no chain lock), and an unbuffered
// record() (one transaction per event). The buffered figures are end to end: from the first
// record() until every event is committed, and verify() must find each chain valid. The measured
// configuration is kyselyAuditStore(db, { pool }) (COPY); the INSERT path is measured too.
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createAuditLog, runWithAuditContext } from '@portalkit/audit';
import { type AnyKysely, type KyselyAuditStoreOptions, kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg, { type Submittable } from 'pg';
import { sampleContext, sampleInput } from './sample.js';

// pg-copy-streams is a dev dependency of @portalkit/audit (an optional peer): resolve it from there.
const copyStreams = createRequire(createRequire(import.meta.url).resolve('@portalkit/audit/package.json'))(
  'pg-copy-streams',
) as { from(text: string): Submittable & NodeJS.WritableStream };

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

if (process.env.AUDIT_BENCH === 'cpu') {
  // Node CPU per event without PostgreSQL (bench/audit/cpu.ts): `AUDIT_BENCH=cpu node bench/run.mjs audit`.
  await import('./cpu.js');
  process.exit(0);
}

const loadAtStart = loadavg();
const cpus = availableParallelism();
await admin(`CREATE DATABASE "${name}"`);
const url = new URL(ADMIN);
url.pathname = `/${name}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
const db: AnyKysely = new Kysely({ dialect: new PostgresDialect({ pool }) });

/** WAL bytes written (cluster-wide: other databases' writes count too) and table bytes added by `fn`. */
async function measured(table: string, fn: () => Promise<void>) {
  const lsn = async () => (await sql<{ l: string }>`SELECT pg_current_wal_lsn()::text AS l`.execute(db)).rows[0]!.l;
  const size = async () =>
    Number((await sql<{ s: string }>`SELECT pg_total_relation_size(${table}::regclass) AS s`.execute(db)).rows[0]!.s);
  const [l0, s0] = [await lsn(), await size()];
  const t = performance.now();
  await fn();
  const seconds = (performance.now() - t) / 1000;
  const l1 = await lsn();
  const wal = Number(
    (await sql<{ d: string }>`SELECT pg_wal_lsn_diff(${l1}::pg_lsn, ${l0}::pg_lsn) AS d`.execute(db)).rows[0]!.d,
  );
  return { rate: N / seconds, walPerRow: wal / N, bytesPerRow: ((await size()) - s0) / N };
}

try {
  await migrateAudit(db);
  const ctx = sampleContext;
  const input = sampleInput;

  // Baselines: pre-built rows exactly as the store stores the sample event (same columns, same
  // width), N of them with their own id, seq and resource id; no preparation, hashing,
  // commitments, chain lock or id check.
  const audit0 = createAuditLog({ store: kyselyAuditStore(db) });
  await runWithAuditContext({ ...ctx, tenantId: 'sample' }, () => audit0.record(input(0)));
  const stored = (
    await sql<{
      r: Record<string, unknown>;
    }>`SELECT row_to_json(e) AS r FROM audit_events e WHERE chain_key = 'sample'`.execute(db)
  ).rows[0]!.r;
  const row = (prefix: string, i: number) => ({
    ...stored,
    id: `${prefix}-${i}`,
    chain_key: prefix,
    tenant_id: prefix,
    seq: i + 1,
    resource_id: `f${i}`,
  });
  const columns = Object.keys(stored);
  const field = (v: unknown) =>
    v === null || v === undefined
      ? '\\N'
      : (typeof v === 'string' ? v : JSON.stringify(v)).replace(/[\\\t\n\r]/g, (c) =>
          c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
        );
  const rawInsert = (table: string, prefix: string, make = row) =>
    measured(table, async () => {
      for (let i = 0; i < N; i += 1000) {
        const rows = JSON.stringify(Array.from({ length: Math.min(1000, N - i) }, (_, j) => make(prefix, i + j)));
        await sql`INSERT INTO ${sql.table(table)} SELECT * FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${rows}::jsonb)`.execute(
          db,
        );
      }
    });
  const raw = await rawInsert('audit_events', 'raw');
  const rawCopy = await measured('audit_events', async () => {
    const client = await pool.connect();
    try {
      for (let i = 0; i < N; i += 1000) {
        const text = Array.from({ length: Math.min(1000, N - i) }, (_, j) => {
          const r = row('copy', i + j) as Record<string, unknown>;
          return `${columns.map((c) => field(r[c])).join('\t')}\n`;
        }).join('');
        await pipeline(
          Readable.from([Buffer.from(text)]),
          client.query(copyStreams.from(`COPY audit_events (${columns.join(', ')}) FROM STDIN`)),
        );
      }
    } finally {
      client.release();
    }
  });
  // The rows as they were before the narrowing (changes stored for creations, personal as objects
  // with a hex commitment, jsonb columns), into a copy of the table with the old column types.
  const [sampleEvent] = (await audit0.query({ tenantId: 'sample' })).items;
  await sql`CREATE TABLE audit_events_wide (LIKE audit_events INCLUDING ALL)`.execute(db);
  await sql`ALTER TABLE audit_events_wide ALTER changes TYPE jsonb, ALTER personal TYPE jsonb`.execute(db);
  const wide = await rawInsert('audit_events_wide', 'wide', (prefix, i) => ({
    ...row(prefix, i),
    changes: sampleEvent!.changes,
    personal: sampleEvent!.personal,
  }));

  // Buffered append: record() N events from 50 concurrent "requests", then flush; hashing,
  // redaction, commitments and the chain-head lock included. Default buffer options (batch 1000,
  // two writes in flight on Kysely).
  const latencies: number[] = [];
  const buffered = async (tenantId: string, storeOptions: KyselyAuditStoreOptions, keepLatency = false) => {
    const log = createAuditLog({
      store: kyselyAuditStore(db, storeOptions),
      buffer: { maxQueue: 20_000, flushIntervalMs: 20 },
    });
    const m = await measured('audit_events', () =>
      Promise.all(
        Array.from({ length: 50 }, (_, w) =>
          runWithAuditContext({ ...ctx, tenantId }, async () => {
            for (let i = w; i < N; i += 50) {
              const s = performance.now();
              await log.record(input(i));
              if (keepLatency) latencies.push(performance.now() - s);
            }
          }),
        ),
      ).then(() => log.flush()),
    );
    const check = await log.verify({ tenantId });
    if (!check.valid || check.count !== N) throw new Error(`chain ${tenantId} not valid: ${JSON.stringify(check)}`);
    return { ...m, log };
  };
  // Warm-up (not reported): the first buffered phase would otherwise pay for JIT compilation of
  // the shared producer and hashing code, which favoured whichever path ran second.
  const warmN = Math.min(N, 10_000);
  const warm = createAuditLog({
    store: kyselyAuditStore(db, { pool }),
    buffer: { maxQueue: 20_000, flushIntervalMs: 20 },
  });
  await runWithAuditContext({ ...ctx, tenantId: 'warm-up' }, async () => {
    for (let i = 0; i < warmN; i += 500) await warm.recordMany(Array.from({ length: 500 }, (_, j) => input(i + j)));
  });
  await warm.close();
  const copyRun = await buffered('bench', { pool }, true);
  const audit = copyRun.log;
  const insertRun = await buffered('bench-insert', {});
  const asyncRun = await buffered('bench-async', { pool, synchronousCommit: 'off' });

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

  const t = performance.now();
  const v = await audit.verify({ tenantId: 'bench' });
  const verifyRate = v.count / ((performance.now() - t) / 1000);

  const f = (x: number) => x.toFixed(3);
  const r = (x: number) => Math.round(x).toLocaleString('en-US');
  const cost = (m: { walPerRow: number; bytesPerRow: number }) =>
    `WAL ${r(m.walPerRow)} B/row, table+indexes ${r(m.bytesPerRow)} B/row`;
  console.log(
    `events: ${N}; load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, now ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${cpus} cores)`,
  );
  console.log(`baseline bare INSERT (no hash, no lock): ${r(raw.rate)} rows/s  (${cost(raw)})`);
  console.log(`baseline bare COPY (no hash, no lock):   ${r(rawCopy.rate)} rows/s  (${cost(rawCopy)})`);
  console.log(`  bare INSERT of the old wide rows:      ${r(wide.rate)} rows/s  (${cost(wide)})`);
  const ratios = (x: number) =>
    `${(x / raw.rate).toFixed(2)}x bare INSERT, ${(x / rawCopy.rate).toFixed(2)}x bare COPY`;
  console.log(
    `buffered record() -> PostgreSQL, COPY:   ${r(copyRun.rate)} events/s  (${ratios(copyRun.rate)}; ${cost(copyRun)})`,
  );
  console.log(`  same, INSERT path (no pool):           ${r(insertRun.rate)} events/s  (${ratios(insertRun.rate)})`);
  console.log(`  same, COPY + synchronousCommit 'off':  ${r(asyncRun.rate)} events/s  (${ratios(asyncRun.rate)})`);
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
