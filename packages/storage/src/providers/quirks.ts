/**
 * How an S3-compatible provider differs from AWS S3. Every preset carries one; `s3-compatible`
 * builds one from its settings.
 *
 * @example
 * ```ts
 * const storage = createStorage({ provider: 'vultr', region: 'ewr1', bucket: 'b', credentials });
 * console.log((storage as S3Storage).quirks.forcePathStyle);
 * ```
 */
export interface ProviderQuirks {
  /**
   * `requestChecksumCalculation` / `responseChecksumValidation` of the SDK client. `WHEN_REQUIRED`
   * for every non-AWS endpoint: with the SDK default (`WHEN_SUPPORTED`, since v3.729) presigned PUT
   * URLs embed the CRC32 of an empty body and streamed uploads use aws-chunked framing, which
   * several providers reject or store corrupted.
   */
  checksumMode: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';
  /** Path-style (`https://host/bucket/key`) instead of virtual-host (`https://bucket.host/key`) addressing. */
  forcePathStyle: boolean;
  /** Whether canned ACLs (`acl: 'public-read'`) are supported. */
  supportsAcl: boolean;
  /** Smallest multipart part size in bytes (all parts but the last). */
  minPartSize: number;
  /** Largest number of parts of one multipart upload. */
  maxParts: number;
}

const MiB = 1024 * 1024;

/**
 * Quirk profiles of the presets (what `createStorage` applies for each provider name).
 *
 * @example
 * ```ts
 * PRESET_QUIRKS.digitalocean.checksumMode; // 'WHEN_REQUIRED'
 * ```
 */
export const PRESET_QUIRKS: Readonly<Record<'s3' | 'digitalocean' | 'linode' | 'vultr', Readonly<ProviderQuirks>>> = {
  s3: {
    checksumMode: 'WHEN_SUPPORTED',
    forcePathStyle: false,
    supportsAcl: true,
    minPartSize: 5 * MiB,
    maxParts: 10_000,
  },
  digitalocean: {
    checksumMode: 'WHEN_REQUIRED',
    forcePathStyle: false,
    supportsAcl: true,
    minPartSize: 5 * MiB,
    maxParts: 10_000,
  },
  linode: {
    checksumMode: 'WHEN_REQUIRED',
    forcePathStyle: false,
    supportsAcl: true,
    minPartSize: 5 * MiB,
    maxParts: 10_000,
  },
  vultr: {
    checksumMode: 'WHEN_REQUIRED',
    forcePathStyle: true,
    supportsAcl: true,
    minPartSize: 5 * MiB,
    maxParts: 10_000,
  },
};
