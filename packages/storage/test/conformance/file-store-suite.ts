import { randomUUID } from 'node:crypto';
import type { FileRecord, FileStore } from '@portalkit/storage';
import { CONGODB_SKIP_REASON } from '@portalkit/test-utils';
import { describe, expect, it } from 'vitest';
import { expectCode } from './provider-suite.js';

export interface FileStoreSuiteOptions {
  /** False when the backend does not enforce unique indexes (CongoDB). */
  enforcesUnique: () => boolean;
}

let seq = 0;
export function record(tenantId: string, patch: Partial<FileRecord> = {}): FileRecord {
  const id = patch.id ?? randomUUID();
  seq++;
  return {
    id,
    tenantId,
    key: `tenants/${tenantId}/files/${id}/file.txt`,
    name: 'file.txt',
    size: 10,
    contentType: 'text/plain',
    checksum: 'a'.repeat(64),
    category: null,
    tags: [],
    status: 'ready',
    createdBy: 'u1',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
    deletedAt: null,
    expiresAt: null,
    ...patch,
  };
}

/** The FileStore conformance suite: every adapter passes it unchanged. */
export function runFileStoreSuite(name: string, factory: () => FileStore, options: FileStoreSuiteOptions): void {
  describe(`FileStore conformance: ${name}`, () => {
    const t = () => `t-${randomUUID().slice(0, 8)}`;

    it('inserts and reads back every field; other tenants see nothing', async () => {
      const store = factory();
      const tenant = t();
      const r = record(tenant, { tags: ['a', 'b c'], category: 'docs', name: 'Übersicht "x".pdf', size: 123456789012 });
      await store.insert(r);
      expect(await store.get(tenant, r.id)).toEqual(r);
      expect(await store.get(t(), r.id)).toBeNull();
      expect(await store.get(tenant, 'missing')).toBeNull();
    });

    it.skipIf(!options.enforcesUnique())(
      `refuses duplicate ids and keys with conflict (${CONGODB_SKIP_REASON})`,
      async () => {
        const store = factory();
        const tenant = t();
        const r = record(tenant);
        await store.insert(r);
        await expectCode(store.insert({ ...r, key: `${r.key}-2` }), 'conflict');
        await expectCode(store.insert({ ...r, id: randomUUID() }), 'conflict');
      },
    );

    it('markReady only from pending, once', async () => {
      const store = factory();
      const tenant = t();
      const r = record(tenant, { status: 'pending', checksum: null, expiresAt: new Date() });
      await store.insert(r);
      const ready = await store.markReady(tenant, r.id, {
        size: 5,
        contentType: 'image/png',
        checksum: 'b'.repeat(64),
      });
      expect(ready).toMatchObject({
        status: 'ready',
        size: 5,
        contentType: 'image/png',
        checksum: 'b'.repeat(64),
        expiresAt: null,
      });
      expect(await store.markReady(tenant, r.id, { size: 6, contentType: 'x/y', checksum: 'c'.repeat(64) })).toBeNull();
      expect(await store.markReady(t(), r.id, { size: 6, contentType: 'x/y', checksum: 'c'.repeat(64) })).toBeNull();
      expect((await store.get(tenant, r.id))?.size).toBe(5);
    });

    it('markReady races: exactly one caller wins', async () => {
      const store = factory();
      const tenant = t();
      const r = record(tenant, { status: 'pending' });
      await store.insert(r);
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.markReady(tenant, r.id, { size: 1, contentType: 'text/plain', checksum: 'd'.repeat(64) }),
        ),
      );
      expect(results.filter((x) => x !== null)).toHaveLength(1);
    });

    it('markDeleted once; deleted records leave the list', async () => {
      const store = factory();
      const tenant = t();
      const r = record(tenant);
      await store.insert(r);
      const at = new Date('2026-02-01T00:00:00Z');
      expect(await store.markDeleted(tenant, r.id, at)).toMatchObject({ status: 'deleted', deletedAt: at });
      expect(await store.markDeleted(tenant, r.id, at)).toBeNull();
      expect(await store.markDeleted(t(), r.id, at)).toBeNull();
      expect((await store.list(tenant, {})).items).toEqual([]);
    });

    it('lists ready records newest first with cursors and filters', async () => {
      const store = factory();
      const tenant = t();
      const other = t();
      const made: FileRecord[] = [];
      for (let i = 0; i < 7; i++) {
        const r = record(tenant, {
          name: i % 2 === 0 ? `Invoice_${i}%.pdf` : `photo-${i}.png`,
          category: i < 3 ? 'finance' : 'media',
          tags: i % 3 === 0 ? ['keep', 'x'] : ['x'],
        });
        made.push(r);
        await store.insert(r);
      }
      const same = new Date(Date.UTC(2027, 0, 1));
      const twinA = record(tenant, { id: 'zz-a', createdAt: same, key: `tenants/${tenant}/files/zz-a/a` });
      const twinB = record(tenant, { id: 'zz-b', createdAt: same, key: `tenants/${tenant}/files/zz-b/b` });
      await store.insert(twinA);
      await store.insert(twinB);
      await store.insert(record(tenant, { status: 'pending' }));
      await store.insert(record(other));
      const expected = [twinB, twinA, ...[...made].reverse()].map((r) => r.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list(tenant, { limit: 4, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(seen).toEqual(expected);
      expect(pages).toBe(3);
      expect((await store.list(tenant, { category: 'finance' })).items.map((r) => r.id)).toEqual(
        made
          .slice(0, 3)
          .reverse()
          .map((r) => r.id),
      );
      expect((await store.list(tenant, { tag: 'keep' })).items.map((r) => r.id)).toEqual(
        [made[6], made[3], made[0]].map((r) => r?.id),
      );
      expect((await store.list(tenant, { q: 'INVOICE' })).items).toHaveLength(4);
      expect((await store.list(tenant, { q: '_2%' })).items.map((r) => r.name)).toEqual(['Invoice_2%.pdf']);
      expect((await store.list(tenant, { q: '.*' })).items).toEqual([]);
      await expectCode(store.list(tenant, { limit: 0 }), 'invalid_input');
      await expectCode(store.list(tenant, { limit: 101 }), 'invalid_input');
      await expectCode(store.list(tenant, { cursor: 'garbage' }), 'invalid_input');
    });

    it('lists sweepable records and removes conditionally', async () => {
      const store = factory();
      const tenant = t();
      const old = new Date('2026-01-01T00:00:00Z');
      const recent = new Date('2026-03-01T00:00:00Z');
      const deletedOld = record(tenant, { status: 'deleted', deletedAt: old });
      const deletedRecent = record(tenant, { status: 'deleted', deletedAt: recent });
      const pendingExpired = record(tenant, { status: 'pending', expiresAt: old });
      const pendingLive = record(tenant, { status: 'pending', expiresAt: recent });
      const ready = record(tenant);
      for (const r of [deletedOld, deletedRecent, pendingExpired, pendingLive, ready]) await store.insert(r);
      const found = await store.listSweepable({
        deletedBefore: new Date('2026-02-01T00:00:00Z'),
        pendingExpiredBefore: new Date('2026-02-01T00:00:00Z'),
        limit: 1000,
      });
      const mine = found.filter((r) => r.tenantId === tenant).map((r) => r.id);
      expect(mine.sort()).toEqual([deletedOld.id, pendingExpired.id].sort());
      expect(await store.remove(tenant, deletedOld.id, 'ready')).toBe(false);
      expect(await store.remove(tenant, deletedOld.id, 'deleted')).toBe(true);
      expect(await store.remove(tenant, deletedOld.id, 'deleted')).toBe(false);
      expect(await store.get(tenant, deletedOld.id)).toBeNull();
      const keys = await store.existingKeys([ready.key, deletedOld.key, pendingLive.key, 'tenants/x/files/y/z']);
      expect([...keys].sort()).toEqual([ready.key, pendingLive.key].sort());
      expect(await store.existingKeys([])).toEqual(new Set());
    });

    it('removes every record of one tenant and nothing else', async () => {
      const store = factory();
      const tenant = t();
      const other = t();
      await store.insert(record(tenant));
      await store.insert(record(tenant, { status: 'pending' }));
      await store.insert(record(tenant, { status: 'deleted', deletedAt: new Date() }));
      const kept = record(other);
      await store.insert(kept);
      expect(await store.removeTenant(tenant)).toBe(3);
      expect((await store.list(tenant, {})).items).toEqual([]);
      expect(await store.get(other, kept.id)).toEqual(kept);
      expect(await store.removeTenant(tenant)).toBe(0);
    });
  });
}
