import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { contentDisposition } from '../content-disposition.js';
import { isStorageError, StorageError } from '../errors.js';
import { normalizeBody } from '../internal/body.js';
import { SNIFF_BYTES, sniffType, typeAllowed } from '../internal/sniff.js';
import { fileObjectKey, sanitizeFileName, uploadStagingKey, validateKey } from '../keys.js';
import { parseRangeHeader } from '../range.js';
import type { GetResult, StorageBody, StorageProvider } from '../types.js';
import type { FileListQuery, FilePage, FileRecord, FileStore } from './file-store.js';

/** Types a download may show inline: raster images, PDF and plain text (never markup). */
const INLINE_SAFE = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'application/pdf',
  'text/plain',
];
const INLINE_SAFE_TYPES: ReadonlySet<string> = new Set(INLINE_SAFE);

/**
 * Types accepted by default: common images (no SVG: it can carry scripts), PDF, plain text, CSV,
 * JSON, Markdown and the OOXML/ODF office formats (which file-type reports by their real type).
 *
 * @example
 * ```ts
 * import { DEFAULT_ALLOWED_TYPES } from '@portalkit/storage';
 *
 * // Everything the defaults allow, minus office documents:
 * const allowedTypes = DEFAULT_ALLOWED_TYPES.filter((type) => !type.startsWith('application/vnd.'));
 * ```
 */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = [
  // what may also be shown inline, then the rest
  ...INLINE_SAFE,
  'text/csv',
  'text/markdown',
  'application/json',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/zip',
];

/**
 * Options of {@link createFileService}.
 *
 * @example
 * ```ts
 * createFileService({ storage, store, maxSize: 10 * 1024 * 1024, allowedTypes: ['image/*', 'application/pdf'] });
 * ```
 */
export interface FileServiceOptions {
  /** Where the bytes go (the root provider, not a scoped one: keys are `tenants/{tenantId}/files/...`). */
  storage: StorageProvider;
  /** Where the records go. */
  store: FileStore;
  /** Largest file in bytes. @default 26214400 (25 MiB) */
  maxSize?: number;
  /** Accepted types, judged from the bytes (`image/*` patterns allowed). @default DEFAULT_ALLOWED_TYPES */
  allowedTypes?: readonly string[];
  /** Lifetime of signed upload URLs in seconds. @default 900 */
  uploadUrlExpiresIn?: number;
  /** Lifetime of signed download URLs in seconds. @default 300 */
  downloadUrlExpiresIn?: number;
  /** How long a pending record may wait for its bytes before the sweeper removes it, in seconds. @default 86400 */
  pendingTtl?: number;
  /** Id generator. @default crypto.randomUUID */
  generateId?: () => string;
  /** Clock. @default () => new Date() */
  now?: () => Date;
}

/** What completeUpload verified: the facts a record is marked ready with. */
interface ReadyFacts {
  size: number;
  contentType: string;
  checksum: string;
}

/**
 * Options of {@link FileService.upload}.
 *
 * @example
 * ```ts
 * await files.upload('t1', req, { name: 'report.pdf', declaredType: 'application/pdf', createdBy: 'u1' });
 * ```
 */
export interface UploadOptions {
  /** Original file name (sanitized before use). */
  name: string;
  /** Type the client announced; only used to tell text formats apart. @default undefined */
  declaredType?: string | undefined;
  /** Per-call size limit (bytes). @default the service's maxSize */
  maxSize?: number | undefined;
  /** Per-call allow-list. @default the service's allowedTypes */
  allowedTypes?: readonly string[] | undefined;
  /** Category. @default null */
  category?: string | undefined;
  /** Tags (at most 20, each 1..64 characters). @default [] */
  tags?: readonly string[] | undefined;
  /** Creating user id. @default null */
  createdBy?: string | undefined;
  /** Aborts the upload (e.g. when the client disconnects). @default undefined */
  signal?: AbortSignal | undefined;
}

