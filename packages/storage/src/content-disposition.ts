import { sanitizeFileName } from './keys.js';

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Builds a `Content-Disposition` header value per RFC 6266: the name is sanitized (see
 * {@link sanitizeFileName}), an ASCII fallback goes in `filename="..."` (quotes and backslashes
 * replaced, non-ASCII as `_`) and the exact UTF-8 name in `filename*=UTF-8''...`.
 *
 * @example
 * ```ts
 * contentDisposition('Rapport é"t\u00e9.pdf');
 * // attachment; filename="Rapport _t_.pdf"; filename*=UTF-8''Rapport%20%C3%A9%22t%C3%A9.pdf
 * contentDisposition('a.png', 'inline'); // inline; filename="a.png"; filename*=UTF-8''a.png
 * ```
 */
export function contentDisposition(name: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const clean = sanitizeFileName(name);
  const fallback = clean.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(clean)}`;
}
