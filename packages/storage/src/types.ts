import type { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ResolvedRange } from './range.js';

/**
 * What `put` accepts: bytes in memory, a string (written as UTF-8), a Node `Readable` or a web
 * `ReadableStream`. Streams may be of known length (pass `contentLength`) or unknown length.
 *
 * @example
 * ```ts
 * await storage.put('a.txt', 'hello', { contentType: 'text/plain' });
 * await storage.put('b.bin', createReadStream('/tmp/b.bin'));
 * ```
 */
export type StorageBody =
  | Buffer
  | Uint8Array
  | string
  | Readable
  | WebReadableStream<Uint8Array>
  | ReadableStream<Uint8Array>;

/**
 * Options of {@link StorageProvider.put}.
 *
 * @example
 * ```ts
 * await storage.put('a.json', '{}', { contentType: 'application/json', metadata: { owner: 'u1' } });
 * ```
 */
export interface PutOptions {
  /** MIME type stored with the object. @default 'application/octet-stream' */
  contentType?: string;
  /** User metadata (ASCII keys, lower-cased by most S3 providers). @default {} */
  metadata?: Record<string, string>;
  /** Exact byte length of a stream body when known; bodies in memory know theirs. @default undefined (unknown: multipart / temp file) */
  contentLength?: number;
  /** Aborts the write; the partial object is cleaned up. @default undefined */
  signal?: AbortSignal;
}

/**
 * Description of a stored object.
 *
 * @example
 * ```ts
 * const info = await storage.stat('a.txt');
 * console.log(info.size, info.contentType, info.etag);
 * ```
 */
export interface ObjectInfo {
  /** The object's key. */
  key: string;
  /** Size in bytes of the whole object. */
  size: number;
  /** MIME type stored with the object. */
  contentType: string;
  /** Entity tag: changes whenever the content changes. */
  etag: string;
  /** Last modification time. */
  lastModified: Date;
  /** User metadata stored with the object. */
  metadata: Record<string, string>;
}

/**
 * A byte range, both ends inclusive (like HTTP `Range: bytes=start-end`). `end` defaults to the
 * last byte.
 *
 * @example
 * ```ts
 * const part = await storage.get('a.bin', { range: { start: 0, end: 99 } }); // first 100 bytes
 * ```
 */
export interface ByteRange {
  /** First byte, 0-based. */
  start: number;
  /** Last byte, inclusive. @default size - 1 */
  end?: number;
}

/**
 * Options of {@link StorageProvider.get}.
 *
 * @example
 * ```ts
 * await storage.get('a.bin', { range: { start: 10 } });
 * ```
 */
export interface GetOptions {
  /** Read only this range. @default the whole object */
  range?: ByteRange;
}

/**
 * Result of {@link StorageProvider.get}: the bytes as a Node stream plus the object's description.
 *
 * @example
 * ```ts
 * const { body, size, contentType } = await storage.get('a.txt');
 * body.pipe(res);
 * ```
 */
export interface GetResult extends ObjectInfo {
  /** The bytes (of the range when one was asked). Consume or destroy it. */
  body: Readable;
  /** Number of bytes in `body`. */
  contentLength: number;
  /** The range actually served (inclusive ends), when a range was asked. */
  range?: ResolvedRange;
}

/**
 * Options of {@link StorageProvider.list}.
 *
 * @example
 * ```ts
 * const page = await storage.list('tenants/t1/', { limit: 100 });
 * ```
 */
export interface ListOptions {
  /** Cursor returned by the previous page. @default undefined (first page) */
  cursor?: string;
  /** Page size, 1..1000. @default 1000 */
  limit?: number;
}

/**
 * A page of {@link StorageProvider.list}.
 *
 * @example
 * ```ts
 * let cursor: string | undefined;
 * do {
 *   const page = await storage.list('', { cursor });
 *   for (const item of page.items) console.log(item.key);
 *   cursor = page.cursor ?? undefined;
 * } while (cursor);
 * ```
 */
export interface ListResult {
  /** Objects of this page in key order. */
  items: ListedObject[];
  /** Cursor of the next page, `null` at the end. */
  cursor: string | null;
}

/**
 * An entry of {@link ListResult}.
 *
 * @example
 * ```ts
 * const { items } = await storage.list('');
 * items.map((o) => `${o.key} ${o.size}`);
 * ```
 */
export interface ListedObject {
  /** The object's key. */
  key: string;
  /** Size in bytes. */
  size: number;
  /** Last modification time. */
  lastModified: Date;
  /** Entity tag, when the listing gives one. */
  etag?: string;
}

/**
 * Options of {@link StorageProvider.signedUrl}.
 *
 * @example
 * ```ts
 * const url = await storage.signedUrl('a.pdf', { method: 'GET', expiresIn: 300, disposition: 'attachment; filename="a.pdf"' });
 * ```
 */
export interface SignedUrlOptions {
  /** `GET` to download, `PUT` to upload. @default 'GET' */
  method?: 'GET' | 'PUT';
  /** Lifetime in seconds (1..604800). @default 900 */
  expiresIn?: number;
  /** PUT only: the `Content-Type` the uploader must send. @default undefined */
  contentType?: string;
  /** PUT only: the exact `Content-Length` the uploader must send. @default undefined */
  contentLength?: number;
  /** GET only: `Content-Disposition` of the response (see {@link contentDisposition}). @default undefined */
  disposition?: string;
}

/** Provider names accepted by {@link createStorage}. */
export type ProviderName = 'local' | 's3' | 'digitalocean' | 'linode' | 'vultr' | 's3-compatible';

/**
 * The one interface every provider implements. Keys are validated before any I/O (see
 * {@link validateKey}); every failure is a {@link StorageError}.
 *
 * @example
 * ```ts
 * const storage = createStorage({ provider: 'local', root: './data/files' });
 * await storage.put('hello.txt', 'hi', { contentType: 'text/plain' });
 * const { body } = await storage.get('hello.txt');
 * ```
 */
export interface StorageProvider {
  /** Which provider this is. */
  readonly provider: ProviderName;
  /** Writes (or overwrites) an object. Streams are never buffered whole. */
  put(key: string, body: StorageBody, options?: PutOptions): Promise<ObjectInfo>;
  /** Reads an object (or a range of it). Throws `not_found`. */
  get(key: string, options?: GetOptions): Promise<GetResult>;
  /** Describes an object without reading it. Throws `not_found`. */
  stat(key: string): Promise<ObjectInfo>;
  /** True when the object exists. */
  exists(key: string): Promise<boolean>;
  /** Deletes an object; deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** Deletes several objects (idempotent); all keys are validated first. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Lists objects whose key starts with `prefix`, in key order, one page at a time. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Copies an object (with its type and metadata). Throws `not_found` when the source is missing. */
  copy(from: string, to: string): Promise<void>;
  /** Moves an object: copy then delete the source. */
  move(from: string, to: string): Promise<void>;
  /** A time-limited URL to GET or PUT the object without credentials. */
  signedUrl(key: string, options?: SignedUrlOptions): Promise<string>;
  /** The public (unsigned) URL of an object; needs `publicUrl` in the config for local. */
  publicUrl(key: string): string;
}
