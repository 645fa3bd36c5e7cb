import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Db } from 'mongodb';
import { type PlatformLogger, silentLogger } from './logger.js';

/**
 * Kysely over every package's tables; each package types its own queries.
 *
 * @example
 * ```ts
 * import { openDatabase, type SqlDatabase } from '@portalkit/platform';
 *
 * const database = await openDatabase(undefined, './data');
 * if (database.kind !== 'mongodb') {
 *   const db: SqlDatabase = database.db;
 * }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the stores of several packages share this one instance.
export type SqlDatabase = Kysely<any>;

/** Methods every {@link Database} has. */
export interface DatabaseHandle {
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Closes the pool / client. */
  close(): Promise<void>;
}

/** The database behind every store: Kysely over PostgreSQL (pg pool) or embedded PGlite, or MongoDB. */
export type Database =
  | (DatabaseHandle & {
      /** PostgreSQL (`DATABASE_URL=postgres://`) or embedded PGlite (unset). */
      kind: 'postgres' | 'pglite';
      /** Kysely instance. */
      db: SqlDatabase;
      /** The node-postgres pool under `db` (PostgreSQL only): the audit trail appends through it with COPY. */
      pool?: import('pg').Pool;
    })
  | (DatabaseHandle & {
      /** MongoDB (`DATABASE_URL=mongodb://`). */
      kind: 'mongodb';
      /** The URL's database. */
      db: Db;
      /** The client (for sessions). */
      client: import('mongodb').MongoClient;
    });

/**
 * Opens `databaseUrl` (postgres:// through a `pg` pool of 10, or mongodb://), or PGlite stored
 * under `<dataDir>/pglite` when it is unset. Resolves once the database answered.
 *
 * @example
 * ```ts
 * import { openDatabase } from '@portalkit/platform';
 *
 * const database = await openDatabase(process.env.DATABASE_URL, './data');
 * await database.ping();
 * await database.close();
 * ```
 */
export async function openDatabase(
  databaseUrl: string | undefined,
  dataDir: string,
  log: PlatformLogger = silentLogger,
): Promise<Database> {
  if (databaseUrl?.startsWith('mongodb')) {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(databaseUrl, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    const db = client.db();
    await db.command({ ping: 1 });
    log.info({ database: 'mongodb', name: db.databaseName }, 'database connected');
    return {
      kind: 'mongodb',
      db,
      client,
      ping: async () => {
        await db.command({ ping: 1 });
      },
      close: () => client.close(),
    };
  }
  let db: SqlDatabase;
  let kind: 'postgres' | 'pglite';
  let pool: import('pg').Pool | undefined;
  let release = async () => {};
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    pool = new pg.Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5000 });
    // An idle client that loses its server emits on the pool too (pg-pool re-emits it): the
    // client's own listener below has logged it, and this one only keeps it from ending the process.
    pool.on('error', () => {});
    // A checked-out client that loses its server emits 'error' on itself, where pg-pool listens
    // only while it is idle: without a listener of our own, a database restart or a dropped
    // connection under a query would end the process. The query in flight fails on its own, and
    // the pool discards the broken client when it is released.
    pool.on('connect', (client) => {
      client.on('error', (err) => log.warn({ err: { message: err.message } }, 'database connection lost'));
    });
    db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('kysely-pglite-dialect'),
    ]);
    const dir = join(dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    release = await lockPglite(dir);
    try {
      const pglite = await PGlite.create(dir);
      db = new Kysely<Record<string, never>>({ dialect: new PGliteDialect(pglite) });
    } catch (err) {
      await release();
      throw err;
    }
    kind = 'pglite';
  }
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => {});
    await release();
    throw err;
  }
  log.info({ database: kind }, 'database connected');
  return {
    kind,
    db,
    ...(pool ? { pool } : {}),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      try {
        await db.destroy();
      } finally {
        await release();
      }
    },
  };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
};

/** Who takes a lock: this process (its id and the lock files it holds); tests stand in for another. */
export interface LockOwner {
  pid: number;
  /** Real paths of the PGlite directories this owner has open. */
  held: Set<string>;
}

