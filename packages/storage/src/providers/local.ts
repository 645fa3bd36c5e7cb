import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StorageError } from '../errors.js';
import {
  checkContentLength,
  checkExpiresIn,
  checkMetadata,
  checkRange,
  DEFAULT_CONTENT_TYPE,
  normalizeBody,
} from '../internal/body.js';
import { mapFsError } from '../internal/fs-errors.js';
import { type SignedParams, signedQuery, verifyQuery } from '../internal/signing.js';
import { joinUrl } from '../internal/url.js';
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

/**
 * Name of the directory under the root where the local provider keeps metadata and temp files.
 *
 * @example
 * ```ts
 * import { LOCAL_INTERNAL_DIR } from '@portalkit/storage';
 *
 * // Exclude it from your own backups of the root directory: it holds only temp files and metadata.
 * const exclude = [`${root}/${LOCAL_INTERNAL_DIR}`];
 * ```
 */
export const LOCAL_INTERNAL_DIR = '.portalkit';

/**
 * Settings of the `local` provider.
 *
 * @example
 * ```ts
 * const config: LocalStorageConfig = {
 *   provider: 'local',
 *   root: './data/files',
 *   signing: { secret: process.env.STORAGE_SIGNING_SECRET!, baseUrl: 'http://localhost:3000/storage' },
 * };
 * ```
 */
export interface LocalStorageConfig {
  /** Discriminant. */
  provider: 'local';
  /** Directory holding the objects (created when missing). Keys map to paths below it. */
  root: string;
  /** Base URL under which the application serves public files, for `publicUrl()`. @default undefined (publicUrl throws) */
  publicUrl?: string | undefined;
  /** HMAC signing of URLs served by {@link createSignedUrlHandler}. @default undefined (signedUrl throws) */
  signing?:
    | {
        /** Secret of at least 32 characters; keep it out of logs. */
        secret: string;
        /** Absolute URL where the application mounts the signed-URL handler, e.g. `https://app.example/storage`. */
        baseUrl: string;
      }
    | undefined;
}

/** What the signed-URL handler needs from a local provider. */
export interface LocalSignedUrlVerifier {
  /** @internal */
  verifySignedRequest(
    url: URL,
  ): { ok: true; params: SignedParams } | { ok: false; reason: 'signature_invalid' | 'url_expired' | 'not_mine' };
}

interface Meta {
  contentType: string;
  metadata: Record<string, string>;
}

