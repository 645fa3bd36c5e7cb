// bench/server: both example servers on PostgreSQL, measured on loopback with autocannon.
// 1. Authenticated, tenant-scoped GET /api/v1/tenants/:id/files?limit=20 against the same server's
//    static JSON route (GET /health, behind the same middleware stack): requests/s ratio and
//    p50/p95/p99 at 50 connections. Each route is warmed up first (JIT, the pg pool's connections,
//    the verified-token and tenancy access caches), then static and files runs alternate for
//    BENCH_ROUNDS rounds and the ratio is the median round's, so a burst of load from other jobs on
//    the shared machine hits both routes alike. Latencies are exact percentiles of every response
//    of the files runs (autocannon's summary has no p95).
//    Then the floor of the same framework (floor.mjs: no middleware, auth, tenancy, validation or
//    logging; one precompiled node-postgres query of the same 20 rows, the same JSON), measured
//    the same way on the same database: the most any server on this framework can do for the route.
// 2. The files list query: storage_files gets BENCH_BACKGROUND_FILES rows of 1 000 other tenants
//    and the plan of the list query (first page and a page behind a cursor) is printed: from
//    100 000 background rows (100 per tenant) it must be one index range scan, else the bench fails.
// 3. 100 concurrent 1 MiB multipart uploads: all must succeed; throughput and the server's peak RSS.
// The load generator runs in this process, the server in a child process and PostgreSQL in its
// own: on a 2-core machine they share the cores (CPU seconds of each are printed), so read the
// ratios, not the absolute numbers. Needs PostgreSQL (DATABASE_URL or
// postgres://postgres@127.0.0.1:5432/test) and built servers (`pnpm build`).
// Env: BENCH_SECONDS (per run, 5), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (5), BENCH_SERVERS
// (express-server,hono-server), BENCH_BACKGROUND_FILES (200000), BENCH_CPU_PROF=<dir> (server runs
// with --cpu-prof; open the .cpuprofile in Chrome DevTools), BENCH_NODE_OPTIONS (NODE_OPTIONS of the
// example and floor servers, e.g. `--max-semi-space-size=64`; unset: Node's defaults).
//
// What the profiles said (2026-12-01, Node 20, the machine 100 % busy with other jobs):
// - The old bench warmed up /health only: the files route was measured cold (pool connections,
//   JIT, caches) and in one run, so a burst of other jobs decided the figure. Hono's 0.06 was
//   mostly that and the metric itself: Hono serves /health for ~60-110 µs of CPU, Express for
//   ~200-320 µs, while the files route's cost is mostly framework-independent (one PostgreSQL
//   round trip, 20 rows parsed, 5 KB of JSON written), so the same files route gives Hono the
//   lower ratio although it serves more files requests per second than Express. Compare servers
//   by the "CPU per request" line; the ratio mostly says how cheap the static route is.
// - Before the tenancy access cache, each files request made three queries (tenant, membership,
//   files); now one. The largest single cost left in a files request is writev on loopback
//   sockets (17-30 % of the server's samples: the pg query and the HTTP response), then pg row
//   parsing, the response JSON, GC, and per-request pino child loggers (3 per tenant request:
//   child() + bindings serialization, ~3-4 %, paid even at LOG_LEVEL=warn).
// - PostgreSQL runs on the same 2 cores (~220-300 µs of CPU per files query), so at 50 connections
//   p95 < 50 ms needs well over 1 000 files requests/s, which this shared machine did not give.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { withDatabase } from '../shared/database.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const BACKGROUND_FILES = Number(process.env.BENCH_BACKGROUND_FILES ?? 200_000);
const PASSWORD = 'violet-otter-harbour-93';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface Server {
  url: string;
  child: ChildProcess;
  dataDir: string;
}

/** Spawns `node <args>` with `env` on a free port (PORT) and waits until `readyPath` answers 2xx. */
async function spawnServer(
  label: string,
  args: string[],
  env: Record<string, string>,
  readyPath: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}${readyPath}`)).ok) return { url, child };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${label} did not start`);
}

/** Sends SIGTERM and waits for the process to exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function start(name: string, databaseUrl: string): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), `portalkit-bench-${name}-`));
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const { url, child } = await spawnServer(
    name,
    [...profile, join(root, 'examples', name, 'dist', 'main.js')],
    { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    '/health',
  );
  return { url, child, dataDir };
}

async function stop(server: Server): Promise<void> {
  await stopChild(server.child);
  await rm(server.dataDir, { recursive: true, force: true });
}

/** The floor server (floor.mjs) of one framework on the bench database, for the seeded tenant. */
function startFloor(name: string, databaseUrl: string, tenantId: string) {
  return spawnServer(
    `${name} floor server`,
    [join(root, 'bench', 'server', 'floor.mjs')],
    { FLOOR_FRAMEWORK: name, DATABASE_URL: databaseUrl, TENANT_ID: tenantId },
    '/static',
  );
}

