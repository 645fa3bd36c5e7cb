import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isStorageError, StorageError } from './errors.js';
import type { StorageProvider } from './types.js';

/**
 * Metadata key holding the SHA-256 of a migrated object, used to resume and verify.
 *
 * @example
 * ```ts
 * import { MIGRATE_CHECKSUM_METADATA } from '@portalkit/storage';
 *
 * const { metadata } = await target.stat('tenants/t1/files/f1/report.pdf');
 * const sha256 = metadata[MIGRATE_CHECKSUM_METADATA]; // set by migrateObjects()
 * ```
 */
export const MIGRATE_CHECKSUM_METADATA = 'portalkit-sha256';

/**
 * One step reported by {@link migrateObjects}.
 *
 * @example
 * ```ts
 * onProgress: (p) => console.error(`${p.index} ${p.action} ${p.key}`)
 * ```
 */
export interface MigrateProgress {
  /** 1-based position of the object in the listing. */
  index: number;
  /** The object's key. */
  key: string;
  /** What happened: copied and verified, skipped (already verified at the destination), failed. */
  action: 'copied' | 'skipped' | 'failed';
  /** Object size in bytes. */
  bytes: number;
  /** Error code when failed. */
  error?: string;
}

/**
 * Options of {@link migrateObjects}.
 *
 * @example
 * ```ts
 * await migrateObjects({ from, to, prefix: 'tenants/', onProgress: console.log });
 * ```
 */
export interface MigrateOptions {
  /** Source provider. */
  from: StorageProvider;
  /** Destination provider. */
  to: StorageProvider;
  /** Only keys under this prefix. @default '' */
  prefix?: string;
  /** Progress callback, once per object. @default undefined */
  onProgress?: (progress: MigrateProgress) => void;
  /** Only report what would be copied. @default false */
  dryRun?: boolean;
  /** Stops after the current object. @default undefined */
  signal?: AbortSignal;
}

/**
 * Totals of {@link migrateObjects}.
 *
 * @example
 * ```ts
 * const { copied, skipped, failed } = await migrateObjects({ from, to });
 * ```
 */
export interface MigrateResult {
  /** Objects copied and verified. */
  copied: number;
  /** Objects already present and verified at the destination. */
  skipped: number;
  /** Objects that failed (left absent at the destination). */
  failed: number;
  /** Bytes copied. */
  bytes: number;
}

async function hashOf(body: Readable): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

/**
 * Copies every object under `prefix` from one provider to another, streaming, keeping content
 * type and metadata. Each copy is verified by reading it back and comparing SHA-256; the checksum
 * is stored as metadata `portalkit-sha256`, so a re-run skips objects already verified (resumable).
 * A failed object is removed from the destination and counted; the run continues.
 *
 * @example
 * ```ts
 * const from = createStorage({ provider: 'local', root: './data/files' });
 * const to = createStorage({ provider: 'linode', region: 'nl-ams-1', bucket: 'files', credentials });
 * const result = await migrateObjects({ from, to, onProgress: (p) => console.error(p.action, p.key) });
 * ```
 */
export async function migrateObjects(options: MigrateOptions): Promise<MigrateResult> {
  const { from, to } = options;
  const result: MigrateResult = { copied: 0, skipped: 0, failed: 0, bytes: 0 };
  let index = 0;
  let cursor: string | undefined;
  do {
    const page = await from.list(options.prefix ?? '', { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) {
      if (options.signal?.aborted) return result;
      index++;
      const report = (action: MigrateProgress['action'], error?: string) =>
        options.onProgress?.({ index, key: item.key, action, bytes: item.size, ...(error ? { error } : {}) });
      try {
        const source = await from.get(item.key);
        const { sha256, size } = await hashOf(source.body);
        const existing = await to.stat(item.key).catch((e: unknown) => {
          if (isStorageError(e) && e.code === 'not_found') return null;
          throw e;
        });
        if (existing && existing.size === size && existing.metadata[MIGRATE_CHECKSUM_METADATA] === sha256) {
          result.skipped++;
          report('skipped');
          continue;
        }
        if (options.dryRun) {
          result.copied++;
          result.bytes += size;
          report('copied');
          continue;
        }
        const again = await from.get(item.key);
        await to.put(item.key, again.body, {
          contentType: source.contentType,
          contentLength: size,
          metadata: { ...source.metadata, [MIGRATE_CHECKSUM_METADATA]: sha256 },
        });
        const check = await hashOf((await to.get(item.key)).body);
        if (check.sha256 !== sha256 || check.size !== size) {
          await to.delete(item.key).catch(() => undefined);
          throw new StorageError('checksum_mismatch', `"${item.key}" differs after copy`);
        }
        result.copied++;
        result.bytes += size;
        report('copied');
      } catch (error) {
        result.failed++;
        report('failed', isStorageError(error) ? error.code : 'unknown');
      }
    }
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return result;
}
