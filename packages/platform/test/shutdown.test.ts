import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAuditError } from '@portalkit/audit';
import { createPlatform, loadConfig } from '@portalkit/platform';
import { gracefulShutdown } from '@portalkit/platform/http';
import { needs, randomName, services } from '@portalkit/test-utils';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

// A close step that fails must be seen: platform.close() rejects, gracefulShutdown exits 1.

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: services().postgresUrl ?? '' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A listening HTTP server, its shutdown function, and the exit codes and log lines it gave. */
async function serverWith(close: () => Promise<void>) {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const exits: number[] = [];
  const errors: string[] = [];
  const logger = {
    info: () => undefined,
    warn: () => undefined,
    error: (_d: Record<string, unknown>, message: string) => errors.push(message),
  };
  const shutdown = gracefulShutdown(server, {
    platform: { close },
    timeoutMs: 1000,
    closeTimeoutMs: 2000,
    logger: logger as never,
    signals: [],
    exit: (code) => exits.push(code),
  });
  return { shutdown, exits, errors };
}

describe('gracefulShutdown: the exit code', () => {
  it('exits 0 when closing the platform succeeded', async () => {
    const s = await serverWith(async () => undefined);
    await s.shutdown('SIGTERM');
    expect(s.exits).toEqual([0]);
    expect(s.errors).toEqual([]);
  });

  it('exits 1 with an error line when a close step failed (platform.close() rejected in time)', async () => {
    const s = await serverWith(async () => {
      throw new AggregateError([new Error('the final write failed')], '[portalkit/platform] closing failed: audit');
    });
    await s.shutdown('SIGTERM');
    expect(s.exits).toEqual([1]);
    expect(s.errors).toEqual(['shutdown: closing the platform failed (a close step failed: audit events may be lost)']);
  });

  it('exits 1 when closing did not finish within closeTimeoutMs', async () => {
    const s = await serverWith(() => new Promise<void>(() => undefined));
    await s.shutdown('SIGTERM');
    expect(s.exits).toEqual([1]);
    expect(s.errors[0]).toMatch(/did not finish in time/);
  });
});

describe.skipIf(!needs('postgres', 'platform close() over a dropped database'))(
  'platform.close() when the audit buffer cannot be written',
  () => {
    it('runs every step, logs the failure and rejects naming the audit step (with how many events were lost)', async () => {
      const name = randomName('pk_close_');
      await admin(`CREATE DATABASE "${name}"`);
      const url = new URL(services().postgresUrl ?? '');
      url.pathname = `/${name}`;
      const dataDir = await mkdtemp(join(tmpdir(), 'pk-close-'));
      const logged: Array<{ message: string; details: Record<string, unknown> }> = [];
      const push = (details: Record<string, unknown>, message: string) => logged.push({ message, details });
      try {
        const platform = await createPlatform({
          config: loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url.toString() }, { name: 'close-test' }),
          background: false,
          logger: { info: () => undefined, warn: push, error: push, debug: () => undefined } as never,
        });
        // The database goes away; then two events are buffered (recording does not touch it).
        await admin(`DROP DATABASE "${name}" WITH (FORCE)`);
        for (const id of ['k1', 'k2']) {
          await platform.audit.record({
            action: 'apikey.created',
            tenantId: 'tenant-close',
            actor: { type: 'system', id: null },
            resource: { type: 'apikey', id },
            after: { label: 'deploy-bot-7f3a9c' },
          });
        }
        const error = await platform.close().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(AggregateError);
        expect((error as AggregateError).message).toBe('[portalkit/platform] closing failed: audit');
        const [auditError] = (error as AggregateError).errors;
        expect(isAuditError(auditError)).toBe(true);
        expect(auditError).toMatchObject({ code: 'store_failed' });
        expect((auditError as Error).message).toMatch(/\b2 audit events were not written\b/);
        expect(platform.audit.stats()).toMatchObject({ pending: 0, unwritten: 2 });
        // Logged as a step failure, without the events' content; the later steps (pools) still ran.
        const line = logged.find((l) => l.message === 'closing the audit failed');
        expect(line).toBeDefined();
        expect(JSON.stringify(logged)).not.toContain('deploy-bot-7f3a9c');
        await expect(platform.database.ping()).rejects.toThrow();
        // The same answer again (idempotent).
        await expect(platform.close()).rejects.toBe(error);
      } finally {
        await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  },
);
