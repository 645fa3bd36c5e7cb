// Runs every benchmark folder (bench/<name>/index.ts) in turn with tsx, or only those named:
// `pnpm bench storage auth`. Benchmarks print ratios against a baseline run in the same process.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => a !== '--');
const all = readdirSync(here, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'node_modules' && existsSync(join(here, e.name, 'index.ts')))
  .map((e) => e.name)
  .sort();
const chosen = wanted.length > 0 ? wanted : all;
const unknown = chosen.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  console.error(`[portalkit/bench] unknown benchmark(s): ${unknown.join(', ')} (have: ${all.join(', ') || 'none'})`);
  process.exit(2);
}
if (chosen.length === 0) console.log('[portalkit/bench] no benchmarks yet');
let failed = 0;
for (const name of chosen) {
  console.log(`\n### bench/${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, name, 'index.ts')], {
    stdio: 'inherit',
    cwd: here,
  });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