/**
 * Input of {@link FileService.createUpload}.
 *
 * @example
 * ```ts
 * await files.createUpload('t1', { name: 'a.png', size: 1234, contentType: 'image/png' });
 * ```
 */
export interface CreateUploadInput {
  /** Original file name. */
  name: string;
  /** Exact size in bytes the client will send. */
  size: number;
  /** Content type the client will send (must be allowed). */
  contentType: string;
  /** Expected SHA-256 (hex) checked by completeUpload. @default undefined */
  checksum?: string | undefined;
  /** Category. @default null */
  category?: string | undefined;
  /** Tags. @default [] */
  tags?: readonly string[] | undefined;
  /** Creating user id. @default null */
  createdBy?: string | undefined;
}

/**
 * The HTTP request a client makes to upload the bytes directly.
 *
 * @example
 * ```ts
 * await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
 * ```
 */
export interface SignedUpload {
  /** Always `PUT`. */
  method: 'PUT';
  /**
   * Signed URL (presigned S3 URL, or the local signed-URL handler) of the upload's staging key
   * ({@link uploadStagingKey}), never of the file's own key: what `completeUpload` verified cannot
   * be overwritten through it.
   */
  url: string;
  /** Headers the client must send exactly (the signature binds them). */
  headers: Record<string, string>;
}

/**
 * Result of {@link FileService.createUpload}: what the browser needs to PUT the bytes.
 *
 * @example
 * ```ts
 * const { upload } = await files.createUpload('t1', input);
 * await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
 * ```
 */
export interface CreatedUpload {
  /** The pending record. */
  file: FileRecord;
  /** The id of the pending record (same as `file.id`). */
  fileId: string;
  /** The request to make. */
  upload: SignedUpload;
  /** When the URL stops working. */
  expiresAt: Date;
}

/**
 * Options of {@link FileService.completeUpload}.
 *
 * @example
 * ```ts
 * const file = await files.completeUpload(tenantId, fileId, {
 *   // called once per upload, by the call that marked it ready: never for a repeated or concurrent completion
 *   onCompleted: async (ready) => {
 *     await audit.record({ action: 'file.uploaded', resource: { type: 'file', id: ready.id } });
 *   },
 * });
 * ```
 */
export interface CompleteUploadOptions {
  /**
   * Called (and awaited) by the one call that marks the upload `ready`, with the ready record, before
   * that call resolves. Never called when the file was already ready, when another call (in this
   * process or another one) completed it, or when completion fails: the store's conditional
   * `markReady` decides, so concurrent completions yield exactly one call. If it throws,
   * `completeUpload` rejects with that error but the file stays `ready` (a retry returns it without
   * calling `onCompleted` again). @default undefined
   */
  onCompleted?: ((file: FileRecord) => unknown) | undefined;
}

/**
 * Options of {@link FileService.download}.
 *
 * @example
 * ```ts
 * await files.download('t1', id, { range: req.headers.range, disposition: 'inline' });
 * ```
 */
export interface DownloadOptions {
  /** The request's `Range` header (local provider only; S3 URLs honour Range themselves). @default undefined */
  range?: string | null | undefined;
  /**
   * `attachment` (download) or `inline` (display). `inline` is honoured only for raster images
   * (png, jpeg, gif, webp, avif), PDF and plain text; anything else (HTML, SVG, XML, ...) is always
   * an attachment, so an uploaded document never runs script as the serving origin.
   * @default 'attachment'
   */
  disposition?: 'attachment' | 'inline' | undefined;
}

/**
 * What to answer for a download: a redirect to a short-lived signed URL (S3-compatible providers),
 * or the bytes to stream with status and headers (local provider; Range honoured).
 *
 * @example
 * ```ts
 * const d = await files.download('t1', id, { range: req.headers.range });
 * if (d.type === 'redirect') res.redirect(302, d.url);
 * else { res.writeHead(d.status, d.headers); d.body ? d.body.pipe(res) : res.end(); }
 * ```
 */
export type DownloadResult = RedirectDownload | StreamDownload;

