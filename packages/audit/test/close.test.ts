import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type AuditStore, createAuditLog, isAuditError, runWithAuditContext } from '@portalkit/audit';
import { type AnyKysely, kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import { needs, randomName, services } from '@portalkit/test-utils';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

// close() after the database went away: one final attempt, then nothing keeps running.

const pgUp = needs('postgres', 'audit close() over a dropped PostgreSQL database');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: services().postgresUrl ?? '' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database, its URL, and a way to drop it under the connections using it. */
async function scratchDatabase() {
  const name = randomName('pk_close_');
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(services().postgresUrl ?? '');
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

describe.skipIf(!pgUp)('close() when the final flush fails (PostgreSQL dropped)', () => {
  it('rejects once with store_failed and the count of unwritten events (no payload), then never retries or logs again', async () => {
    const database = await scratchDatabase();
    const pool = new pg.Pool({ connectionString: database.url });
    pool.on('error', () => undefined); // idle connections terminated by the drop
    const db: AnyKysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrateAudit(db);
      const store = kyselyAuditStore(db);
      let appends = 0;
      const counted: AuditStore<unknown> = {
        ...store,
        append: (events, options) => {
          appends++;
          return store.append(events, options as never);
        },
      };
      const lines: string[] = [];
      const audit = createAuditLog({
        store: counted as AuditStore,
        buffer: { flushIntervalMs: 60_000, maxRetryDelayMs: 20 },
        logger: { warn: (_d, m) => lines.push(m), error: (_d, m) => lines.push(m) },
      });
      await runWithAuditContext({ tenantId: 't1', actor: { type: 'user', id: 'u1' } }, async () => {
        for (let i = 0; i < 3; i++) {
          await audit.record({
            action: 'apikey.created',
            resource: { type: 'apikey', id: `k${i}` },
            after: { label: 'deploy-bot-7f3a9c' },
          });
        }
      });
      await database.drop();

      const error = await audit.close().then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAuditError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'store_failed' });
      const message = (error as Error).message;
      expect(message).toMatch(/\b3 audit events\b/);
      for (const leaked of ['deploy-bot-7f3a9c', 'apikey.created', 'k0', 't1', 'u1']) {
        expect(message).not.toContain(leaked);
      }
      expect((error as Error).cause).toBeDefined();
      expect(audit.stats()).toMatchObject({ pending: 0, written: 0, unwritten: 3 });
      // The log says what happened to them: discarded, not "will be retried".
      expect(lines.at(-1)).toMatch(/final write at close\(\) failed; these events are discarded/);
      expect(lines.some((line) => /will be retried/.test(line))).toBe(false);

      // Settled: no timer, no retry, no log line from here on.
      const [appendsAtClose, linesAtClose] = [appends, lines.length];
      await sleep(400);
      expect(appends).toBe(appendsAtClose);
      expect(lines).toHaveLength(linesAtClose);
      // A second close() is the same close; record() stays refused.
      await expect(audit.close()).rejects.toBe(error);
      await expect(
        audit.record({
          action: 'x.y',
          tenantId: 't1',
          actor: { type: 'user', id: 'u1' },
          resource: { type: 'x', id: null },
        }),
      ).rejects.toMatchObject({ code: 'closed' });
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  it('a process whose audit close() failed exits by itself (no timer holds it)', async () => {
    const database = await scratchDatabase();
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/close-child.ts')], {
        cwd: join(import.meta.dirname, '..'),
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          ADMIN_URL: services().postgresUrl ?? '',
          DATABASE_NAME: database.name,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Start-up (tsx, migrations) takes a few seconds on a busy machine; the rest must be quick.
      const result = await Promise.race([exited, sleep(20_000).then(() => 'still running' as const)]);
      if (result === 'still running') child.kill('SIGKILL');
      expect({ result, stderr }).toEqual({ result: 0, stderr: '' });
      expect(JSON.parse(stdout.trim())).toMatchObject({
        closed: 'rejected',
        code: 'store_failed',
        stats: { pending: 0, unwritten: 2 },
      });
    } finally {
      await database.drop();
    }
  });
});
