export { isStorageError, StorageError, type StorageErrorCode, type StorageErrorOptions } from './errors.js';
