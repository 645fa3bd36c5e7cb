import { Readable, Transform } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Credentials } from '../config.js';
import { StorageError } from '../errors.js';
import {
  checkContentLength,
  checkExpiresIn,
  checkMetadata,
  checkRange,
  DEFAULT_CONTENT_TYPE,
  normalizeBody,
} from '../internal/body.js';
import { mapS3Error } from '../internal/s3-errors.js';
import { encodeKeyPath, joinUrl } from '../internal/url.js';
import { validateKey, validatePrefix } from '../keys.js';
import type {
  GetOptions,
  GetResult,
  ListOptions,
  ListResult,
  ObjectInfo,
  PutOptions,
  SignedUrlOptions,
  StorageBody,
  StorageProvider,
} from '../types.js';
import { checkLimit, decodeCursor, encodeCursor } from './local.js';
import type { ProviderQuirks } from './quirks.js';

/**
 * Fully resolved settings of an S3-compatible provider (what the presets build from their
 * config). Usually you pass a config to {@link createStorage} instead.
 *
 * @example
 * ```ts
 * const storage = new S3Storage({
 *   provider: 's3-compatible', bucket: 'files', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000',
 *   quirks: { checksumMode: 'WHEN_REQUIRED', forcePathStyle: true, supportsAcl: false, minPartSize: 5 << 20, maxParts: 10000 },
 * });
 * ```
 */
export interface S3Settings {
  /** Provider name reported by `storage.provider`. */
  provider: 's3' | 'digitalocean' | 'linode' | 'vultr' | 's3-compatible';
  /** Bucket name. */
  bucket: string;
  /** SDK region. */
  region: string;
  /** Endpoint URL; AWS's own when absent. @default undefined */
  endpoint?: string | undefined;
  /** Static credentials; the SDK default chain (env, profile, IMDS) when absent. @default undefined */
  credentials?: S3Credentials | undefined;
  /** The provider's quirk profile. */
  quirks: ProviderQuirks;
  /** Canned ACL applied to written objects. @default undefined (bucket default) */
  acl?: 'private' | 'public-read' | undefined;
  /** Multipart part size in bytes. @default 8 MiB */
  partSize?: number | undefined;
  /** Parts uploaded in parallel. @default 4 */
  queueSize?: number | undefined;
  /** SDK attempts per request (retries with backoff on 5xx/SlowDown/network errors). @default 3 */
  maxAttempts?: number | undefined;
  /** Base URL for `publicUrl()` (a CDN); built from endpoint and bucket when absent. @default undefined */
  publicUrl?: string | undefined;
}

/**
 * The S3-compatible provider behind `s3`, `digitalocean`, `linode`, `vultr` and `s3-compatible`.
 * Streams go through multipart upload (`@aws-sdk/lib-storage`) with bounded memory
 * (`partSize * queueSize`); a failed or aborted upload aborts its multipart upload.
 *
 * @example
 * ```ts
 * const storage = createStorage({ provider: 'digitalocean', region: 'nyc3', bucket: 'my-space', credentials });
 * await storage.put('a.txt', 'hi', { contentType: 'text/plain' });
 * ```
 */
export class S3Storage implements StorageProvider {
  /** Provider name. */
  readonly provider: S3Settings['provider'];
  /** Bucket name. */
  readonly bucket: string;
  /** The provider's quirk profile. */
  readonly quirks: ProviderQuirks;
  /** The SDK client (exposed for advanced use; do not change its configuration). */
  readonly client: S3Client;
  readonly #settings: S3Settings;
  readonly #partSize: number;

