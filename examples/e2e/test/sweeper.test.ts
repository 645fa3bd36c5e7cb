import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PortalkitClient } from '@portalkit/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, SERVERS, startServer } from './harness.js';
import { signUpTenantAdmin } from './mail.js';
import { useModes } from './modes.js';

const modes = useModes();
const PASSWORD = 'violet-otter-harbour-93';
const HOUR = 60 * 60 * 1000;

// The sweeper runs every SWEEP_INTERVAL_MS (1 s here) and purges the objects of files soft-deleted
// more than its grace period (1 h) ago. The server runs on PostgreSQL (so the test can move a
// deletion back in time, as if the grace period had passed) with the local provider (so the object
// is a file the test can watch under $DATA_DIR/files).
describe.skipIf(!modes.available('services')).each(SERVERS)('%s storage sweeper', (name) => {
  let server: RunningServer;
  let sql: pg.Client;
  let c: PortalkitClient;
  let tenantId = '';

  beforeAll(async () => {
    // The file's PostgreSQL database (both servers use it in turn); storage stays on local disk.
    const databaseUrl = modes.env('services').DATABASE_URL ?? '';
    server = await startServer(name, { DATABASE_URL: databaseUrl, SWEEP_INTERVAL_MS: '1000' });
    sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    const email = `sweep.${name}@example.com`;
    ({ client: c, tenantId } = await signUpTenantAdmin(
      server,
      { email, password: PASSWORD, name: 'Sweep' },
      { name: 'Sweepco', slug: `sweepco-${name}` },
    ));
  });
  afterAll(async () => {
    await sql?.end();
    await server?.stop();
  });

  /** Uploads a small text file and returns its id and the path of its object on disk. */
  async function upload(fileName: string): Promise<{ id: string; path: string }> {
    const { file } = await c.files.upload(tenantId, new Blob([`bytes of ${fileName}\n`], { type: 'text/plain' }), {
      name: fileName,
    });
    const row = await sql.query<{ key: string }>('select key from storage_files where id = $1', [file.id]);
    const key = row.rows[0]?.key;
    if (!key) throw new Error(`no storage_files row for ${file.id}`);
    const path = join(server.dataDir, 'files', key);
    expect(existsSync(path)).toBe(true);
    return { id: file.id, path };
  }

  it('purges a soft-deleted object once its grace period has passed, and nothing else', async () => {
    const kept = await upload('kept.txt');
    const deleted = await upload('deleted.txt');
    await c.files.delete(tenantId, deleted.id);

    // Within the grace period several sweeps leave the soft-deleted object alone.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(existsSync(deleted.path)).toBe(true);

    // Two hours ago, as far as the record knows: the next sweep purges bytes and record.
    await sql.query('update storage_files set deleted_at = $2 where id = $1', [
      deleted.id,
      new Date(Date.now() - 2 * HOUR),
    ]);
    await vi.waitFor(
      async () => {
        expect(existsSync(deleted.path)).toBe(false);
        const rows = await sql.query('select id from storage_files where id = $1', [deleted.id]);
        expect(rows.rowCount).toBe(0);
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(server.logs.find((l) => l.msg === 'storage sweep')).toMatchObject({ sweep: { deleted: 1 } });

    // The live file is untouched and still downloads.
    expect(existsSync(kept.path)).toBe(true);
    const download = await c.files.download(tenantId, kept.id);
    expect(await (await download.blob()).text()).toBe('bytes of kept.txt\n');
  });
});
