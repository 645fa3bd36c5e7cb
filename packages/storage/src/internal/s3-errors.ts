import { isStorageError, StorageError } from '../errors.js';

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

export function mapS3Error(error: unknown, provider: string, bucket: string, key: string, op: string): StorageError {
  if (isStorageError(error)) return error;
  const e = (error ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? '';
  const where = `[${provider}] ${op} "${key.slice(0, 200)}" in bucket "${bucket}"`;
  if (name === 'NoSuchBucket') {
    return new StorageError(
      'invalid_config',
      `${where}: bucket does not exist (create it or check the bucket setting)`,
      {
        cause: error,
      },
    );
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchUpload' || status === 404) {
    return new StorageError('not_found', `${where}: no such object`, { cause: error });
  }
  if (name === 'InvalidRange' || status === 416) {
    return new StorageError('range_not_satisfiable', `${where}: the range is outside the object`, { cause: error });
  }
  if (name === 'EntityTooLarge') {
    return new StorageError('too_large', `${where}: the provider refused the size`, { cause: error });
  }
  if (name === 'BadDigest' || name === 'InvalidDigest' || name === 'XAmzContentSHA256Mismatch') {
    return new StorageError('checksum_mismatch', `${where}: the provider saw a checksum mismatch`, { cause: error });
  }
  if (
    name === 'AccessDenied' ||
    name === 'InvalidAccessKeyId' ||
    name === 'SignatureDoesNotMatch' ||
    name === 'Forbidden' ||
    status === 401 ||
    status === 403
  ) {
    return new StorageError('access_denied', `${where}: access denied (check the credentials and the bucket policy)`, {
      cause: error,
    });
  }
  if (name === 'AbortError') {
    return new StorageError('invalid_input', `${where}: aborted by the caller`, { cause: error });
  }
  if (
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    NETWORK_CODES.has(e.code ?? '') ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    name === 'SlowDown'
  ) {
    return new StorageError(
      'provider_unavailable',
      `${where}: the provider is unreachable or failing (${name || e.code || 'network error'}${status ? ` ${status}` : ''}); retry later`,
      { cause: error },
    );
  }
  return new StorageError(
    'provider_unavailable',
    `${where}: unexpected provider answer ${name} ${status ?? ''}`.trim(),
    {
      cause: error,
    },
  );
}
