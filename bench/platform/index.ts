// bench/platform: what @portalkit/platform/http costs on the reference API's busiest read, the
// tenant-scoped files list, without any HTTP framework. In one process on real PostgreSQL:
// - baseline: one node-postgres query of the same 20 rows (the SQL of kyselyFileStore.list, the
//   same pool size), mapped to the same JSON shape and serialised: the least any server can do;
// - platform: what an example server runs for `GET /api/v1/tenants/:id/files?limit=20` between
//   its framework's parsing and writing: `access.authorize` (bearer token, tenant membership and
//   role, CORS headers), `validateRouteInput` (the contract's zod schemas), `operations.listFiles`
//   (file service, Kysely store, DTOs) and `JSON.stringify`, inside `runWithAuditContext`;
// - and the pieces of it that need no I/O, to show where the time goes; the rest of the difference
//   is the Kysely store (building and compiling the query, the rows to records).
// Two measures, variants alternating so machine noise hits them alike:
// 1. one request at a time: median latency of each (PostgreSQL round trip included);
// 2. CONCURRENCY requests in flight for BENCH_SECONDS per round, BENCH_ROUNDS rounds: requests/s
//    and this process's CPU per request (user + system), the figure that decides how many requests
//    a server process can serve. Ratios are platform / baseline.
// 3. the CPU per call of the pieces that need no I/O (access check with its caches warm,
//    validation, DTOs and JSON), called back to back.
// Needs PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test) and `pnpm build`.
// Env: BENCH_RUNS (sequential runs per variant, 2000), BENCH_SECONDS (2), BENCH_ROUNDS (5),
// BENCH_CONCURRENCY (32).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { runWithAuditContext } from '@portalkit/audit';
import { routes } from '@portalkit/client/contract';
import { createPlatform, loadConfig, type Platform } from '@portalkit/platform';
import { createAccess, createOperations, fileDto, validateRouteInput } from '@portalkit/platform/http';
import pg from 'pg';
import { printableAdminUrl, withDatabase } from '../shared/database.js';
import { FILES_PAGE_SQL, filesPage } from '../shared/files-page.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PASSWORD = 'violet-otter-harbour-93';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The verification token in the newest mail of the file mailer. */
async function mailedToken(mailDir: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const names = (await readdir(mailDir).catch(() => [] as string[])).sort().reverse();
    for (const name of names) {
      const text = (await readFile(join(mailDir, name), 'utf8')).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const match = /[?&]token=([^\s&]+)/.exec(text);
      if (match) return decodeURIComponent(match[1]!);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no verification mail');
}

/** A verified user, a tenant with 20 files, and a token minted for that tenant. */
async function seed(platform: Platform, mailDir: string): Promise<{ token: string; tenantId: string }> {
  const email = 'bench@example.com';
  await platform.auth.register({ email, password: PASSWORD, name: 'Bench' }, {});
  await platform.auth.verifyEmail({ token: await mailedToken(mailDir) }, {});
  const login = await platform.auth.login({ email, password: PASSWORD }, {});
  const tenant = await platform.tenancy.createTenant({ name: 'Bench', slug: 'bench' }, { userId: login.user.id });
  for (let i = 0; i < 20; i++) {
    await platform.files.upload(tenant.id, Readable.from([Buffer.from(`file ${i}\n`)]), {
      name: `f${i}.txt`,
      declaredType: 'text/plain',
      createdBy: login.user.id,
    });
  }
  const switched = await platform.auth.refresh({ refreshToken: login.refreshToken, tenantId: tenant.id }, {});
  return { token: switched.accessToken, tenantId: tenant.id };
}

type Variant = () => Promise<unknown>;

/** Median latency in ms of each variant, one call at a time, variants alternating. */
async function sequential(variants: Record<string, Variant>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const entries = Object.entries(variants);
  for (let i = 0; i < 300; i++) for (const [, fn] of entries) await fn();
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of i % 2 === 0 ? entries : [...entries].reverse()) {
      const t0 = performance.now();
      await fn();
      times[name]!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** CONCURRENCY loops calling `fn` for SECONDS: requests/s and this process's CPU µs per request. */
async function saturate(fn: Variant): Promise<{ rps: number; cpuUs: number }> {
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await fn();
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return { rps: done / elapsed, cpuUs: (used.user + used.system) / done };
}

async function run(url: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'portalkit-bench-platform-'));
  const platform = await createPlatform({
    config: loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, LOG_LEVEL: 'silent' }, { name: 'bench' }),
    background: false,
  });
  // The baseline's pool: the platform's size (10), the same database.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    const { token, tenantId } = await seed(platform, join(dataDir, 'mail'));
    const access = createAccess(platform);
    const operations = createOperations(platform);
    const authorization = `Bearer ${token}`;
    const params = { tenantId };
    const query = { limit: '20' };

    const baseline: Variant = async () => {
      const { rows } = await pool.query(FILES_PAGE_SQL, [tenantId, 21]);
      return JSON.stringify(filesPage(rows, 20));
    };
    const request = { requestId: 'bench', ip: '127.0.0.1', userAgent: 'bench' };
    const full: Variant = () =>
      runWithAuditContext(request, async () => {
        const grant = await access.authorize(routes.listFiles, { authorization, origin: undefined, params });
        const input = await validateRouteInput(routes.listFiles, { params, query, contentType: undefined });
        const result = await operations.listFiles({
          ...input,
          claims: grant.claims,
          client: { ip: '127.0.0.1', userAgent: 'bench' },
          header: () => undefined,
        });
        if (result.type !== 'json' || result.status !== 200) throw new Error(`listFiles answered ${result.type}`);
        return JSON.stringify(result.body);
      });
    const page = await platform.files.list(tenantId, { limit: 20 });
    // The pieces that need no I/O, each called back to back (CPU per call).
    const pieces: Record<string, () => unknown> = {
      'access.authorize (cached grant)': () =>
        runWithAuditContext(request, () =>
          access.authorize(routes.listFiles, { authorization, origin: undefined, params }),
        ),
      validateRouteInput: () => validateRouteInput(routes.listFiles, { params, query, contentType: undefined }),
      'fileDto x20 + JSON.stringify': () =>
        JSON.stringify({ items: page.items.map(fileDto), nextCursor: page.nextCursor }),
      'runWithAuditContext (empty)': () => runWithAuditContext(request, () => Promise.resolve()),
    };
    // The two must answer the same items: the comparison is between equal work.
    const same = JSON.parse((await full()) as string) as { items: Array<{ id: string }> };
    const base = JSON.parse((await baseline()) as string) as { items: Array<{ id: string }> };
    if (same.items.length !== 20 || same.items.map((i) => i.id).join() !== base.items.map((i) => i.id).join()) {
      throw new Error('the baseline and the platform answered different pages');
    }

    console.log(
      `PostgreSQL ${printableAdminUrl()}, 20 files of one tenant; ${RUNS} sequential runs per variant (median)`,
    );
    const lat = await sequential({ baseline, platform: full });
    const us = (ms: number) => `${(ms * 1000).toFixed(0).padStart(5)} µs`;
    console.log(
      `one at a time: baseline ${us(lat.baseline!)}   platform ${us(lat.platform!)}   ratio ${(lat.platform! / lat.baseline!).toFixed(2)}`,
    );
    const b: Array<{ rps: number; cpuUs: number }> = [];
    const p: typeof b = [];
    await saturate(baseline);
    await saturate(full);
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        b.push(await saturate(baseline));
        p.push(await saturate(full));
      } else {
        p.push(await saturate(full));
        b.push(await saturate(baseline));
      }
    }
    const mb = { rps: median(b.map((x) => x.rps)), cpu: median(b.map((x) => x.cpuUs)) };
    const mp = { rps: median(p.map((x) => x.rps)), cpu: median(p.map((x) => x.cpuUs)) };
    console.log(
      `${CONCURRENCY} in flight (${ROUNDS} rounds of ${SECONDS} s, median): baseline ${mb.rps.toFixed(0)} req/s, ${mb.cpu.toFixed(0)} µs CPU/req | platform ${mp.rps.toFixed(0)} req/s, ${mp.cpu.toFixed(0)} µs CPU/req`,
    );
    console.log(
      `platform / baseline: requests/s ${(mp.rps / mb.rps).toFixed(2)}, CPU per request ${(mp.cpu / mb.cpu).toFixed(2)}x (+${(mp.cpu - mb.cpu).toFixed(0)} µs)`,
    );
    console.log(`CPU of the pieces without I/O (µs per call, back to back, median of ${ROUNDS} rounds):`);
    for (const [label, fn] of Object.entries(pieces)) {
      const runs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const calls = 20_000;
        const t0 = performance.now();
        for (let i = 0; i < calls; i++) await fn();
        runs.push(((performance.now() - t0) * 1000) / calls);
      }
      console.log(`  ${label.padEnd(34)} ${median(runs).toFixed(1).padStart(6)} µs`);
    }
  } finally {
    await platform.close();
    await pool.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

withDatabase(run).catch((error) => {
  console.error(error);
  process.exit(1);
});