  constructor(settings: S3Settings) {
    this.#settings = settings;
    this.provider = settings.provider;
    this.bucket = settings.bucket;
    this.quirks = settings.quirks;
    this.#partSize = Math.max(settings.partSize ?? 8 * 1024 * 1024, settings.quirks.minPartSize);
    if (settings.acl && !settings.quirks.supportsAcl) {
      throw new StorageError(
        'invalid_config',
        `[${settings.provider}] this provider does not support canned ACLs: remove \`acl\``,
      );
    }
    const config: S3ClientConfig = {
      region: settings.region,
      forcePathStyle: settings.quirks.forcePathStyle,
      requestChecksumCalculation: settings.quirks.checksumMode,
      responseChecksumValidation: settings.quirks.checksumMode,
      maxAttempts: settings.maxAttempts ?? 3,
    };
    if (settings.endpoint) config.endpoint = settings.endpoint;
    if (settings.credentials) {
      const { accessKeyId, secretAccessKey, sessionToken } = settings.credentials;
      config.credentials = sessionToken
        ? { accessKeyId, secretAccessKey, sessionToken }
        : { accessKeyId, secretAccessKey };
    }
    this.client = new S3Client(config);
  }

  #fail(error: unknown, key: string, op: string): StorageError {
    return mapS3Error(error, this.provider, this.bucket, key, op);
  }

  async put(key: string, body: StorageBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    checkContentLength(options.contentLength);
    const metadata = checkMetadata(options.metadata);
    const normalized = normalizeBody(body);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    const base = {
      Bucket: this.bucket,
      Key: key,
      ContentType: contentType,
      Metadata: metadata,
      ...(this.#settings.acl ? { ACL: this.#settings.acl } : {}),
    };
    if (normalized.kind === 'bytes') {
      if (options.contentLength !== undefined && options.contentLength !== normalized.bytes.length) {
        throw new StorageError('invalid_input', `put "${key.slice(0, 200)}": contentLength does not match the body`);
      }
      try {
        await this.client.send(
          new PutObjectCommand({ ...base, Body: normalized.bytes, ContentLength: normalized.bytes.length }),
          options.signal ? { abortSignal: options.signal } : {},
        );
      } catch (error) {
        throw this.#fail(error, key, 'put');
      }
      return this.stat(key);
    }
    // count bytes only when a length was announced (one fewer stream hop otherwise)
    let written = 0;
    const source = normalized.stream;
    let payload: Readable = source;
    if (options.contentLength !== undefined) {
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          written += chunk.length;
          done(null, chunk);
        },
      });
      source.once('error', (error) => counter.destroy(error));
      payload = source.pipe(counter);
    }
    const upload = new Upload({
      client: this.client,
      params: { ...base, Body: payload },
      partSize: this.#partSize,
      queueSize: this.#settings.queueSize ?? 4,
      leavePartsOnError: false,
    });
    const onAbort = () => {
      void upload.abort();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      options.signal?.throwIfAborted();
      await upload.done();
    } catch (error) {
      if (!source.destroyed) source.destroy();
      throw this.#fail(error, key, 'put');
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (options.contentLength !== undefined && written !== options.contentLength) {
      await this.delete(key).catch(() => undefined);
      throw new StorageError(
        'invalid_input',
        `[${this.provider}] put "${key.slice(0, 200)}": got ${written} bytes but contentLength said ${options.contentLength}`,
      );
    }
    return this.stat(key);
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    validateKey(key);
    checkRange(options.range);
    const range = options.range ? `bytes=${options.range.start}-${options.range.end ?? ''}` : undefined;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
      const body = out.Body instanceof Readable ? out.Body : Readable.from([]);
      const contentLength = out.ContentLength ?? 0;
      let size = contentLength;
      let served: { start: number; end: number } | undefined;
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(out.ContentRange ?? '');
      if (m) {
        served = { start: Number(m[1]), end: Number(m[2]) };
        if (m[3] !== '*') size = Number(m[3]);
      } else if (options.range) {
        // provider ignored the range (some do for empty objects)
        if (options.range.start >= size) {
          body.destroy();
          throw new StorageError('range_not_satisfiable', `[${this.provider}] range outside "${key.slice(0, 200)}"`);
        }
      }
      return {
        key,
        size,
        contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
        etag: out.ETag ?? '',
        lastModified: out.LastModified ?? new Date(0),
        metadata: out.Metadata ?? {},
        body,
        contentLength,
        ...(served ? { range: served } : {}),
      };
    } catch (error) {
      throw this.#fail(error, key, 'get');
    }
  }

  async stat(key: string): Promise<ObjectInfo> {
    validateKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
        etag: out.ETag ?? '',
        lastModified: out.LastModified ?? new Date(0),
        metadata: out.Metadata ?? {},
      };
    } catch (error) {
      throw this.#fail(error, key, 'stat');
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.stat(key);
      return true;
    } catch (error) {
      if (error instanceof StorageError && error.code === 'not_found') return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      const mapped = this.#fail(error, key, 'delete');
      if (mapped.code !== 'not_found') throw mapped;
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) validateKey(key);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      try {
        const out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failed.length > 0) {
          throw new StorageError(
            failed[0]?.Code === 'AccessDenied' ? 'access_denied' : 'provider_unavailable',
            `[${this.provider}] deleteMany: ${failed.length} object(s) not deleted (first: "${failed[0]?.Key}" ${failed[0]?.Code})`,
          );
        }
      } catch (error) {
        throw this.#fail(error, batch[0] ?? '', 'deleteMany');
      }
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    validatePrefix(prefix);
    const limit = checkLimit(options.limit);
    try {
      // ListObjects (v1) with Marker: the cursor is the last key seen. Every S3-compatible server
      // implements it, including ones whose V2 continuation tokens are broken (s3rver on OpenSSL 3).
      const marker = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
      const out = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.bucket,
          Prefix: prefix === '' ? undefined : prefix,
          MaxKeys: limit,
          Marker: marker,
        }),
      );
      const items = (out.Contents ?? []).map((o) => ({
        key: o.Key ?? '',
        size: o.Size ?? 0,
        lastModified: o.LastModified ?? new Date(0),
        ...(o.ETag ? { etag: o.ETag } : {}),
      }));
      const last = items[items.length - 1];
      return { items, cursor: out.IsTruncated && last ? encodeCursor(last.key) : null };
    } catch (error) {
      throw this.#fail(error, prefix, 'list');
    }
  }

  async copy(from: string, to: string): Promise<void> {
    validateKey(from);
    validateKey(to);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: to,
          CopySource: `${this.bucket}/${encodeKeyPath(from)}`,
          MetadataDirective: 'COPY',
          ...(this.#settings.acl ? { ACL: this.#settings.acl } : {}),
        }),
      );
    } catch (error) {
      throw this.#fail(error, from, 'copy');
    }
  }

  async move(from: string, to: string): Promise<void> {
    if (from === to) {
      await this.stat(from);
      return;
    }
    await this.copy(from, to);
    await this.delete(from);
  }

  async signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    validateKey(key);
    const expiresIn = checkExpiresIn(options.expiresIn);
    checkContentLength(options.contentLength);
    const signable = new Set<string>();
    const command =
      (options.method ?? 'GET') === 'PUT'
        ? new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(options.contentType ? { ContentType: options.contentType } : {}),
            ...(options.contentLength !== undefined ? { ContentLength: options.contentLength } : {}),
            ...(this.#settings.acl ? { ACL: this.#settings.acl } : {}),
          })
        : new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(options.disposition ? { ResponseContentDisposition: options.disposition } : {}),
          });
    if (options.method === 'PUT') {
      if (options.contentType) signable.add('content-type');
      if (options.contentLength !== undefined) signable.add('content-length');
    }
    try {
      return await getSignedUrl(this.client, command, { expiresIn, signableHeaders: signable });
    } catch (error) {
      throw this.#fail(error, key, 'signedUrl');
    }
  }

  publicUrl(key: string): string {
    validateKey(key);
    if (this.#settings.publicUrl) return joinUrl(this.#settings.publicUrl, key);
    const endpoint = this.#settings.endpoint
      ? new URL(this.#settings.endpoint)
      : new URL(`https://s3.${this.#settings.region}.amazonaws.com`);
    if (this.quirks.forcePathStyle) return joinUrl(`${endpoint.origin}/${this.bucket}`, key);
    return joinUrl(`${endpoint.protocol}//${this.bucket}.${endpoint.host}`, key);
  }

  /** Closes the SDK client's sockets. */
  destroy(): void {
    this.client.destroy();
  }
}