/**
 * Download answer for S3-compatible providers: redirect (302) to a short-lived signed URL that
 * carries the Content-Disposition and honours Range itself.
 *
 * @example
 * ```ts
 * if (d.type === 'redirect') res.redirect(302, d.url);
 * ```
 */
export interface RedirectDownload {
  /** Discriminant. */
  type: 'redirect';
  /** The file. */
  file: FileRecord;
  /** Signed GET URL. */
  url: string;
}

/**
 * Download answer for the local provider: status, headers and the bytes to stream.
 *
 * @example
 * ```ts
 * if (d.type === 'stream') { res.writeHead(d.status, d.headers); d.body ? d.body.pipe(res) : res.end(); }
 * ```
 */
export interface StreamDownload {
  /** Discriminant. */
  type: 'stream';
  /** The file. */
  file: FileRecord;
  /** 200 whole file, 206 partial (Range), 416 range not satisfiable. */
  status: 200 | 206 | 416;
  /** Response headers (type, length, disposition, ranges, etag). */
  headers: Record<string, string>;
  /** The bytes; `null` for 416. */
  body: Readable | null;
}

/**
 * Result of {@link FileService.sweep}.
 *
 * @example
 * ```ts
 * const { deleted, pending, orphans } = await files.sweep({ olderThan: new Date(Date.now() - 7 * 86400e3) });
 * ```
 */
export interface SweepResult {
  /** Soft-deleted files purged (object and record). */
  deleted: number;
  /** Expired pending records purged (with their object, if any). */
  pending: number;
  /**
   * Objects purged without a record to go with them: objects under `tenants/*\/files/` without any
   * record, and staging objects (`tenants/*\/uploads/*`) of uploads that are no longer pending.
   */
  orphans: number;
  /** Objects or records that could not be purged this time (retried on the next run). */
  failed: number;
}

/**
 * The file service the servers call: streamed, validated, tenant-scoped uploads, direct uploads,
 * listing, soft delete, sweeping and downloads. Created by {@link createFileService}.
 *
 * @example
 * ```ts
 * const file = await files.upload(tenantId, stream, { name: 'a.pdf' });
 * const page = await files.list(tenantId, { q: 'invoice', limit: 20 });
 * ```
 */
export interface FileService {
  /**
   * Streams a file into storage: sanitizes the name, sniffs the type from the first bytes, refuses
   * types outside the allow-list (`type_not_allowed`) and sizes over the limit while streaming
   * (`too_large`, aborted at limit+1 bytes, nothing left behind), hashes with SHA-256, writes the
   * object, then marks the record ready.
   */
  upload(tenantId: string, body: StorageBody, options: UploadOptions): Promise<FileRecord>;
  /**
   * Creates a pending record and a signed PUT URL bound to the announced type and length. The URL
   * targets the upload's staging key ({@link uploadStagingKey}), not the file's key.
   */
  createUpload(tenantId: string, input: CreateUploadInput): Promise<CreatedUpload>;
  /**
   * Completes a direct upload: copies the staging object to the file's key, verifies that copy (size
   * as announced, allowed sniffed type, announced SHA-256 if any), marks the record ready and deletes
   * the staging object. Bytes PUT to the upload URL afterwards (or while this runs) never reach the
   * file. Throws `not_found` for an unknown, deleted or other tenant's file; `invalid_input` when the
   * bytes never arrived or their size differs from the announced one; `type_not_allowed`;
   * `checksum_mismatch`: in those cases the staging object, the copy and the record are removed.
   * Idempotent once ready; `options.onCompleted` tells the one call that completed it.
   *
   * @example
   * ```ts
   * let completed = false;
   * const file = await files.completeUpload('t1', fileId, { onCompleted: () => { completed = true; } });
   * // false for a repeated or concurrent completion:
   * if (completed) await audit.record({ action: 'file.uploaded', resource: { type: 'file', id: file.id } });
   * ```
   */
  completeUpload(tenantId: string, fileId: string, options?: CompleteUploadOptions): Promise<FileRecord>;
  /** A file of the tenant (pending or ready); `not_found` when absent, deleted or another tenant's. */
  get(tenantId: string, fileId: string): Promise<FileRecord>;
  /** Ready files of the tenant, newest first, filtered by category, tag and name (`q`). */
  list(tenantId: string, query?: FileListQuery): Promise<FilePage>;
  /** Soft delete: gone from get/list/download at once; bytes purged by {@link FileService.sweep}. */
  softDelete(tenantId: string, fileId: string): Promise<void>;
  /**
   * Purges soft-deleted files deleted before `olderThan`, expired pending records (with their
   * object and staging object), orphan objects under `tenants/*\/files/` last modified before
   * `olderThan`, and staging objects of uploads that are no longer pending (whatever their age;
   * never the staging object of a pending upload). Safe to run from several processes at once.
   */
  sweep(options?: { olderThan?: Date; batchSize?: number }): Promise<SweepResult>;
  /**
   * Deletes every file of a tenant (for tenant deletion): records first, then every object under
   * `tenants/{tenantId}/`; a crash in between leaves only orphan objects, which `sweep` removes.
   * Returns the number of records removed.
   */
  purgeTenant(tenantId: string): Promise<number>;
  /** How to answer a download of a ready file (see {@link DownloadResult}). */
  download(tenantId: string, fileId: string, options?: DownloadOptions): Promise<DownloadResult>;
}

