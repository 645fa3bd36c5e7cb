import type { Collection, Db, Document, Filter } from 'mongodb';
import { StorageError } from '../errors.js';
import { decodeFileCursor, encodeFileCursor, pageLimit } from '../files/cursor.js';
import type { FileRecord, FileStore } from '../files/file-store.js';

/**
 * Options of {@link mongoFileStore}.
 *
 * @example
 * ```ts
 * mongoFileStore(db, { collection: 'storage_files' });
 * ```
 */
export interface MongoFileStoreOptions {
  /** Collection name. @default 'storage_files' */
  collection?: string;
}

/**
 * A {@link FileStore} on MongoDB with the index helper.
 *
 * @example
 * ```ts
 * const store = mongoFileStore(db);
 * await store.ensureIndexes();
 * ```
 */
export interface MongoFileStore extends FileStore {
  /** Creates the indexes (unique `id` and `key`, tenant listing, sweeping). Idempotent. */
  ensureIndexes(): Promise<void>;
}

interface FileDoc extends Document {
  id: string;
  tenantId: string;
  key: string;
  name: string;
  size: number;
  contentType: string;
  checksum: string | null;
  category: string | null;
  tags: string[];
  status: FileRecord['status'];
  createdBy: string | null;
  createdAt: Date;
  deletedAt: Date | null;
  expiresAt: Date | null;
}

function toRecord(d: FileDoc): FileRecord {
  return {
    id: d.id,
    tenantId: d.tenantId,
    key: d.key,
    name: d.name,
    size: Number(d.size),
    contentType: d.contentType,
    checksum: d.checksum ?? null,
    category: d.category ?? null,
    tags: Array.isArray(d.tags) ? [...d.tags] : [],
    status: d.status,
    createdBy: d.createdBy ?? null,
    createdAt: new Date(d.createdAt),
    deletedAt: d.deletedAt ? new Date(d.deletedAt) : null,
    expiresAt: d.expiresAt ? new Date(d.expiresAt) : null,
  };
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Maps MongoDB driver errors to {@link StorageError}: duplicate key (11000) is `conflict`, a write
 * conflict (112) and everything else `provider_unavailable`.
 *
 * @example
 * ```ts
 * try { await collection.insertOne(doc); } catch (e) { throw mapMongoError(e, 'insert file'); }
 * ```
 */
export function mapMongoError(error: unknown, what: string): StorageError {
  const code = (error as { code?: number } | undefined)?.code;
  if (code === 11000) return new StorageError('conflict', `${what}: already exists`, { cause: error });
  if (code === 112) return new StorageError('provider_unavailable', `${what}: write conflict, retry`, { cause: error });
  return new StorageError('provider_unavailable', `${what}: database error${code ? ` ${code}` : ''}`, { cause: error });
}

/**
 * {@link FileStore} on MongoDB (official driver v6). Keeps the string `id` in its own field with a
 * unique index (`_id` stays an ObjectId); state changes are conditional `findOneAndUpdate`s. Call
 * `ensureIndexes()` once at start-up.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { mongoFileStore } from '@portalkit/storage/mongodb';
 *
 * const client = await new MongoClient(process.env.MONGODB_URL!).connect();
 * const store = mongoFileStore(client.db('app'));
 * await store.ensureIndexes();
 * ```
 */
export function mongoFileStore(db: Db, options: MongoFileStoreOptions = {}): MongoFileStore {
  const col: Collection<FileDoc> = db.collection<FileDoc>(options.collection ?? 'storage_files');
  const byTenant = (tenantId: string, id: string): Filter<FileDoc> => ({ tenantId, id });
  return {
    async ensureIndexes() {
      try {
        await col.createIndex({ id: 1 }, { unique: true, name: 'id_unique' });
        await col.createIndex({ key: 1 }, { unique: true, name: 'key_unique' });
        await col.createIndex({ tenantId: 1, status: 1, createdAt: -1, id: -1 }, { name: 'tenant_list' });
        await col.createIndex({ status: 1, deletedAt: 1, expiresAt: 1 }, { name: 'sweep' });
      } catch (error) {
        throw mapMongoError(error, 'ensureIndexes storage_files');
      }
    },
    async insert(r) {
      try {
        await col.insertOne({ ...r, tags: [...r.tags] });
      } catch (error) {
        throw mapMongoError(error, `insert file ${r.id}`);
      }
    },
    async get(tenantId, id) {
      const d = await col.findOne(byTenant(tenantId, id));
      return d ? toRecord(d) : null;
    },
    async markReady(tenantId, id, facts) {
      const d = await col.findOneAndUpdate(
        { ...byTenant(tenantId, id), status: 'pending' },
        {
          $set: {
            status: 'ready',
            size: facts.size,
            contentType: facts.contentType,
            checksum: facts.checksum,
            expiresAt: null,
          },
        },
        { returnDocument: 'after' },
      );
      return d ? toRecord(d) : null;
    },
    async markDeleted(tenantId, id, at) {
      const d = await col.findOneAndUpdate(
        { ...byTenant(tenantId, id), status: { $in: ['pending', 'ready'] } },
        { $set: { status: 'deleted', deletedAt: at } },
        { returnDocument: 'after' },
      );
      return d ? toRecord(d) : null;
    },
    async list(tenantId, query) {
      const limit = pageLimit(query.limit);
      const and: Filter<FileDoc>[] = [{ tenantId, status: 'ready' }];
      if (query.category !== undefined) and.push({ category: query.category });
      if (query.tag !== undefined) and.push({ tags: query.tag });
      if (query.q !== undefined && query.q !== '') and.push({ name: { $regex: escapeRegex(query.q), $options: 'i' } });
      if (query.cursor) {
        const c = decodeFileCursor(query.cursor);
        and.push({ $or: [{ createdAt: { $lt: c.createdAt } }, { createdAt: c.createdAt, id: { $lt: c.id } }] });
      }
      const docs = await col
        .find({ $and: and })
        .sort({ createdAt: -1, id: -1 })
        .limit(limit + 1)
        .toArray();
      const items = docs.slice(0, limit).map(toRecord);
      const last = items[items.length - 1];
      return { items, nextCursor: docs.length > limit && last ? encodeFileCursor(last) : null };
    },
    async listSweepable(query) {
      const docs = await col
        .find({
          $or: [
            { status: 'deleted', deletedAt: { $lte: query.deletedBefore } },
            { status: 'pending', expiresAt: { $lte: query.pendingExpiredBefore } },
          ],
        })
        .limit(query.limit)
        .toArray();
      return docs.map(toRecord);
    },
    async remove(tenantId, id, status) {
      const result = await col.deleteOne({ ...byTenant(tenantId, id), status });
      return result.deletedCount > 0;
    },
    async existingKeys(keys) {
      if (keys.length === 0) return new Set();
      const docs = await col.find({ key: { $in: [...keys] } }, { projection: { key: 1 } }).toArray();
      return new Set(docs.map((d) => d.key));
    },
    async removeTenant(tenantId) {
      const result = await col.deleteMany({ tenantId });
      return result.deletedCount;
    },
  };
}
