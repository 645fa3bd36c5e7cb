import { StorageError } from '../errors.js';
import { decodeFileCursor, encodeFileCursor, pageLimit } from './cursor.js';
import type { FileListQuery, FilePage, FileRecord, FileStatus, FileStore, SweepableQuery } from './file-store.js';

function clone(r: FileRecord): FileRecord {
  return {
    ...r,
    tags: [...r.tags],
    createdAt: new Date(r.createdAt),
    deletedAt: r.deletedAt ? new Date(r.deletedAt) : null,
    expiresAt: r.expiresAt ? new Date(r.expiresAt) : null,
  };
}

/** Newest first: createdAt desc, then id desc. */
export function compareNewestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  const t = b.createdAt.getTime() - a.createdAt.getTime();
  if (t !== 0) return t;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * In-memory {@link FileStore} for tests and quick starts; same semantics as the database adapters
 * (every check-and-set happens synchronously, so it is atomic within the process).
 *
 * @example
 * ```ts
 * const files = createFileService({ storage, store: memoryFileStore() });
 * ```
 */
export function memoryFileStore(): FileStore {
  const byId = new Map<string, FileRecord>();
  const keys = new Set<string>();
  const find = (tenantId: string, id: string) => {
    const r = byId.get(id);
    return r && r.tenantId === tenantId ? r : undefined;
  };
  return {
    async insert(record) {
      if (byId.has(record.id) || keys.has(record.key)) {
        throw new StorageError('conflict', `file ${record.id} (or its key) already exists`);
      }
      byId.set(record.id, clone(record));
      keys.add(record.key);
    },
    async get(tenantId, id) {
      const r = find(tenantId, id);
      return r ? clone(r) : null;
    },
    async markReady(tenantId, id, facts) {
      const r = find(tenantId, id);
      if (r?.status !== 'pending') return null;
      Object.assign(r, facts, { status: 'ready', expiresAt: null });
      return clone(r);
    },
    async markDeleted(tenantId, id, at) {
      const r = find(tenantId, id);
      if (!r || r.status === 'deleted') return null;
      r.status = 'deleted';
      r.deletedAt = new Date(at);
      return clone(r);
    },
    async list(tenantId, query: FileListQuery): Promise<FilePage> {
      const limit = pageLimit(query.limit);
      const after = query.cursor ? decodeFileCursor(query.cursor) : undefined;
      const q = query.q?.toLowerCase();
      const all = [...byId.values()]
        .filter(
          (r) =>
            r.tenantId === tenantId &&
            r.status === 'ready' &&
            (query.category === undefined || r.category === query.category) &&
            (query.tag === undefined || r.tags.includes(query.tag)) &&
            (q === undefined || r.name.toLowerCase().includes(q)) &&
            (after === undefined || compareNewestFirst(after, r) < 0),
        )
        .sort(compareNewestFirst);
      const items = all.slice(0, limit).map(clone);
      const last = items[items.length - 1];
      return { items, nextCursor: all.length > limit && last ? encodeFileCursor(last) : null };
    },
    async listSweepable(query: SweepableQuery) {
      return [...byId.values()]
        .filter(
          (r) =>
            (r.status === 'deleted' && r.deletedAt !== null && r.deletedAt <= query.deletedBefore) ||
            (r.status === 'pending' && r.expiresAt !== null && r.expiresAt <= query.pendingExpiredBefore),
        )
        .slice(0, query.limit)
        .map(clone);
    },
    async remove(tenantId, id, status: FileStatus) {
      const r = find(tenantId, id);
      if (!r || r.status !== status) return false;
      byId.delete(id);
      keys.delete(r.key);
      return true;
    },
    async existingKeys(list) {
      return new Set(list.filter((k) => keys.has(k)));
    },
    async removeTenant(tenantId) {
      let n = 0;
      for (const r of [...byId.values()]) {
        if (r.tenantId !== tenantId) continue;
        byId.delete(r.id);
        keys.delete(r.key);
        n++;
      }
      return n;
    },
  };
}