function checkText(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new StorageError('invalid_input', `${what} must be a string of 1..${max} characters`);
  }
  return value;
}

function checkTags(tags: readonly string[] | undefined): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || tags.length > 20)
    throw new StorageError('invalid_input', 'tags must be an array of at most 20 strings');
  return [...new Set(tags.map((t) => checkText(t, 'tag', 64)))];
}

function checkSize(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new StorageError('invalid_input', `${what} must be a non-negative integer`);
  return value;
}

function checkId(value: string, what: string): void {
  if (typeof value !== 'string' || value === '' || value.length > 200 || value.includes('/')) {
    throw new StorageError('invalid_input', `${what} must be a non-empty id without "/"`);
  }
  validateKey(value);
}

/**
 * Creates the {@link FileService}.
 *
 * @example
 * ```ts
 * import { createFileService, createStorage, memoryFileStore } from '@portalkit/storage';
 *
 * const files = createFileService({
 *   storage: createStorage({ provider: 'local', root: './data/files' }),
 *   store: memoryFileStore(),
 *   maxSize: 10 * 1024 * 1024,
 * });
 * const file = await files.upload('tenant-1', Buffer.from('hello'), { name: 'hello.txt', declaredType: 'text/plain' });
 * ```
 */
export function createFileService(options: FileServiceOptions): FileService {
  const { storage, store } = options;
  const maxSizeDefault = options.maxSize ?? 25 * 1024 * 1024;
  const allowedDefault = options.allowedTypes ?? DEFAULT_ALLOWED_TYPES;
  const uploadTtl = options.uploadUrlExpiresIn ?? 900;
  const downloadTtl = options.downloadUrlExpiresIn ?? 300;
  const pendingTtl = Math.max(options.pendingTtl ?? 86_400, uploadTtl + 60);
  const newId = options.generateId ?? (() => randomUUID());
  const now = options.now ?? (() => new Date());
  checkSize(maxSizeDefault, 'maxSize');

  async function discard(record: FileRecord): Promise<void> {
    await storage.delete(record.key).catch(() => undefined);
    await store.remove(record.tenantId, record.id, 'pending').catch(() => undefined);
  }

  /** Removes the objects of a direct upload (its staging object and the copy at the file's key), best effort. */
  async function dropObjects(record: FileRecord): Promise<void> {
    await storage.deleteMany([uploadStagingKey(record.tenantId, record.id), record.key]).catch(() => undefined);
  }

  const notUploaded = (fileId: string) =>
    new StorageError(
      'invalid_input',
      `file ${fileId} has not been uploaded: PUT its bytes to the upload URL before completing it (the upload has been removed; create a new one)`,
    );

  /**
   * Verdict on the object at `record.key` (a copy of the staging object): the facts to mark it ready
   * with, or why the bytes are refused. Provider errors are thrown (the upload may be retried).
   */
  async function verifyObject(record: FileRecord): Promise<{ facts: ReadyFacts } | { refused: StorageError }> {
    const sizeDiffers = (got: string) =>
      new StorageError('invalid_input', `file ${record.id} has ${got} bytes, ${record.size} were announced`);
    let object: GetResult;
    try {
      object = await storage.get(record.key);
    } catch (error) {
      if (isStorageError(error) && error.code === 'not_found') return { refused: notUploaded(record.id) };
      throw error;
    }
    if (object.size !== record.size) {
      object.body.destroy();
      return { refused: sizeDiffers(String(object.size)) };
    }
    let inspected: Awaited<ReturnType<typeof inspect>>;
    try {
      inspected = await inspect(object.body, record.size);
      for await (const _ of inspected.body()) {
        // hashing while draining
      }
    } catch (error) {
      object.body.destroy();
      if (isStorageError(error) && error.code === 'too_large') return { refused: sizeDiffers('more than that') };
      throw error;
    }
    if (inspected.state.size !== record.size) return { refused: sizeDiffers(String(inspected.state.size)) };
    const type = await sniffType(inspected.head, record.contentType);
    if (!typeAllowed(type, allowedDefault)) {
      return { refused: new StorageError('type_not_allowed', `files of type ${type} are not allowed`) };
    }
    const checksum = inspected.digest();
    if (record.checksum !== null && record.checksum !== checksum) {
      return {
        refused: new StorageError('checksum_mismatch', `file ${record.id} does not match the announced SHA-256`),
      };
    }
    return { facts: { size: inspected.state.size, contentType: type, checksum } };
  }

  /** True when the object at `file.key` has exactly the size and SHA-256 recorded for the file. */
  async function holdsRecordedBytes(file: FileRecord): Promise<boolean> {
    let object: GetResult;
    try {
      object = await storage.get(file.key);
    } catch (error) {
      if (isStorageError(error) && error.code === 'not_found') return false;
      throw error;
    }
    if (object.size !== file.size) {
      object.body.destroy();
      return false;
    }
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of object.body) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    } catch (error) {
      object.body.destroy();
      throw error;
    }
    return size === file.size && hash.digest('hex') === file.checksum;
  }

  /**
   * Ends a completeUpload call that did not mark the upload ready. Refused bytes remove the upload
   * (staging object, copy, record) when this call removes the pending record. When another call
   * completed the upload meanwhile, its ready record is returned, after making sure that this call's
   * copy (`wrote`; `checksum` is what this call verified, when it got that far) did not replace the
   * verified bytes: a copy of other bytes (PUT to the staging key between the two copies) makes the
   * file unusable, so it is soft-deleted and `conflict` thrown. A removed record takes its objects
   * along. Otherwise (provider trouble, file soft-deleted meanwhile) `error` is rethrown.
   */
  async function settle(
    record: FileRecord,
    wrote: boolean,
    checksum: string | null,
    error: unknown,
    refused: boolean,
  ): Promise<FileRecord> {
    if (refused && (await store.remove(record.tenantId, record.id, 'pending'))) {
      await dropObjects(record);
      throw error;
    }
    const current = await store.get(record.tenantId, record.id);
    if (current?.status === 'ready') {
      if (wrote && checksum !== current.checksum && !(await holdsRecordedBytes(current))) {
        await store.markDeleted(current.tenantId, current.id, now());
        throw new StorageError(
          'conflict',
          `file ${record.id} was overwritten by a concurrent completeUpload with other bytes and has been deleted: upload it again`,
        );
      }
      return current;
    }
    if (current === null) await dropObjects(record);
    throw error;
  }

  async function readable(tenantId: string, fileId: string): Promise<FileRecord> {
    checkId(tenantId, 'tenantId');
    checkId(fileId, 'fileId');
    const record = await store.get(tenantId, fileId);
    if (!record || record.status === 'deleted') throw new StorageError('not_found', `file ${fileId} not found`);
    return record;
  }

  /** Reads the head of a stream for sniffing, then yields everything through the limit and the hash. */
  async function inspect(source: Readable, maxSize: number) {
    const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const headChunks: Buffer[] = [];
    let headLength = 0;
    let done = false;
    while (headLength < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      headChunks.push(chunk);
      headLength += chunk.length;
    }
    const head = Buffer.concat(headChunks);
    const hash = createHash('sha256');
    const state = { size: 0 };
    const tooLarge = () => new StorageError('too_large', `file exceeds the limit of ${maxSize} bytes`);
    async function* body(): AsyncGenerator<Buffer> {
      if (head.length > maxSize) throw tooLarge();
      hash.update(head);
      state.size = head.length;
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        if (state.size + chunk.length > maxSize) throw tooLarge();
        state.size += chunk.length;
        hash.update(chunk);
        yield chunk;
      }
    }
    return { head, body, state, digest: () => hash.digest('hex') };
  }

  return {
    async upload(tenantId, input, opts) {
      checkId(tenantId, 'tenantId');
      const name = sanitizeFileName(checkText(opts.name, 'name', 1000));
      const maxSize = checkSize(opts.maxSize ?? maxSizeDefault, 'maxSize');
      const allowed = opts.allowedTypes ?? allowedDefault;
      const tags = checkTags(opts.tags);
      const category = opts.category === undefined ? null : checkText(opts.category, 'category', 64);
      const normalized = normalizeBody(input);
      const source = normalized.kind === 'bytes' ? Readable.from([normalized.bytes]) : normalized.stream;
      let record: FileRecord | undefined;
      try {
        const inspected = await inspect(source, maxSize);
        if (inspected.head.length > maxSize)
          throw new StorageError('too_large', `file exceeds the limit of ${maxSize} bytes`);
        const type = await sniffType(inspected.head, opts.declaredType);
        if (!typeAllowed(type, allowed)) {
          throw new StorageError('type_not_allowed', `files of type ${type} are not allowed`);
        }
        const id = newId();
        const createdAt = now();
        record = {
          id,
          tenantId,
          key: fileObjectKey(tenantId, id, name),
          name,
          size: 0,
          contentType: type,
          checksum: null,
          category,
          tags,
          status: 'pending',
          createdBy: opts.createdBy ?? null,
          createdAt,
          deletedAt: null,
          expiresAt: new Date(createdAt.getTime() + pendingTtl * 1000),
        };
        await store.insert(record);
        await storage.put(record.key, Readable.from(inspected.body()), {
          contentType: type,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        const ready = await store.markReady(tenantId, id, {
          size: inspected.state.size,
          contentType: type,
          checksum: inspected.digest(),
        });
        if (!ready) throw new StorageError('conflict', `file ${id} was removed while uploading`);
        return ready;
      } catch (error) {
        if (!source.destroyed) source.destroy();
        if (record) await discard(record);
        throw error;
      }
    },

    async createUpload(tenantId, input) {
      checkId(tenantId, 'tenantId');
      const name = sanitizeFileName(checkText(input.name, 'name', 1000));
      const size = checkSize(input.size, 'size');
      if (size > maxSizeDefault)
        throw new StorageError('too_large', `file exceeds the limit of ${maxSizeDefault} bytes`);
      const contentType = checkText(input.contentType, 'contentType', 200).toLowerCase();
      if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(contentType)) {
        throw new StorageError('invalid_input', 'contentType must be a bare MIME type such as image/png');
      }
      if (!typeAllowed(contentType, allowedDefault)) {
        throw new StorageError('type_not_allowed', `files of type ${contentType} are not allowed`);
      }
      if (input.checksum !== undefined && !/^[0-9a-f]{64}$/.test(input.checksum)) {
        throw new StorageError('invalid_input', 'checksum must be a lower-case hex SHA-256');
      }
      const id = newId();
      const createdAt = now();
      const record: FileRecord = {
        id,
        tenantId,
        key: fileObjectKey(tenantId, id, name),
        name,
        size,
        contentType,
        checksum: input.checksum ?? null,
        category: input.category === undefined ? null : checkText(input.category, 'category', 64),
        tags: checkTags(input.tags),
        status: 'pending',
        createdBy: input.createdBy ?? null,
        createdAt,
        deletedAt: null,
        expiresAt: new Date(createdAt.getTime() + pendingTtl * 1000),
      };
      await store.insert(record);
      try {
        const url = await storage.signedUrl(uploadStagingKey(tenantId, id), {
          method: 'PUT',
          expiresIn: uploadTtl,
          contentType,
          contentLength: size,
        });
        return {
          file: record,
          fileId: id,
          upload: { method: 'PUT', url, headers: { 'content-type': contentType } },
          expiresAt: new Date(createdAt.getTime() + uploadTtl * 1000),
        };
      } catch (error) {
        await store.remove(tenantId, id, 'pending').catch(() => undefined);
        throw error;
      }
    },

    async completeUpload(tenantId, fileId, completeOptions = {}) {
      const record = await readable(tenantId, fileId);
      if (record.status === 'ready') return record;
      const staging = uploadStagingKey(tenantId, fileId);
      // The verified object is a copy that no upload URL can reach: a PUT to the staging key while
      // (or after) this runs changes only the staging object. Until the store says which call
      // completed the upload, a concurrent completion may be copying too: `wrote` tells settle().
      let wrote = true; // a failed copy may still have been stored (a timeout after the provider wrote it)
      let verdict: Awaited<ReturnType<typeof verifyObject>>;
      try {
        try {
          await storage.copy(staging, record.key);
        } catch (error) {
          if (!isStorageError(error) || error.code !== 'not_found') throw error;
          wrote = false;
        }
        verdict = wrote ? await verifyObject(record) : { refused: notUploaded(fileId) };
      } catch (error) {
        // provider trouble: the upload stays pending (completeUpload can be retried)
        return settle(record, wrote, null, error, false);
      }
      if ('refused' in verdict) return settle(record, wrote, null, verdict.refused, true);
      const ready = await store.markReady(tenantId, fileId, verdict.facts);
      if (!ready) {
        // another call completed it (or it was removed or deleted) meanwhile
        const gone = new StorageError('not_found', `file ${fileId} was removed while it was being completed`);
        return settle(record, wrote, verdict.facts.checksum, gone, false);
      }
      await storage.delete(staging).catch(() => undefined); // a leftover is purged by sweep()
      await completeOptions.onCompleted?.(ready);
      return ready;
    },

    async get(tenantId, fileId) {
      return readable(tenantId, fileId);
    },

    async list(tenantId, query = {}) {
      checkId(tenantId, 'tenantId');
      return store.list(tenantId, query);
    },

    async softDelete(tenantId, fileId) {
      checkId(tenantId, 'tenantId');
      checkId(fileId, 'fileId');
      const done = await store.markDeleted(tenantId, fileId, now());
      if (!done) throw new StorageError('not_found', `file ${fileId} not found`);
    },

    async sweep(sweepOptions = {}) {
      const at = now();
      const olderThan = sweepOptions.olderThan ?? new Date(at.getTime() - 7 * 86_400_000);
      const batchSize = sweepOptions.batchSize ?? 100;
      const result: SweepResult = { deleted: 0, pending: 0, orphans: 0, failed: 0 };
      const failed = new Set<string>();
      for (;;) {
        const batch = (
          await store.listSweepable({
            deletedBefore: olderThan,
            pendingExpiredBefore: at,
            limit: batchSize + failed.size,
          })
        ).filter((r) => !failed.has(r.id));
        if (batch.length === 0) break;
        for (const record of batch) {
          try {
            // bytes first, record second: a crash in between leaves a record without bytes, purged next run
            await storage.deleteMany([record.key, uploadStagingKey(record.tenantId, record.id)]);
            if (await store.remove(record.tenantId, record.id, record.status)) {
              if (record.status === 'deleted') result.deleted++;
              else result.pending++;
            }
          } catch {
            failed.add(record.id);
            result.failed++;
          }
        }
      }
      let cursor: string | undefined;
      do {
        const page = await storage.list('tenants/', { limit: 1000, ...(cursor ? { cursor } : {}) });
        const candidates = page.items.filter(
          (o) => /^tenants\/[^/]+\/files\/[^/]+\/[^/]+$/.test(o.key) && o.lastModified <= olderThan,
        );
        // Staging objects: kept while their upload is pending (the pending sweep above handles
        // expired ones); otherwise leftovers (a PUT after completion, failure or removal), purged
        // whatever their age. The staging key is written only after its pending record exists.
        for (const o of page.items) {
          const staging = /^tenants\/([^/]+)\/uploads\/([^/]+)$/.exec(o.key);
          if (!staging) continue;
          const [, tenantId = '', fileId = ''] = staging;
          try {
            if ((await store.get(tenantId, fileId))?.status === 'pending') continue;
            await storage.delete(o.key);
            result.orphans++;
          } catch {
            result.failed++;
          }
        }
        if (candidates.length > 0) {
          const known = await store.existingKeys(candidates.map((o) => o.key));
          for (const o of candidates) {
            if (known.has(o.key)) continue;
            try {
              await storage.delete(o.key);
              result.orphans++;
            } catch {
              result.failed++;
            }
          }
        }
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return result;
    },

    async purgeTenant(tenantId) {
      checkId(tenantId, 'tenantId');
      const removed = await store.removeTenant(tenantId);
      const prefix = `tenants/${tenantId}/`;
      for (;;) {
        const page = await storage.list(prefix, { limit: 1000 });
        if (page.items.length === 0) break;
        await storage.deleteMany(page.items.map((o) => o.key));
        if (page.cursor === null) break;
      }
      return removed;
    },

    async download(tenantId, fileId, dl = {}) {
      const file = await readable(tenantId, fileId);
      if (file.status !== 'ready') throw new StorageError('not_found', `file ${fileId} is not ready`);
      // Inline only for types a browser shows without running anything; markup (HTML, SVG, XML)
      // and the rest always download, so an uploaded document cannot script the serving origin.
      const inline = dl.disposition === 'inline' && INLINE_SAFE_TYPES.has(file.contentType);
      const disposition = contentDisposition(file.name, inline ? 'inline' : 'attachment');
      if (storage.provider !== 'local') {
        return {
          type: 'redirect',
          file,
          url: await storage.signedUrl(file.key, { method: 'GET', expiresIn: downloadTtl, disposition }),
        };
      }
      const headers: Record<string, string> = {
        'content-type': file.contentType,
        'content-disposition': disposition,
        'accept-ranges': 'bytes',
        'x-content-type-options': 'nosniff',
        // Whatever the bytes are, a browser opening them runs nothing with this origin's rights.
        'content-security-policy': "sandbox; default-src 'none'",
        'cache-control': 'private, no-store',
        ...(file.checksum ? { etag: `"${file.checksum}"` } : {}),
      };
      const range = parseRangeHeader(dl.range, file.size);
      if (range === 'unsatisfiable') {
        return { type: 'stream', file, status: 416, headers: { 'content-range': `bytes */${file.size}` }, body: null };
      }
      const got = await storage.get(file.key, range ? { range } : {});
      headers['content-length'] = String(got.contentLength);
      if (range && got.range) {
        headers['content-range'] = `bytes ${got.range.start}-${got.range.end}/${got.size}`;
        return { type: 'stream', file, status: 206, headers, body: got.body };
      }
      return { type: 'stream', file, status: 200, headers, body: got.body };
    },
  };
}