function isEnoent(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * The `local` provider: objects are files under `root`, written through a temp file and an atomic
 * rename; content type and metadata live in `root/.portalkit/meta`. Resolved paths can never leave
 * the root, also through symlinks. Usually created through {@link createStorage}.
 *
 * @example
 * ```ts
 * const storage = new LocalStorage({ provider: 'local', root: '/var/lib/app/files' });
 * await storage.put('a.txt', 'hi');
 * ```
 */
export class LocalStorage implements StorageProvider, LocalSignedUrlVerifier {
  /** Always `'local'`. */
  readonly provider = 'local' as const;
  /** Absolute root directory. */
  readonly root: string;
  /** True when `signing` is configured (signed URLs and {@link createSignedUrlHandler} available). */
  readonly signingEnabled: boolean;
  readonly #config: LocalStorageConfig;
  #realRoot: Promise<string> | undefined;

  constructor(config: LocalStorageConfig) {
    this.#config = config;
    this.root = resolve(config.root);
    this.signingEnabled = config.signing !== undefined;
    if (config.signing && config.signing.secret.length < 32) {
      throw new StorageError('invalid_config', '[local] signing.secret must be at least 32 characters');
    }
  }

  #ready(): Promise<string> {
    this.#realRoot ??= (async () => {
      await mkdir(join(this.root, LOCAL_INTERNAL_DIR, 'tmp'), { recursive: true });
      return realpath(this.root);
    })().catch((error: unknown) => {
      this.#realRoot = undefined;
      throw mapFsError(error, '', 'open root');
    });
    return this.#realRoot;
  }

  #key(key: string): string {
    validateKey(key);
    if (key === LOCAL_INTERNAL_DIR || key.startsWith(`${LOCAL_INTERNAL_DIR}/`)) {
      throw new StorageError('invalid_key', `[local] keys under "${LOCAL_INTERNAL_DIR}/" are reserved`);
    }
    return key;
  }

  #inside(realRoot: string, real: string, key: string): void {
    if (real !== realRoot && !real.startsWith(realRoot + sep)) {
      throw new StorageError('invalid_key', `[local] key "${key.slice(0, 200)}" resolves outside the root (symlink)`);
    }
  }

  /** Path of an existing object, after checking it (and its symlinks) stay inside the root. */
  async #existing(key: string): Promise<string> {
    const realRoot = await this.#ready();
    const path = join(this.root, key);
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      throw mapFsError(error, key, 'read');
    }
    this.#inside(realRoot, real, key);
    return real;
  }

  /** Directory of a key to write, created when missing, checked to stay inside the root. */
  async #writableDir(key: string, base = this.root): Promise<string> {
    const realRoot = await this.#ready();
    const dir = dirname(join(base, key));
    let probe = dir;
    for (;;) {
      try {
        this.#inside(realRoot, await realpath(probe), key);
        break;
      } catch (error) {
        if (!isEnoent(error)) throw mapFsError(error, key, 'write');
        probe = dirname(probe);
      }
    }
    try {
      await mkdir(dir, { recursive: true });
      this.#inside(realRoot, await realpath(dir), key);
    } catch (error) {
      throw mapFsError(error, key, 'write');
    }
    return dir;
  }

  #metaPath(key: string): string {
    return join(this.root, LOCAL_INTERNAL_DIR, 'meta', `${key}.json`);
  }

  async #readMeta(key: string): Promise<Meta> {
    try {
      const parsed = JSON.parse(await readFile(this.#metaPath(key), 'utf8')) as Partial<Meta>;
      return { contentType: parsed.contentType ?? DEFAULT_CONTENT_TYPE, metadata: parsed.metadata ?? {} };
    } catch {
      return { contentType: DEFAULT_CONTENT_TYPE, metadata: {} };
    }
  }

  async #writeMeta(key: string, meta: Meta): Promise<void> {
    const base = join(this.root, LOCAL_INTERNAL_DIR, 'meta');
    await mkdir(dirname(join(base, `${key}.json`)), { recursive: true });
    const tmp = join(this.root, LOCAL_INTERNAL_DIR, 'tmp', `${randomUUID()}.json`);
    await writeFile(tmp, JSON.stringify(meta));
    await rename(tmp, this.#metaPath(key));
  }

  async #info(key: string, path: string): Promise<ObjectInfo> {
    const s = await stat(path, { bigint: true });
    if (!s.isFile()) throw new StorageError('not_found', `[local] "${key.slice(0, 200)}" is not an object`);
    const meta = await this.#readMeta(key);
    return {
      key,
      size: Number(s.size),
      contentType: meta.contentType,
      metadata: meta.metadata,
      etag: `"${s.ino.toString(36)}-${s.size.toString(36)}-${s.mtimeNs.toString(36)}"`,
      lastModified: new Date(Number(s.mtimeMs)),
    };
  }

  async put(key: string, body: StorageBody, options: PutOptions = {}): Promise<ObjectInfo> {
    this.#key(key);
    checkContentLength(options.contentLength);
    const metadata = checkMetadata(options.metadata);
    const normalized = normalizeBody(body);
    await this.#ready();
    const tmp = join(this.root, LOCAL_INTERNAL_DIR, 'tmp', randomUUID());
    try {
      const dir = await this.#writableDir(key);
      let written = 0;
      if (normalized.kind === 'bytes') {
        options.signal?.throwIfAborted();
        await writeFile(tmp, normalized.bytes);
        written = normalized.bytes.length;
      } else {
        const sink = createWriteStream(tmp);
        const signal = options.signal ? { signal: options.signal } : {};
        await pipeline(normalized.stream, sink, signal);
        written = sink.bytesWritten;
      }
      if (options.contentLength !== undefined && written !== options.contentLength) {
        throw new StorageError(
          'invalid_input',
          `[local] put "${key.slice(0, 200)}": got ${written} bytes but contentLength said ${options.contentLength}`,
        );
      }
      const target = join(dir, key.slice(key.lastIndexOf('/') + 1));
      await rename(tmp, target);
      await this.#writeMeta(key, { contentType: options.contentType ?? DEFAULT_CONTENT_TYPE, metadata });
      return await this.#info(key, target);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      if (normalized.kind === 'stream' && !normalized.stream.destroyed) normalized.stream.destroy();
      throw mapFsError(error, key, 'put');
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    this.#key(key);
    checkRange(options.range);
    const path = await this.#existing(key);
    try {
      const info = await this.#info(key, path);
      if (!options.range) {
        return { ...info, body: createReadStream(path), contentLength: info.size };
      }
      const { start } = options.range;
      if (start >= info.size) {
        throw new StorageError(
          'range_not_satisfiable',
          `[local] range starts at ${start} but "${key.slice(0, 200)}" has ${info.size} bytes`,
        );
      }
      const end = Math.min(options.range.end ?? info.size - 1, info.size - 1);
      return {
        ...info,
        body: createReadStream(path, { start, end }),
        contentLength: end - start + 1,
        range: { start, end },
      };
    } catch (error) {
      throw mapFsError(error, key, 'get');
    }
  }

  async stat(key: string): Promise<ObjectInfo> {
    this.#key(key);
    const path = await this.#existing(key);
    try {
      return await this.#info(key, path);
    } catch (error) {
      throw mapFsError(error, key, 'stat');
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
    this.#key(key);
    const realRoot = await this.#ready();
    const path = join(this.root, key);
    try {
      // never follow a symlinked directory out of the root; the final component itself is unlinked, not followed
      this.#inside(realRoot, await realpath(dirname(path)), key);
      await unlink(path);
    } catch (error) {
      if (!isEnoent(error)) throw mapFsError(error, key, 'delete');
    }
    await unlink(this.#metaPath(key)).catch(() => undefined);
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#key(key);
    for (const key of keys) await this.delete(key);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    validatePrefix(prefix);
    const limit = checkLimit(options.limit);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    await this.#ready();
    const slash = prefix.lastIndexOf('/');
    const startDir = slash >= 0 ? prefix.slice(0, slash) : '';
    const keys: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(join(this.root, rel), { withFileTypes: true });
      } catch (error) {
        if (isEnoent(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw mapFsError(error, rel, 'list');
      }
      for (const entry of entries) {
        const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (rel === '' && entry.name === LOCAL_INTERNAL_DIR) continue;
        if (entry.isDirectory()) {
          if (child.startsWith(prefix) || prefix.startsWith(`${child}/`)) await walk(child);
        } else if (entry.isFile() && child.startsWith(prefix)) {
          keys.push(child);
        }
      }
    };
    await walk(startDir);
    const sorted = keys.sort(compareKeys).filter((k) => after === undefined || compareKeys(k, after) > 0);
    const page = sorted.slice(0, limit);
    const items = [];
    for (const key of page) {
      try {
        const s = await stat(join(this.root, key));
        items.push({ key, size: s.size, lastModified: s.mtime });
      } catch (error) {
        if (!isEnoent(error)) throw mapFsError(error, key, 'list');
      }
    }
    const last = page[page.length - 1];
    return { items, cursor: sorted.length > limit && last !== undefined ? encodeCursor(last) : null };
  }

  async copy(from: string, to: string): Promise<void> {
    this.#key(from);
    this.#key(to);
    const source = await this.#existing(from);
    const tmp = join(this.root, LOCAL_INTERNAL_DIR, 'tmp', randomUUID());
    try {
      const meta = await this.#readMeta(from);
      const dir = await this.#writableDir(to);
      await copyFile(source, tmp);
      await rename(tmp, join(dir, to.slice(to.lastIndexOf('/') + 1)));
      await this.#writeMeta(to, meta);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw mapFsError(error, from, 'copy');
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
    this.#key(key);
    const expiresIn = checkExpiresIn(options.expiresIn);
    checkContentLength(options.contentLength);
    const signing = this.#config.signing;
    if (!signing) {
      throw new StorageError(
        'invalid_config',
        '[local] signedUrl needs `signing: { secret, baseUrl }` in the local config',
      );
    }
    const method = options.method ?? 'GET';
    const params: SignedParams = {
      method,
      key,
      expires: Math.floor(Date.now() / 1000) + expiresIn,
      contentType: method === 'PUT' ? options.contentType : undefined,
      contentLength: method === 'PUT' ? options.contentLength : undefined,
      disposition: method === 'GET' ? options.disposition : undefined,
    };
    return `${joinUrl(signing.baseUrl, key)}?${signedQuery(signing.secret, params)}`;
  }

  publicUrl(key: string): string {
    this.#key(key);
    if (!this.#config.publicUrl) {
      throw new StorageError(
        'invalid_config',
        '[local] publicUrl needs `publicUrl` (the base URL serving the files) in the local config',
      );
    }
    return joinUrl(this.#config.publicUrl, key);
  }

  /** @internal used by the signed-URL handler */
  verifySignedRequest(
    url: URL,
  ): { ok: true; params: SignedParams } | { ok: false; reason: 'signature_invalid' | 'url_expired' | 'not_mine' } {
    const signing = this.#config.signing;
    if (!signing) return { ok: false, reason: 'not_mine' };
    const basePath = new URL(signing.baseUrl).pathname.replace(/\/+$/, '');
    if (!url.pathname.startsWith(`${basePath}/`)) return { ok: false, reason: 'not_mine' };
    let key: string;
    try {
      key = url.pathname
        .slice(basePath.length + 1)
        .split('/')
        .map((s) => decodeURIComponent(s))
        .join('/');
      this.#key(key);
    } catch {
      return { ok: false, reason: 'signature_invalid' };
    }
    return verifyQuery(signing.secret, key, url.searchParams, Math.floor(Date.now() / 1000));
  }
}

export function checkLimit(limit: number | undefined): number {
  const value = limit ?? 1000;
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new StorageError('invalid_input', `list limit must be an integer between 1 and 1000, got ${String(limit)}`);
  }
  return value;
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (cursor === '' || encodeCursor(key) !== cursor) {
    throw new StorageError(
      'invalid_input',
      'invalid list cursor (pass back the cursor of the previous page unchanged)',
    );
  }
  return key;
}
