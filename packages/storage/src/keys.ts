import { StorageError } from './errors.js';

/**
 * Longest accepted key, in UTF-8 bytes (the S3 limit).
 *
 * @example
 * ```ts
 * import { MAX_KEY_BYTES } from '@portalkit/storage';
 *
 * const fits = Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES; // longer keys throw `invalid_key`
 * ```
 */
export const MAX_KEY_BYTES = 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(key: unknown, why: string): never {
  const shown = typeof key === 'string' ? JSON.stringify(key.slice(0, 80)) : typeof key;
  throw new StorageError(
    'invalid_key',
    `invalid key ${shown}: ${why} (use relative, "/"-separated keys without "." or ".." segments)`,
  );
}

function check(key: unknown, allowEmpty: boolean, allowTrailingSlash: boolean): string {
  if (typeof key !== 'string') fail(key, 'not a string');
  if (key.length === 0) {
    if (allowEmpty) return key;
    fail(key, 'empty');
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) fail(key, `longer than ${MAX_KEY_BYTES} bytes`);
  if (CONTROL.test(key)) fail(key, 'contains a control character or NUL');
  if (key.includes('\\')) fail(key, 'contains a backslash');
  if (key.startsWith('/') || /^[a-zA-Z]:/.test(key)) fail(key, 'is an absolute path');
  if (LONE_SURROGATE.test(key)) fail(key, 'is not well-formed Unicode');
  const body = allowTrailingSlash && key.endsWith('/') ? key.slice(0, -1) : key;
  for (const segment of body.split('/')) {
    if (segment === '') fail(key, 'has an empty segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') fail(key, `has a "${segment}" segment`);
  }
  return key;
}

/**
 * Validates an object key and returns it unchanged, or throws {@link StorageError} `invalid_key`:
 * empty, longer than {@link MAX_KEY_BYTES} bytes, control characters or NUL, backslashes, absolute
 * paths, empty, `.` or `..` segments. Every provider calls it before any I/O.
 *
 * @example
 * ```ts
 * validateKey('tenants/t1/files/f1/report.pdf'); // ok
 * validateKey('../etc/passwd'); // throws StorageError { code: 'invalid_key' }
 * ```
 */
export function validateKey(key: string): string {
  return check(key, false, false);
}

/**
 * Validates a listing or scoping prefix: like {@link validateKey}, but may be empty and may end
 * with `/`.
 *
 * @example
 * ```ts
 * validatePrefix('tenants/t1/'); // ok
 * ```
 */
export function validatePrefix(prefix: string): string {
  return check(prefix, true, true);
}

/**
 * Longest display name kept by {@link sanitizeFileName}, in characters.
 *
 * @example
 * ```ts
 * import { MAX_FILE_NAME_LENGTH } from '@portalkit/storage';
 *
 * const fits = name.length <= MAX_FILE_NAME_LENGTH; // longer names are shortened, keeping the extension
 * ```
 */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * Turns a user-supplied file name into a safe display name and key segment: keeps only the last
 * path part (both `/` and `\`), removes control characters, normalises Unicode to NFC, trims
 * spaces and dots at the ends, bounds the length (keeping the extension) and never returns an
 * empty, `.` or `..` name (falls back to `file`).
 *
 * @example
 * ```ts
 * sanitizeFileName('C:\\Users\\me\\..\\Report\u0000 Q1.pdf'); // 'Report Q1.pdf'
 * ```
 */
export function sanitizeFileName(name: string, maxLength = MAX_FILE_NAME_LENGTH): string {
  let value = String(name ?? '').normalize('NFC');
  const parts = value.split(/[/\\]/);
  value = parts[parts.length - 1] ?? '';
  value = value.replace(new RegExp(CONTROL.source, 'g'), '');
  // lone surrogates cannot be encoded safely
  value = value.replace(new RegExp(LONE_SURROGATE.source, 'g'), '');
  value = value.replace(/\s+/g, ' ').replace(/^[\s.]+|[\s.]+$/g, '');
  const chars = Array.from(value);
  if (chars.length > maxLength) {
    const dot = value.lastIndexOf('.');
    const ext = dot > 0 ? Array.from(value.slice(dot)) : [];
    if (ext.length > 0 && ext.length <= 16) {
      value = chars.slice(0, maxLength - ext.length).join('') + ext.join('');
    } else {
      value = chars.slice(0, maxLength).join('');
    }
    value = value.replace(/[\s.]+$/g, '');
  }
  if (value === '' || value === '.' || value === '..') return 'file';
  return value;
}

/**
 * The object key of a stored file: `tenants/{tenantId}/files/{fileId}/{sanitized name}`. Tenant
 * and file ids must be single, safe key segments.
 *
 * @example
 * ```ts
 * fileObjectKey('t1', 'f1', 'My report.pdf'); // 'tenants/t1/files/f1/My report.pdf'
 * ```
 */
export function fileObjectKey(tenantId: string, fileId: string, name: string): string {
  checkSegments(tenantId, fileId);
  return validateKey(`tenants/${tenantId}/files/${fileId}/${sanitizeFileName(name)}`);
}

/**
 * The staging key of a direct upload: `tenants/{tenantId}/uploads/{fileId}`. The signed PUT URL of
 * `createUpload` targets this key, never the file's own key; `completeUpload` copies the staging
 * object to {@link fileObjectKey}, verifies that copy and deletes the staging object. Anything
 * written here later (the URL still works until it expires) stays an orphan that `sweep` purges.
 *
 * @example
 * ```ts
 * uploadStagingKey('t1', 'f1'); // 'tenants/t1/uploads/f1'
 * ```
 */
export function uploadStagingKey(tenantId: string, fileId: string): string {
  checkSegments(tenantId, fileId);
  return validateKey(`tenants/${tenantId}/uploads/${fileId}`);
}

function checkSegments(tenantId: string, fileId: string): void {
  for (const [what, value] of [
    ['tenantId', tenantId],
    ['fileId', fileId],
  ] as const) {
    if (typeof value !== 'string' || value === '' || value.includes('/')) {
      fail(value, `${what} must be a non-empty string without "/"`);
    }
  }
}
