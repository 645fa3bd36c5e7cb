#!/usr/bin/env node
// Asserts that `npm pack` of every published package contains only dist/, README.md, CHANGELOG.md,
// package.json and LICENSE, and that each of those is present. Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const required = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];
let failed = false;
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const files = JSON.parse(out)[0].files.map((f) => f.path);
  const stray = files.filter((f) => !f.startsWith('dist/') && !required.includes(f));
  const missing = required.filter((f) => !files.includes(f));
  const hasDist = files.some((f) => f.startsWith('dist/'));
  if (stray.length || missing.length || !hasDist) {
    failed = true;
    console.error(
      `[check-pack] @portalkit/${name}: stray ${JSON.stringify(stray)} missing ${JSON.stringify(missing)} dist ${hasDist}`,
    );
  } else {
    console.log(`[check-pack] @portalkit/${name}: ${files.length} files, only dist/ + ${required.join(', ')}`);
  }
}
process.exit(failed ? 1 : 0);
