// @portalkit/client benchmark: browser bundle size (minified + gzip, zod external; budget 10 kB)
// and per-call overhead of the typed client against a bare fetch + JSON.parse baseline, both over
// an in-memory fetch so only client-side work is measured.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createClient, memoryTokenStorage } from '@portalkit/client';
import { build } from 'esbuild';

const BUDGET = 10 * 1024;
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@portalkit/client/package.json'));

async function bundleSize(entry: string): Promise<{ raw: number; gzip: number }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser', // fails on any Node built-in
    target: 'es2022',
    external: ['zod'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

const kb = (n: number) => `${(n / 1024).toFixed(2)} kB`;
const client = await bundleSize(join(pkgDir, 'dist/index.js'));
const contract = await bundleSize(join(pkgDir, 'dist/contract/index.js'));
console.log('bundle (esbuild --minify, platform browser, zod external, gzip -9):');
console.log(
  `  @portalkit/client           ${kb(client.raw)} min, ${kb(client.gzip)} gzip  (${((client.gzip / BUDGET) * 100).toFixed(0)}% of the 10 kB budget)`,
);
console.log(
  `  @portalkit/client/contract  ${kb(contract.raw)} min, ${kb(contract.gzip)} gzip  (includes buildOpenApi)`,
);

// ---- call overhead ------------------------------------------------------------------------
const tenant = { id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: '2026-01-31T12:00:00.000Z' };
const files = {
  items: Array.from({ length: 20 }, (_, i) => ({
    id: `f${i}`,
    name: `file-${i}.pdf`,
    size: 1000 + i,
    contentType: 'application/pdf',
    checksum: 'a'.repeat(64),
    category: 'invoices',
    tags: ['q1', 'paid'],
    status: 'ready',
    createdAt: '2026-01-31T12:00:00.000Z',
    createdBy: 'u1',
  })),
  nextCursor: 'abc',
};
const bodies: Record<string, string> = {
  '/api/v1/tenants/t1': JSON.stringify({ tenant }),
  '/api/v1/tenants/t1/files': JSON.stringify(files),
};
const memoryFetch = async (input: string) =>
  new Response(bodies[new URL(input).pathname] ?? '{}', { headers: { 'content-type': 'application/json' } });

async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 500; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const perCall = ((performance.now() - start) * 1000) / n;
  return perCall;
}

const tokens = memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' });
const validated = createClient({ baseUrl: 'http://api.test', fetch: memoryFetch, tokens });
const unvalidated = createClient({ baseUrl: 'http://api.test', fetch: memoryFetch, tokens, validateResponses: false });
const N = 20_000;
const cases: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
  [
    'GET tenant',
    () => memoryFetch('http://api.test/api/v1/tenants/t1').then((r) => r.json()),
    () => validated.tenants.get('t1'),
  ],
  [
    'GET 20 files',
    () => memoryFetch('http://api.test/api/v1/tenants/t1/files?limit=20').then((r) => r.json()),
    () => validated.files.list('t1', { limit: 20 }),
  ],
];
console.log(`\ncall overhead over an in-memory fetch (${N} calls each; shared machine, other work running):`);
for (const [label, baseline, typed] of cases) {
  const base = await timeIt(N, baseline);
  const off = await timeIt(N, () =>
    label === 'GET tenant' ? unvalidated.tenants.get('t1') : unvalidated.files.list('t1', { limit: 20 }),
  );
  const on = await timeIt(N, typed);
  console.log(
    `  ${label.padEnd(13)} fetch+json ${base.toFixed(1)} µs | client, no validation ${off.toFixed(1)} µs (${(off / base).toFixed(2)}x) | client, validated ${on.toFixed(1)} µs (${(on / base).toFixed(2)}x)`,
  );
}

if (client.gzip > BUDGET) {
  console.error(`\n[portalkit/bench] client bundle ${kb(client.gzip)} gzip exceeds the 10 kB budget`);
  process.exit(1);
}