async function json(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

/** A verified user, a tenant and 20 files; returns a tenant-scoped access token. */
async function seed(server: Server): Promise<{ token: string; tenantId: string }> {
  const email = 'bench@example.com';
  await json(`${server.url}/api/v1/auth/register`, { email, password: PASSWORD, name: 'Bench' });
  const mailDir = join(server.dataDir, 'mail');
  let mail: string | undefined;
  for (let i = 0; i < 100 && !mail; i++) {
    mail = (await readdir(mailDir).catch(() => []))[0];
    if (!mail) await new Promise((r) => setTimeout(r, 100));
  }
  const text = (await readFile(join(mailDir, mail!), 'utf8')).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const verifyToken = decodeURIComponent(/[?&]token=([^\s&]+)/.exec(text)![1]!);
  await json(`${server.url}/api/v1/auth/verify-email`, { token: verifyToken });
  const login = await json(`${server.url}/api/v1/auth/login`, { email, password: PASSWORD });
  const { tenant } = (await json(
    `${server.url}/api/v1/tenants`,
    { name: 'Bench', slug: `bench-${randomBytes(3).toString('hex')}` },
    login.accessToken as string,
  )) as { tenant: { id: string } };
  const switched = await json(`${server.url}/api/v1/auth/refresh`, {
    refreshToken: login.refreshToken,
    tenantId: tenant.id,
  });
  const token = switched.accessToken as string;
  for (let i = 0; i < 20; i++) await upload(server, tenant.id, token, Buffer.from(`file ${i}\n`), `f${i}.txt`);
  return { token, tenantId: tenant.id };
}

async function upload(
  server: Server,
  tenantId: string,
  token: string,
  bytes: Buffer<ArrayBuffer>,
  name: string,
): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'text/plain' }), name);
  const res = await fetch(`${server.url}/api/v1/tenants/${tenantId}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  await res.arrayBuffer();
  return res.status;
}

interface Run {
  rps: number;
  non2xx: number;
  errors: number;
  latencies: number[];
}

/** One autocannon run at 50 connections; every response's latency is kept for exact percentiles. */
async function cannon(url: string, headers: Record<string, string> = {}, seconds = DURATION): Promise<Run> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: 50, duration: seconds, headers }, (err, done) =>
      err ? reject(err) : resolve(done),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, latencies };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** CPU seconds used so far by a process (user + system), from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** CPU seconds so far of the PostgreSQL backends serving `database`, by pid (other jobs' backends are left out). */
async function postgresCpu(database: string): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    // A backend's title: "postgres: 15/main: <user> <database> <client> <state>".
    if (cmdline.startsWith('postgres:') && cmdline.split(' ').includes(database))
      byPid.set(Number(entry), await cpuSeconds(Number(entry)));
  }
  return byPid;
}

/** CPU seconds PostgreSQL used between two snapshots (a backend that exited in between is not counted). */
function postgresDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Busy CPU seconds of the whole machine, from /proc/stat. */
async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

interface Cpu {
  server: number;
  loadGenerator: number;
  postgres: number;
  machine: number;
}

/** CPU seconds used while `fn` ran, by the server, this process (the load generator), PostgreSQL and the machine. */
async function measureCpu<T>(
  serverPid: number,
  database: string,
  fn: () => Promise<T>,
): Promise<{ result: T; cpu: Cpu }> {
  const server = await cpuSeconds(serverPid);
  const postgres = await postgresCpu(database);
  const machine = await machineBusySeconds();
  const self = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(self);
  return {
    result,
    cpu: {
      server: (await cpuSeconds(serverPid)) - server,
      loadGenerator: (used.user + used.system) / 1e6,
      postgres: postgresDelta(postgres, await postgresCpu(database)),
      machine: (await machineBusySeconds()) - machine,
    },
  };
}

/**
 * Files of 1 000 other tenants (some deleted or pending) in storage_files, so the list query runs
 * against a table where one tenant is a small slice; then the list query's plan is checked.
 */
async function backgroundFilesAndPlan(databaseUrl: string, tenantId: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into storage_files (id, tenant_id, key, name, size, content_type, status, created_at, deleted_at)
       select 'bg-' || g, 'bg-tenant-' || (g % 1000), 'bg/' || g, 'file ' || g || '.txt', 100, 'text/plain',
              case when g % 10 = 0 then 'deleted' when g % 17 = 0 then 'pending' else 'ready' end,
              now() - g * interval '1 second', case when g % 10 = 0 then now() end
       from generate_series(1, $1::int) g`,
      [BACKGROUND_FILES],
    );
    await client.query('analyze storage_files');
    // The SQL of kyselyFileStore.list: first page, then a page behind a cursor.
    const list = (cursor: string) =>
      `explain (format json) select * from storage_files where tenant_id = $1 and status = 'ready' ${cursor}
       order by created_at desc, id desc limit 21`;
    const plans: string[] = [];
    for (const [label, text, params] of [
      ['first page', list(''), [tenantId]],
      ['behind a cursor', list('and (created_at, id) < ($2, $3)'), [tenantId, new Date(), 'zzz']],
      ['first page of a background tenant', list(''), ['bg-tenant-7']],
    ] as const) {
      const { rows } = await client.query(text, [...params]);
      const plan = (rows[0] as { 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> })['QUERY PLAN'][0]!.Plan;
      // Each node down the first branch (Limit > Sort > Bitmap Heap Scan > ...), the last with its index.
      const nodes: Array<Record<string, unknown>> = [];
      for (let n: Record<string, unknown> | undefined = plan; n; n = (n.Plans as typeof nodes | undefined)?.[0])
        nodes.push(n);
      const chain = nodes.map((n) => {
        const index = n['Index Name'] ? ` on ${n['Index Name']} (index cond ${n['Index Cond'] ?? '-'})` : '';
        return `${n['Node Type']}${index}${n.Filter ? ` FILTER ${n.Filter}` : ''}`;
      });
      const line = chain.join(' > ');
      // With a few rows per tenant, reading them all and sorting them is the planner's right choice
      // (seen at 20 000 rows, 20 per tenant): check from 100 000 rows, where a sort would read 100+.
      const scan = nodes[1];
      const indexed = plan['Node Type'] === 'Limit' && scan?.['Node Type'] === 'Index Scan' && !scan.Filter;
      if (!indexed && BACKGROUND_FILES >= 100_000)
        throw new Error(`the files list query is not one index range scan (${label}): ${line}`);
      plans.push(`${label}: ${line}`);
    }
    return plans.join('\n  ');
  } finally {
    await client.end();
  }
}

function peakRssMiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024);
}

async function bench(name: string): Promise<void> {
  await withDatabase(async (databaseUrl) => {
    const server = await start(name, databaseUrl);
    try {
      const { token, tenantId } = await seed(server);
      const plans = await backgroundFilesAndPlan(databaseUrl, tenantId);
      console.log(
        `${name}: files list plan (${BACKGROUND_FILES} files of 1 000 other tenants in the table):\n  ${plans}`,
      );
      const filesUrl = `${server.url}/api/v1/tenants/${tenantId}/files?limit=20`;
      const auth = { authorization: `Bearer ${token}` };
      await cannon(`${server.url}/health`, {}, WARMUP);
      await cannon(filesUrl, auth, WARMUP);
      const pid = server.child.pid!;
      const dbName = new URL(databaseUrl).pathname.slice(1);
      const rounds: Array<{ base: number; files: number }> = [];
      const latencies: number[] = [];
      const zero = (): Cpu => ({ server: 0, loadGenerator: 0, postgres: 0, machine: 0 });
      const cpu = { base: zero(), files: zero() };
      const served = { base: 0, files: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const base = await measureCpu(pid, dbName, () => cannon(`${server.url}/health`));
        const files = await measureCpu(pid, dbName, () => cannon(filesUrl, auth));
        if (files.result.non2xx > 0 || files.result.errors > 0)
          throw new Error(`${name}: ${files.result.non2xx} non-2xx, ${files.result.errors} errors`);
        rounds.push({ base: base.result.rps, files: files.result.rps });
        latencies.push(...files.result.latencies);
        served.base += base.result.latencies.length;
        served.files += files.result.latencies.length;
        for (const k of Object.keys(zero()) as Array<keyof Cpu>) {
          cpu.base[k] += base.cpu[k];
          cpu.files[k] += files.cpu[k];
        }
      }
      const ratios = rounds.map((r) => r.files / r.base);
      const mid = rounds[ratios.indexOf(median(ratios))]!;
      latencies.sort((a, b) => a - b);
      const ms = (v: number) => v.toFixed(1);
      console.log(
        `${name}: static JSON ${mid.base.toFixed(0)} req/s | files list ${mid.files.toFixed(0)} req/s ` +
          `(ratio ${median(ratios).toFixed(2)}, target >= 0.35; rounds ${rounds.map((r) => `${r.files.toFixed(0)}/${r.base.toFixed(0)}`).join(' ')}) | ` +
          `files list latency p50 ${ms(percentile(latencies, 50))} ms, p95 ${ms(percentile(latencies, 95))} ms, ` +
          `p99 ${ms(percentile(latencies, 99))} ms (target p95 < 50 ms)`,
      );
      // CPU per request does not depend on how much of the machine other jobs took: the steadier figure.
      const perRequest = (seconds: number, requests: number) => (seconds * 1e6) / Math.max(1, requests);
      const serverBase = perRequest(cpu.base.server, served.base);
      const serverFiles = perRequest(cpu.files.server, served.files);
      const pgFiles = perRequest(cpu.files.postgres, served.files);
      console.log(
        `${name}: CPU per request: static JSON ${serverBase.toFixed(0)} µs server | files list ${serverFiles.toFixed(0)} µs server + ` +
          `${pgFiles.toFixed(0)} µs PostgreSQL (server-CPU ratio ${(serverBase / serverFiles).toFixed(2)}, ` +
          `server+PostgreSQL ratio ${(serverBase / (serverFiles + pgFiles)).toFixed(2)}); cores busy during the files runs: ` +
          `server ${(cpu.files.server / (ROUNDS * DURATION)).toFixed(2)}, load generator ${(cpu.files.loadGenerator / (ROUNDS * DURATION)).toFixed(2)}, ` +
          `PostgreSQL ${(cpu.files.postgres / (ROUNDS * DURATION)).toFixed(2)}, whole machine ${(cpu.files.machine / (ROUNDS * DURATION)).toFixed(2)} of 2`,
      );

      // The floor: the same framework with nothing but the query (floor.mjs), same database and rows.
      const floor = await startFloor(name, databaseUrl, tenantId);
      try {
        await cannon(`${floor.url}/static`, {}, WARMUP);
        await cannon(`${floor.url}/files`, {}, WARMUP);
        const floorRounds: Array<{ base: number; files: number }> = [];
        const floorCpu = { base: 0, files: 0, served: { base: 0, files: 0 } };
        for (let round = 0; round < ROUNDS; round++) {
          const base = await measureCpu(floor.child.pid!, dbName, () => cannon(`${floor.url}/static`));
          const files = await measureCpu(floor.child.pid!, dbName, () => cannon(`${floor.url}/files`));
          if (files.result.non2xx > 0 || files.result.errors > 0)
            throw new Error(`${name} floor: ${files.result.non2xx} non-2xx, ${files.result.errors} errors`);
          floorRounds.push({ base: base.result.rps, files: files.result.rps });
          floorCpu.base += base.cpu.server;
          floorCpu.files += files.cpu.server;
          floorCpu.served.base += base.result.latencies.length;
          floorCpu.served.files += files.result.latencies.length;
        }
        const floorRatios = floorRounds.map((r) => r.files / r.base);
        const floorMid = floorRounds[floorRatios.indexOf(median(floorRatios))]!;
        const exampleFiles = median(rounds.map((r) => r.files));
        console.log(
          `${name}: floor (same framework, no middleware/auth/tenancy/validation/logging, one precompiled query of the same 20 rows): ` +
            `static ${floorMid.base.toFixed(0)} req/s | files ${floorMid.files.toFixed(0)} req/s (ratio ${median(floorRatios).toFixed(2)}); ` +
            `CPU per request ${perRequest(floorCpu.base, floorCpu.served.base).toFixed(0)} µs static, ${perRequest(floorCpu.files, floorCpu.served.files).toFixed(0)} µs files; ` +
            `the example's files list serves ${(exampleFiles / median(floorRounds.map((r) => r.files))).toFixed(2)}x the floor's files requests/s and ` +
            `${(exampleFiles / median(floorRounds.map((r) => r.base))).toFixed(2)}x the floor's static requests/s`,
        );
      } finally {
        await stopChild(floor.child);
      }

      const before = await peakRssMiB(server.child.pid!);
      const payload = randomBytes(1024 * 1024)
        .toString('base64')
        .slice(0, 1024 * 1024);
      const started = performance.now();
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => upload(server, tenantId, token, Buffer.from(payload), `big-${i}.txt`)),
      );
      const seconds = (performance.now() - started) / 1000;
      const ok = statuses.filter((s) => s === 201).length;
      const after = await peakRssMiB(server.child.pid!);
      console.log(
        `${name}: 100 concurrent 1 MiB uploads: ${ok}/100 succeeded in ${seconds.toFixed(2)} s ` +
          `(${(100 / seconds).toFixed(1)} MiB/s); server peak RSS ${before.toFixed(0)} -> ${after.toFixed(0)} MiB`,
      );
    } finally {
      await stop(server);
    }
  });
}

const servers = process.env.BENCH_SERVERS?.split(',') ?? ['express-server', 'hono-server'];
for (const name of servers) await bench(name);
