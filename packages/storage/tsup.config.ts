import { defineConfig } from 'tsup';
import { packageBuild } from '../../scripts/tsup-preset.js';

const base = packageBuild(process.cwd());

// The exports map gives the library entries; the `portalkit-storage` CLI (package.json `bin`) is
// one more entry, built to dist/cli.js (ESM, shebang kept) and dist/cli.cjs.
export default defineConfig({
  ...base,
  entry: { ...(base.entry as Record<string, string>), cli: 'src/cli.ts' },
});
