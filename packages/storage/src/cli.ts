#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { StorageConfig } from './config.js';
import { createStorage } from './create-storage.js';
import { isStorageError } from './errors.js';
import { storageConfigFromEnv } from './from-env.js';
import { migrateObjects } from './migrate.js';
import type { StorageProvider } from './types.js';

const USAGE = `usage: portalkit-storage migrate --from <spec> --to <spec> [--prefix <p>] [--dry-run] [--json]

<spec> is one of:
  local:<dir>          the local provider rooted at <dir>
  env                  the provider described by STORAGE_* environment variables
  config:<file.json>   a createStorage() configuration in a JSON file

Copies every object (streamed), verifies each copy by SHA-256, and skips objects already
verified at the destination, so an interrupted run can simply be started again.`;

function provider(spec: string): StorageProvider {
  if (spec.startsWith('local:')) return createStorage({ provider: 'local', root: spec.slice(6) });
  if (spec === 'env') return createStorage(storageConfigFromEnv(process.env, { strict: true }).config);
  if (spec.startsWith('config:')) {
    return createStorage(JSON.parse(readFileSync(spec.slice(7), 'utf8')) as StorageConfig);
  }
  throw new Error(`unknown provider spec "${spec}"`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'migrate') {
    console.error(USAGE);
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      prefix: { type: 'string', default: '' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.from || !values.to) {
    console.error(USAGE);
    return 2;
  }
  const from = provider(values.from);
  const to = provider(values.to);
  const started = Date.now();
  const result = await migrateObjects({
    from,
    to,
    prefix: values.prefix ?? '',
    dryRun: values['dry-run'] ?? false,
    onProgress: (p) => {
      if (values.json) console.error(JSON.stringify(p));
      else console.error(`[${p.index}] ${p.action}${p.error ? ` (${p.error})` : ''} ${p.key} ${p.bytes} B`);
    },
  });
  for (const p of [from, to]) (p as { destroy?: () => void }).destroy?.();
  const summary = { ...result, seconds: Math.round((Date.now() - started) / 100) / 10 };
  console.log(values.json ? JSON.stringify(summary) : `done: ${JSON.stringify(summary)}`);
  return result.failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      isStorageError(error) ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error),
    );
    process.exitCode = 2;
  },
);
