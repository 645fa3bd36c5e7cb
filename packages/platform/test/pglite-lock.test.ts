import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockPglite, openDatabase } from '../src/database.js';

// Fault injection: a slow reader. While `gate.path` is set, the second read of that file gets what
// the file held when it was read, but only once the file has changed (another process took the
// lock over meanwhile): as when a process is descheduled between judging a lock stale and acting.
// Everything else is the real file system.
const gate = vi.hoisted(() => ({ path: undefined as string | undefined, reads: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = (async (path: Parameters<typeof fs.readFile>[0], options?: Parameters<typeof fs.readFile>[1]) => {
    const text = await fs.readFile(path, options);
    if (gate.path === undefined || path !== gate.path || ++gate.reads !== 2) return text;
    for (let i = 0; i < 200; i++) {
      if ((await fs.readFile(path, 'utf8').catch(() => '')) !== String(text)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return text;
  }) as typeof fs.readFile;
  return { ...fs, default: { ...fs, readFile }, readFile };
});

/** The id of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

let dataDir: string;
let dir: string;
let lockFile: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pk-platform-lock-'));
  dir = join(dataDir, 'pglite');
  lockFile = `${dir}.lock`;
  await mkdir(dir);
});
afterEach(async () => {
  gate.path = undefined;
  gate.reads = 0;
  await rm(dataDir, { recursive: true, force: true });
});

describe('the PGlite lock ($DATA_DIR/pglite.lock)', () => {
  it('of two processes taking over one stale lock at once, exactly one wins', async () => {
    await writeFile(lockFile, JSON.stringify({ pid: deadPid(), hostname: hostname() }));
    gate.path = lockFile;
    // Two processes (two live pids, each with the locks it holds); the second reads the dead
    // process's lock, and acts on it only after the first has taken it over.
    const first = { pid: process.pid, held: new Set<string>() };
    const second = { pid: process.ppid, held: new Set<string>() };
    const results = await Promise.allSettled([lockPglite(dir, first), lockPglite(dir, second)]);
    gate.path = undefined;
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason.message).toMatch(/pglite is in use by process \d+/);
    // The winner's lock is in place, and nothing is left aside.
    const winner = results[0]!.status === 'fulfilled' ? first : second;
    expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(winner.pid);
    expect((await readdir(dataDir)).sort()).toEqual(['pglite', 'pglite.lock']);
    await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    expect(await readdir(dataDir)).toEqual(['pglite']);
  });

  it('takes over the stale lock of a dead process, and refuses one of a live process', async () => {
    await writeFile(lockFile, JSON.stringify({ pid: deadPid(), hostname: hostname() }));
    const release = await lockPglite(dir);
    await release();
    await writeFile(lockFile, JSON.stringify({ pid: process.ppid, hostname: 'elsewhere' }));
    await expect(lockPglite(dir)).rejects.toThrow(
      new RegExp(`pglite is in use by process ${process.ppid} on elsewhere`),
    );
    expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.ppid);
  });

  it('a lock with our own pid that this process does not hold is taken over (a new container reusing the pid)', async () => {
    await writeFile(lockFile, JSON.stringify({ pid: process.pid, hostname: 'crashed-predecessor', nonce: 'old' }));
    const release = await lockPglite(dir);
    const lock = JSON.parse(await readFile(lockFile, 'utf8'));
    expect(lock.pid).toBe(process.pid);
    expect(lock.nonce).not.toBe('old');
    await release();
  });

  it('a second open of one DATA_DIR in one process is refused, and the first keeps its lock', async () => {
    const database = await openDatabase(undefined, dataDir);
    try {
      const lock = await readFile(lockFile, 'utf8');
      await expect(openDatabase(undefined, dataDir)).rejects.toThrow(
        new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is already open in this process`),
      );
      expect(await readFile(lockFile, 'utf8')).toBe(lock);
      await database.ping();
    } finally {
      await database.close();
    }
    // Closed: the lock is gone and the directory opens again.
    expect(await readdir(dataDir)).toEqual(['pglite']);
    const again = await openDatabase(undefined, dataDir);
    await again.close();
  });

  it('a release removes the lock only while it holds this open’s nonce', async () => {
    const release = await lockPglite(dir);
    const mine = JSON.parse(await readFile(lockFile, 'utf8'));
    expect(typeof mine.nonce).toBe('string');
    // Taken over meanwhile (we were presumed dead) by a process that happens to have our pid.
    const theirs = JSON.stringify({ ...mine, nonce: 'theirs' });
    await writeFile(lockFile, theirs);
    await release();
    expect(await readFile(lockFile, 'utf8')).toBe(theirs);
  });
});
