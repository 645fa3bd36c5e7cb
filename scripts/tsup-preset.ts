import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from 'tsup';

/**
 * Build settings shared by every published package: ESM + CJS + declarations, one entry per
 * subpath of the package.json `exports` map (`.` is `src/index.ts`, `./kysely` is
 * `src/kysely/index.ts`), so the exports map is the single list of public entry points.
 */
export function packageBuild(packageDir: string): Options {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const entry: Record<string, string> = {};
  for (const key of Object.keys(pkg.exports)) {
    if (key === './package.json') continue;
    const sub = key === '.' ? '' : key.slice(2);
    entry[sub === '' ? 'index' : `${sub}/index`] = sub === '' ? 'src/index.ts' : `src/${sub}/index.ts`;
  }
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
  };
}
