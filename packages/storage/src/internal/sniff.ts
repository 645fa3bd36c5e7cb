/** Bytes read before judging the type (file-type needs up to 4100 for most formats). */
export const SNIFF_BYTES = 4100;

type FileTypeModule = { fileTypeFromBuffer(buffer: Uint8Array): Promise<{ mime: string; ext: string } | undefined> };
let loading: Promise<FileTypeModule> | undefined;

/** file-type is ESM-only: loaded lazily with import() so the CJS build works (Node >= 20.19 require(esm)). */
function fileType(): Promise<FileTypeModule> {
  loading ??= import('file-type') as Promise<FileTypeModule>;
  return loading;
}

/** MIME types accepted from the declared type when the bytes are plain UTF-8 text. */
const TEXT_TYPES = new Set([
  'text/plain',
  'text/csv',
  'text/markdown',
  'text/tab-separated-values',
  'application/json',
]);

function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    // a multi-byte character may be cut at the end of the head: ignore the last 3 bytes
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return true;
  } catch {
    return false;
  }
}

/**
 * The real type of a file from its first bytes: what file-type recognises; else, for UTF-8 text
 * without NUL, the declared type when it is a plain text type (`text/plain`, `text/csv`,
 * `text/markdown`, `application/json`...) or `text/plain`; else `application/octet-stream`.
 */
export async function sniffType(head: Uint8Array, declaredType: string | undefined): Promise<string> {
  const { fileTypeFromBuffer } = await fileType();
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  if (looksLikeText(head)) {
    const declared = declaredType?.split(';')[0]?.trim().toLowerCase();
    return declared && TEXT_TYPES.has(declared) ? declared : 'text/plain';
  }
  return 'application/octet-stream';
}

/** True when `type` matches one of the patterns (`image/png`, `image/*`, `*`). */
export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  return allowed.some(
    (p) => p === '*' || p === '*/*' || p === type || (p.endsWith('/*') && type.startsWith(p.slice(0, -1))),
  );
}
