import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The example servers under test. */
export const SERVERS = ['express-server', 'hono-server'] as const;
export type ServerName = (typeof SERVERS)[number];

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A running example server (a child process started like `pnpm start` does). */
export interface RunningServer {
  name: ServerName;
  url: string;
  port: number;
  /** The server process's pid (to look at its open files in /proc). */
  pid: number;
  dataDir: string;
  /** Every JSON log line the process wrote so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Raw stderr. */
  stderr(): string;
  /** Sends the signal and resolves with the exit code (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Starts `node dist/main.js` of the example with only the given environment (plus PATH). */
export async function startServer(
  name: ServerName,
  env: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<RunningServer> {
  const cwd = join(examples, name);
  const entry = join(cwd, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(
      `[portalkit/e2e] ${entry} is missing: build first (pnpm build, or pnpm --filter @portalkit/${name} build)`,
    );
  }
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), `portalkit-e2e-${name}-`)));
  // PGlite's first start runs initdb (seconds on a busy machine): fresh embedded servers start from a
  // copy of a cluster initialised once per test file instead (its own key is generated per server).
  if (!options.dataDir && !env.DATABASE_URL) {
    const template = await pgliteTemplate(name);
    await cp(template, join(dataDir, 'pglite'), { recursive: true });
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  running.add(child);
  exited.then(() => running.delete(child));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  let up = false;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) {
        up = true;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!up) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`[portalkit/e2e] ${name} did not become healthy: ${stderr.slice(-2000)}`);
  }
  return {
    name,
    url,
    port,
    pid: child.pid!,
    dataDir,
    logs,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM', timeoutMs = 15_000) => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

const templates = new Map<string, Promise<string>>();

/** A PGlite data directory initialised (and migrated) by one start of the server, then closed. */
function pgliteTemplate(name: ServerName): Promise<string> {
  let template = templates.get(name);
  if (!template) {
    template = (async () => {
      const dir = await mkdtemp(join(tmpdir(), `portalkit-e2e-template-${name}-`));
      const server = await startServer(name, {}, { dataDir: dir });
      await server.stop();
      return join(dir, 'pglite');
    })();
    templates.set(name, template);
  }
  return template;
}

/** Removes the PGlite templates of this test file. */
export async function removeTemplates(): Promise<void> {
  for (const template of templates.values()) {
    await rm(join(await template, '..'), { recursive: true, force: true });
  }
  templates.clear();
}

const running = new Set<ChildProcess>();
// Never leave a server behind, even when a test fails before its afterAll.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** POSTs `body` as JSON to `path` on `server`, with the bearer `token` when given. */
export async function post(server: RunningServer, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}
