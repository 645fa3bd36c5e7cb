#!/usr/bin/env node
// The entry behind the README's two quick-start commands (`npm start`, `npm test`) and `pnpm bench`.
// It needs nothing but Node.js >= 20 and npm: when it is not already running under the pinned pnpm,
// it runs that pnpm through `npx`, installs the workspace from the lockfile when node_modules is
// missing or stale, builds what is needed, and then does what was asked.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.split('@')[1];

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`[portalkit] Node.js ${process.versions.node} is too old: use Node.js 20 or newer.`);
  process.exit(1);
}

function pnpmCommand() {
  const agent = process.env.npm_config_user_agent ?? '';
  const execPath = process.env.npm_execpath;
  if (agent.startsWith(`pnpm/${pnpmVersion}`) && execPath && existsSync(execPath)) {
    return [process.execPath, [execPath]];
  }
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  return [npx, ['--yes', `pnpm@${pnpmVersion}`]];
}

function run(args, options = {}) {
  const [cmd, pre] = pnpmCommand();
  const result = spawnSync(cmd, [...pre, ...args], { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function ensureInstalled() {
  const lock = join(root, 'pnpm-lock.yaml');
  const installed = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  const fresh =
    existsSync(installed) && existsSync(lock) && readFileSync(installed, 'utf8') === readFileSync(lock, 'utf8');
  if (!fresh) {
    console.log('[portalkit] installing dependencies from pnpm-lock.yaml');
    run(['install', '--frozen-lockfile']);
  }
}

const [command = 'test', ...rest] = process.argv.slice(2);
ensureInstalled();
switch (command) {
  case 'start':
    run(['run', 'build']);
    run(['--filter', '@portalkit/express-server', 'run', 'start', ...rest]);
    break;
  case 'test':
    run(['run', 'build']);
    run(['exec', 'vitest', 'run', ...rest]);
    break;
  case 'bench':
    run(['run', 'build']);
    run(['--filter', '@portalkit/bench', 'run', 'bench', ...rest]);
    break;
  default:
    console.error(`[portalkit] unknown command "${command}" (use start, test or bench)`);
    process.exit(2);
}
