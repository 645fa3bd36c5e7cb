// Storage benchmarks: each figure is a ratio against a baseline measured in the same run.
// `pnpm --filter @portalkit/bench run bench storage` (build @portalkit/storage first).
// Env: BENCH_LOCAL_MIB (default 1024), BENCH_S3_MIB (default 512).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createStorage } from '@portalkit/storage';

const MiB = 1024 * 1024;
const LOCAL_MIB = Number(process.env.BENCH_LOCAL_MIB ?? 1024);
const S3_MIB = Number(process.env.BENCH_S3_MIB ?? 512);

/** A stream of `mib` MiB made of one reused 1 MiB buffer (generation costs nothing). */
function source(mib: number): Readable {
  const chunk = Buffer.alloc(MiB, 0x5a);
  let left = mib;
  return new Readable({
    highWaterMark: MiB,
    read() {
      this.push(left-- > 0 ? chunk : null);
    },
  });
}

/** Runs fn, returning seconds and the peak RSS growth (MiB) over the RSS before it started. */
async function measure(fn: () => Promise<unknown>): Promise<{ seconds: number; rssGrowthMiB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, rssGrowthMiB: (peak - before) / MiB };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const best = <T extends { seconds: number }>(xs: T[]): T => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));

const fmt = (n: number, d = 1) => n.toFixed(d);

function report(
  label: string,
  mib: number,
  base: { seconds: number },
  ours: { seconds: number; rssGrowthMiB: number },
) {
  const baseRate = mib / base.seconds;
  const ourRate = mib / ours.seconds;
  console.log(
    `${label}: baseline ${fmt(baseRate)} MiB/s, portalkit ${fmt(ourRate)} MiB/s -> ratio ${fmt(ourRate / baseRate, 2)}x; peak RSS growth ${fmt(ours.rssGrowthMiB)} MiB`,
  );
}

async function startS3rver(dir: string): Promise<{ endpoint: string; stop: () => void }> {
  // s3rver runs in its own process so its memory does not count as ours.
  const code = `
    const S3rver = require('s3rver');
    new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(dir)} })
      .run().then((a) => console.log(a.port));`;
  const child = spawn(process.execPath, ['-e', code], {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function benchLocal(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pk-bench-local-'));
  try {
    const storage = createStorage({ provider: 'local', root: join(dir, 'root') });
    await storage.put('warmup', source(8));
    // interleaved rounds, best of each: the disk's write-back makes single runs noisy
    const bases = [];
    const runs = [];
    for (let round = 0; round < ROUNDS; round++) {
      bases.push(await measure(() => pipeline(source(LOCAL_MIB), createWriteStream(join(dir, 'baseline.bin')))));
      await rm(join(dir, 'baseline.bin'));
      runs.push(await measure(() => storage.put('big/object.bin', source(LOCAL_MIB))));
      await storage.delete('big/object.bin');
    }
    const base = best(bases);
    const ours = { ...best(runs), rssGrowthMiB: Math.max(...runs.map((r) => r.rssGrowthMiB)) };
    report(`local put, ${LOCAL_MIB} MiB unknown-length stream (vs stream.pipeline to a file)`, LOCAL_MIB, base, ours);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchS3(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pk-bench-s3-'));
  const server = await startS3rver(dir);
  try {
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const client = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const storage = createStorage({
      provider: 's3-compatible',
      endpoint: server.endpoint,
      bucket: 'bench',
      credentials,
      partSize: 8 * MiB,
      queueSize: 4,
    });
    await storage.put('warmup', source(16));
    const bases = [];
    const runs = [];
    for (let round = 0; round < ROUNDS; round++) {
      bases.push(
        await measure(() =>
          new Upload({
            client,
            params: { Bucket: 'bench', Key: 'baseline.bin', Body: source(S3_MIB) },
            partSize: 8 * MiB,
            queueSize: 4,
          }).done(),
        ),
      );
      runs.push(await measure(() => storage.put('big/object.bin', source(S3_MIB))));
    }
    const base = best(bases);
    const ours = { ...best(runs), rssGrowthMiB: Math.max(...runs.map((r) => r.rssGrowthMiB)) };
    report(`s3-compatible put to s3rver, ${S3_MIB} MiB stream (vs raw lib-storage Upload)`, S3_MIB, base, ours);

    const n = 5000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await storage.signedUrl(`tenants/t/files/${i}/a.pdf`, { expiresIn: 300 });
    const s3Rate = n / (Number(process.hrtime.bigint() - t0) / 1e9);
    client.destroy();
    (storage as { destroy?: () => void }).destroy?.();

    const local = createStorage({
      provider: 'local',
      root: join(dir, 'signing'),
      signing: { secret: 'bench-secret-bench-secret-bench-secret!', baseUrl: 'http://127.0.0.1:3000/files' },
    });
    const m = 50_000;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < m; i++) await local.signedUrl(`tenants/t/files/${i}/a.pdf`, { expiresIn: 300 });
    const localRate = m / (Number(process.hrtime.bigint() - t1) / 1e9);
    console.log(
      `signed URL generation: local ${Math.round(localRate)}/s, s3 presign ${Math.round(s3Rate)}/s (local/s3 ratio ${fmt(localRate / s3Rate, 1)}x)`,
    );
  } finally {
    server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(`node ${process.version}; shared 2-core machine, other jobs running: treat figures as indicative`);
await benchLocal();
await benchS3();
