import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import type { PortalkitClient } from '@portalkit/client';
import { services } from '@portalkit/test-utils';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, SERVERS, startServer } from './harness.js';
import { signUpTenantAdmin } from './mail.js';
import { useModes } from './modes.js';

const modes = useModes();
const PASSWORD = 'violet-otter-harbour-93';
const HOUR = 60 * 60 * 1000;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** ~200 KiB of text whose every line differs, so a truncated or shifted copy cannot pass for it. */
const BIG_TEXT = Buffer.from(
  Array.from({ length: 4000 }, (_, i) => `line ${i}: ${createHash('sha256').update(String(i)).digest('hex')}\n`).join(
    '',
  ),
);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// The sweeper of each server in services mode (PostgreSQL + Redis + s3rver), watched from the bucket
// itself: SWEEP_INTERVAL_MS=1000 and the servers' fixed grace period of 1 h, which the test passes
// by moving a deletion back in time in PostgreSQL (as sweeper.test.ts does for local disk).
describe.skipIf(!modes.available('services')).each(SERVERS)('%s storage sweeper on S3 (s3rver)', (name) => {
  let server: RunningServer;
  let sql: pg.Client;
  let s3: S3Client;
  let bucket = '';
  let c: PortalkitClient;
  let tenantId = '';

  beforeAll(async () => {
    const env = modes.env('services');
    bucket = env.STORAGE_BUCKET ?? '';
    server = await startServer(name, { ...env, SWEEP_INTERVAL_MS: '1000' });
    sql = new pg.Client({ connectionString: env.DATABASE_URL });
    await sql.connect();
    const info = services().s3;
    if (!info) throw new Error('[portalkit/e2e] s3rver is not running');
    s3 = new S3Client({
      endpoint: info.endpoint,
      region: info.region,
      forcePathStyle: true,
      credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    });
    const email = `sweep-s3.${name}@example.com`;
    ({ client: c, tenantId } = await signUpTenantAdmin(
      server,
      { email, password: PASSWORD, name: 'Sweep S3' },
      { name: 'Sweep S3 Co', slug: `sweeps3-${name}` },
    ));
  });
  afterAll(async () => {
    s3?.destroy();
    await sql?.end();
    await server?.stop();
  });

  /** The object's bytes straight from the bucket, or null when there is no such object. */
  async function objectBytes(key: string): Promise<Buffer | null> {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
    } catch (err) {
      if (err instanceof NoSuchKey) return null;
      throw err;
    }
  }

  /** Every key in the bucket under this tenant's prefix. */
  async function tenantKeys(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `tenants/${tenantId}/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  async function keyOf(fileId: string): Promise<string> {
    const row = await sql.query<{ key: string }>('select key from storage_files where id = $1', [fileId]);
    const key = row.rows[0]?.key;
    if (!key) throw new Error(`no storage_files row for ${fileId}`);
    return key;
  }

  interface Stored {
    id: string;
    key: string;
    bytes: Buffer;
  }

  /** Multipart upload through the API; the object is in the bucket with exactly these bytes. */
  async function upload(fileName: string, bytes: Buffer, type: string): Promise<Stored> {
    const { file } = await c.files.upload(tenantId, new Blob([new Uint8Array(bytes)], { type }), { name: fileName });
    const key = await keyOf(file.id);
    expect(key.startsWith(`tenants/${tenantId}/files/${file.id}/`)).toBe(true);
    expect(sha256((await objectBytes(key)) ?? Buffer.alloc(0))).toBe(sha256(bytes));
    return { id: file.id, key, bytes };
  }

  async function backdateDeletion(fileId: string): Promise<void> {
    const moved = await sql.query('update storage_files set deleted_at = $2 where id = $1 and deleted_at is not null', [
      fileId,
      new Date(Date.now() - 2 * HOUR),
    ]);
    expect(moved.rowCount).toBe(1);
  }

  /** Waits until a sweep has purged the file: no object in the bucket and no record. */
  async function purged(file: Stored): Promise<void> {
    await vi.waitFor(
      async () => {
        expect(await objectBytes(file.key)).toBeNull();
        const rows = await sql.query('select id from storage_files where id = $1', [file.id]);
        expect(rows.rowCount).toBe(0);
      },
      { timeout: 20_000, interval: 250 },
    );
  }

  it('purges a soft-deleted object from the bucket after its grace period and leaves the live ones byte-identical', async () => {
    const keptText = await upload('kept big.txt', BIG_TEXT, 'text/plain');
    const keptPng = await upload('kept.png', PNG, 'image/png');
    const directBytes = Buffer.from('uploaded straight to the bucket\n');
    const direct = await c.files.uploadDirect(tenantId, directBytes, { name: 'direct.txt', contentType: 'text/plain' });
    const keptDirect: Stored = { id: direct.file.id, key: await keyOf(direct.file.id), bytes: directBytes };
    const fresh = await upload('deleted-within-grace.txt', Buffer.from('deleted a moment ago\n'), 'text/plain');
    const old = await upload('deleted-past-grace.txt', Buffer.from('deleted two hours ago\n'), 'text/plain');
    expect(await tenantKeys()).toEqual([keptText.key, keptPng.key, keptDirect.key, fresh.key, old.key].sort());

    await c.files.delete(tenantId, fresh.id);
    await c.files.delete(tenantId, old.id);
    // Soft delete: gone from the API at once, the bytes stay in the bucket for the sweeper.
    expect((await c.files.list(tenantId)).items.map((f) => f.id).sort()).toEqual(
      [keptText.id, keptPng.id, keptDirect.id].sort(),
    );
    expect(await objectBytes(fresh.key)).not.toBeNull();
    expect(await objectBytes(old.key)).not.toBeNull();

    // Only the deletion moved past the grace period is purged by the next sweep ...
    await backdateDeletion(old.id);
    await purged(old);
    // ... the one deleted within the grace period was seen by that sweep and left alone.
    expect(sha256((await objectBytes(fresh.key)) ?? Buffer.alloc(0))).toBe(sha256(fresh.bytes));

    await backdateDeletion(fresh.id);
    await purged(fresh);
    expect(server.logs.filter((l) => l.msg === 'storage sweep')).toEqual(
      expect.arrayContaining([expect.objectContaining({ sweep: expect.objectContaining({ deleted: 1 }) })]),
    );
    expect(server.logs.filter((l) => l.msg === 'storage sweep failed')).toEqual([]);

    // The live objects are still there, byte for byte, and nothing else is left under the tenant.
    expect(await tenantKeys()).toEqual([keptText.key, keptPng.key, keptDirect.key].sort());
    for (const kept of [keptText, keptPng, keptDirect]) {
      const stored = await objectBytes(kept.key);
      expect(stored?.length, kept.key).toBe(kept.bytes.length);
      expect(sha256(stored ?? Buffer.alloc(0)), kept.key).toBe(sha256(kept.bytes));
      const download = await c.files.download(tenantId, kept.id);
      expect(sha256(Buffer.from(await (await download.blob()).arrayBuffer())), kept.key).toBe(sha256(kept.bytes));
    }
  });
});
