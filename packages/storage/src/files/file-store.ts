/** Lifecycle of a file record: `pending` until its bytes are verified, `ready`, then `deleted` (soft). */
export type FileStatus = 'pending' | 'ready' | 'deleted';

/**
 * A stored file's record (what the `files` endpoints return, plus internals such as `key`).
 *
 * @example
 * ```ts
 * const file: FileRecord = await files.get('t1', fileId);
 * console.log(file.name, file.size, file.checksum);
 * ```
 */
export interface FileRecord {
  /** Opaque id, unique across tenants. */
  id: string;
  /** Owning tenant. */
  tenantId: string;
  /** Object key: `tenants/{tenantId}/files/{id}/{sanitized name}`. */
  key: string;
  /** Sanitized display name. */
  name: string;
  /** Size in bytes (announced size while a direct upload is pending). */
  size: number;
  /** MIME type judged from the bytes (announced type while a direct upload is pending). */
  contentType: string;
  /** SHA-256 of the bytes, lower-case hex; `null` while pending. */
  checksum: string | null;
  /** Free category used for filtering. */
  category: string | null;
  /** Tags used for filtering. */
  tags: string[];
  /** Lifecycle state. */
  status: FileStatus;
  /** Id of the user who created it, when known. */
  createdBy: string | null;
  /** Creation time. */
  createdAt: Date;
  /** Soft-deletion time. */
  deletedAt: Date | null;
  /** Until when a `pending` record may stay pending before the sweeper removes it. */
  expiresAt: Date | null;
}

/**
 * Filters and paging of {@link FileStore.list}.
 *
 * @example
 * ```ts
 * await store.list('t1', { tag: 'invoices', q: 'march', limit: 20 });
 * ```
 */
export interface FileListQuery {
  /** Only this category. @default undefined */
  category?: string | undefined;
  /** Only files carrying this tag. @default undefined */
  tag?: string | undefined;
  /** Case-insensitive "name contains". @default undefined */
  q?: string | undefined;
  /** Opaque cursor from the previous page. @default undefined */
  cursor?: string | undefined;
  /** Page size 1..100. @default 20 */
  limit?: number | undefined;
}

/**
 * A page of file records, newest first.
 *
 * @example
 * ```ts
 * const { items, nextCursor } = await files.list('t1', { limit: 50 });
 * ```
 */
export interface FilePage {
  /** Records of this page. */
  items: FileRecord[];
  /** Cursor of the next page, `null` at the end. */
  nextCursor: string | null;
}

/**
 * What the sweeper asks for: records it may purge.
 *
 * @example
 * ```ts
 * await store.listSweepable({ deletedBefore: new Date(Date.now() - 7 * 86400e3), pendingExpiredBefore: new Date(), limit: 100 });
 * ```
 */
export interface SweepableQuery {
  /** Soft-deleted records whose `deletedAt` is at or before this time. */
  deletedBefore: Date;
  /** Pending records whose `expiresAt` is at or before this time. */
  pendingExpiredBefore: Date;
  /** Largest number of records returned. */
  limit: number;
}

/**
 * Persistence of file records. Adapters: {@link memoryFileStore}, `kyselyFileStore`
 * (`@portalkit/storage/kysely`), `mongoFileStore` (`@portalkit/storage/mongodb`), all proven by one
 * conformance suite. Every state change is conditional in the database (no read-then-write).
 *
 * @example
 * ```ts
 * const store: FileStore = memoryFileStore();
 * ```
 */
export interface FileStore {
  /** Inserts a record; throws `conflict` when the id or key already exists. */
  insert(record: FileRecord): Promise<void>;
  /** The record of that tenant (any status), or `null`. */
  get(tenantId: string, id: string): Promise<FileRecord | null>;
  /** `pending` -> `ready` with the verified facts; `null` when the record is not pending (or absent). */
  markReady(
    tenantId: string,
    id: string,
    facts: { size: number; contentType: string; checksum: string },
  ): Promise<FileRecord | null>;
  /** `pending`/`ready` -> `deleted` at `at`; `null` when absent or already deleted. */
  markDeleted(tenantId: string, id: string, at: Date): Promise<FileRecord | null>;
  /** `ready` records of a tenant, newest first (createdAt, then id), filtered, paged. */
  list(tenantId: string, query: FileListQuery): Promise<FilePage>;
  /** Records the sweeper may purge (see {@link SweepableQuery}). */
  listSweepable(query: SweepableQuery): Promise<FileRecord[]>;
  /** Hard-deletes the record if it still has `status`; true when this call removed it. */
  remove(tenantId: string, id: string, status: FileStatus): Promise<boolean>;
  /** The subset of `keys` that belong to a record (any status). */
  existingKeys(keys: readonly string[]): Promise<Set<string>>;
  /** Hard-deletes every record of a tenant (any status); returns how many were removed. */
  removeTenant(tenantId: string): Promise<number>;
}
