// bench/server: both example servers on PostgreSQL, measured on loopback with autocannon.
// 1. Authenticated, tenant-scoped GET /api/v1/tenants/:id/files?limit=20 against the same server's
//    static JSON route (GET /health): requests/s ratio and p50/p95/p99 at 50 connections.
// 2. 100 concurrent 1 MiB multipart uploads: all must succeed; throughput and the server's peak RSS.
// Needs PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test) and built servers
// (`pnpm build`). The machine is shared: read the ratios, not the absolute numbers.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
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

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `pk_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

interface Server {
  url: string;
  child: ChildProcess;
  dataDir: string;
}

async function start(name: string, databaseUrl: string): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), `portalkit-bench-${name}-`));
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'examples', name, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, dataDir };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start`);
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
  await rm(server.dataDir, { recursive: true, force: true });
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

async function upload(server: Server, tenantId: string, token: string, bytes: Buffer, name: string): Promise<number> {
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

function cannon(url: string, headers: Record<string, string> = {}) {
  return autocannon({ url, connections: 50, duration: DURATION, headers });
}

function peakRssMiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024);
}

async function bench(name: string): Promise<void> {
  await withDatabase(async (databaseUrl) => {
    const server = await start(name, databaseUrl);
    try {
      const { token, tenantId } = await seed(server);
      await cannon(`${server.url}/health`); // warm-up
      const base = await cannon(`${server.url}/health`);
      const files = await cannon(`${server.url}/api/v1/tenants/${tenantId}/files?limit=20`, {
        authorization: `Bearer ${token}`,
      });
      if (files.non2xx > 0 || files.errors > 0)
        throw new Error(`${name}: ${files.non2xx} non-2xx, ${files.errors} errors`);
      console.log(
        `${name}: static JSON ${base.requests.average.toFixed(0)} req/s | files list ${files.requests.average.toFixed(0)} req/s ` +
          `(ratio ${(files.requests.average / base.requests.average).toFixed(2)}, target >= 0.35) | ` +
          `files list latency p50 ${files.latency.p50} ms, p90 ${files.latency.p90} ms, p97.5 ${files.latency.p97_5} ms ` +
          `(p95 lies between), p99 ${files.latency.p99} ms (target p95 < 50 ms)`,
      );

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

for (const name of ['express-server', 'hono-server']) await bench(name);
