export {
  type AwsS3Config,
  type DigitalOceanConfig,
  type LinodeConfig,
  type S3CommonConfig,
  type S3CompatibleConfig,
  type S3Credentials,
  type StorageConfig,
  storageConfigSchema,
  type VultrConfig,
} from './config.js';
export { contentDisposition } from './content-disposition.js';
export { createStorage } from './create-storage.js';
export { isStorageError, StorageError, type StorageErrorCode, type StorageErrorOptions } from './errors.js';
export { decodeFileCursor, encodeFileCursor, type FileCursor, pageLimit } from './files/cursor.js';
export {
  type CompleteUploadOptions,
  type CreatedUpload,
  type CreateUploadInput,
  createFileService,
  DEFAULT_ALLOWED_TYPES,
  type DownloadOptions,
  type DownloadResult,
  type FileService,
  type FileServiceOptions,
  type RedirectDownload,
  type SignedUpload,
  type StreamDownload,
  type SweepResult,
  type UploadOptions,
} from './files/file-service.js';
export type { FileListQuery, FilePage, FileRecord, FileStatus, FileStore, SweepableQuery } from './files/file-store.js';
export { memoryFileStore } from './files/memory-file-store.js';
export {
  createStorageFromEnv,
  type StorageConfigFromEnv,
  type StorageFromEnvOptions,
  type StorageLogger,
  storageConfigFromEnv,
} from './from-env.js';
export {
  fileObjectKey,
  MAX_FILE_NAME_LENGTH,
  MAX_KEY_BYTES,
  sanitizeFileName,
  uploadStagingKey,
  validateKey,
  validatePrefix,
} from './keys.js';
export {
  MIGRATE_CHECKSUM_METADATA,
  type MigrateOptions,
  type MigrateProgress,
  type MigrateResult,
  migrateObjects,
} from './migrate.js';
export {
  LOCAL_INTERNAL_DIR,
  type LocalSignedUrlVerifier,
  LocalStorage,
  type LocalStorageConfig,
} from './providers/local.js';
export { PRESET_QUIRKS, type ProviderQuirks } from './providers/quirks.js';
export { type S3Settings, S3Storage } from './providers/s3-compatible.js';
export { parseRangeHeader, type ResolvedRange } from './range.js';
export { scoped } from './scoped.js';
export { createSignedUrlHandler, type SignedUrlHandler, type SignedUrlHandlerOptions } from './signed-url-handler.js';
export type {
  ByteRange,
  GetOptions,
  GetResult,
  ListedObject,
  ListOptions,
  ListResult,
  ObjectInfo,
  ProviderName,
  PutOptions,
  SignedUrlOptions,
  StorageBody,
  StorageProvider,
} from './types.js';