const thisProcess: LockOwner = { pid: process.pid, held: new Set() };

/**
 * Takes `<dir>.lock` (a pid file) for this open: PGlite serves one process, and two processes (or
 * two opens in one process) on one directory would each write their own view of the database over
 * the other's. A second open of a directory this process holds is refused. A lock whose process
 * is gone (a crash, a kill, or our own pid when this process does not hold it: a new container
 * reusing a crashed predecessor's pid) is taken over atomically: it is renamed aside and removed
 * only if it is still the lock judged stale, else put back and the start refused, so of several
 * processes taking over one stale lock exactly one wins. One of a live process refuses the start.
 * The lock holds a nonce of this open, and the returned release removes it only while it does.
 * Not public: exported for the tests.
 */
export async function lockPglite(dir: string, owner: LockOwner = thisProcess): Promise<() => Promise<void>> {
  const lockFile = `${dir}.lock`;
  const key = await realpath(dir).catch(() => resolve(dir));
  // Checked and taken before any await, so two opens at once in this process cannot both pass.
  if (owner.held.has(key)) {
    throw new Error(
      `${dir} is already open in this process (PGlite serves one open database per directory: close the first, give this one its own DATA_DIR, or set DATABASE_URL)`,
    );
  }
  owner.held.add(key);
  try {
    const release = await takeLock(dir, lockFile, owner.pid);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await release();
      } finally {
        owner.held.delete(key);
      }
    };
  } catch (err) {
    owner.held.delete(key);
    throw err;
  }
}

async function takeLock(dir: string, lockFile: string, pid: number): Promise<() => Promise<void>> {
  const mine = JSON.stringify({ pid, hostname: hostname(), nonce: randomUUID() });
  const inUse = (text: string) => {
    let holder: { pid?: unknown; hostname?: unknown } = {};
    try {
      holder = JSON.parse(text);
    } catch {
      // unreadable or half-written
    }
    const where = typeof holder.hostname === 'string' ? ` on ${holder.hostname}` : '';
    return new Error(
      `${dir} is in use by process ${typeof holder.pid === 'number' ? holder.pid : '?'}${where} (PGlite serves one process: give each instance its own DATA_DIR, or set DATABASE_URL; delete ${lockFile} if no such process runs)`,
    );
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockFile, mine, { flag: 'wx', mode: 0o600 });
      return async () => {
        // Only this open's lock (never one a later process took over after we were presumed dead).
        if ((await readFile(lockFile, 'utf8').catch(() => '')) === mine) await unlink(lockFile).catch(() => {});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let text: string;
    try {
      text = await readFile(lockFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
      throw err;
    }
    let holder: { pid?: unknown } = {};
    try {
      holder = JSON.parse(text);
    } catch {
      // unreadable or half-written: judged by its age below
    }
    const holderPid = typeof holder.pid === 'number' ? holder.pid : undefined;
    // As PostgreSQL judges its postmaster.pid: by the process id on this machine (in a new
    // container the id of a crashed predecessor is often our own, which is free then: our own
    // opens were refused above).
    const writtenAt = await stat(lockFile)
      .then((s) => s.mtimeMs)
      .catch(() => 0);
    const stale = holderPid === undefined ? Date.now() - writtenAt > 10_000 : holderPid === pid || !isAlive(holderPid);
    if (!stale) throw inUse(text);
    // Take over atomically: another process may have judged the same lock stale and taken it over
    // since we read it. Move the file aside under a name of our own, and remove it only if it is
    // still the lock judged stale.
    const aside = `${lockFile}.${randomUUID()}`;
    try {
      await rename(lockFile, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process moved it first
      throw err;
    }
    const taken = await readFile(aside, 'utf8').catch(() => undefined);
    if (taken === text) {
      await unlink(aside).catch(() => {});
      continue;
    }
    // A fresh lock (another process's takeover): put it back, unless yet another lock is there now.
    await link(aside, lockFile).catch(() => {});
    await unlink(aside).catch(() => {});
    throw inUse(taken ?? '');
  }
  throw new Error(`${dir}: could not take ${lockFile} (another process keeps taking it)`);
}
