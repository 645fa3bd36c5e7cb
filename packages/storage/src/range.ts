/**
 * An inclusive byte range resolved against an object size.
 *
 * @example
 * ```ts
 * const r: ResolvedRange = { start: 0, end: 99 }; // the first 100 bytes
 * ```
 */
export interface ResolvedRange {
  /** First byte, 0-based. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/**
 * Parses an HTTP `Range` header (RFC 9110, one range of `bytes`) against an object size.
 * Returns the inclusive range to serve, `'unsatisfiable'` (answer 416) or `null` (no usable range:
 * serve the whole object, as RFC 9110 allows for multiple ranges or other units).
 *
 * @example
 * ```ts
 * parseRangeHeader('bytes=0-99', 1000); // { start: 0, end: 99 }
 * parseRangeHeader('bytes=-100', 1000); // { start: 900, end: 999 }
 * parseRangeHeader('bytes=2000-', 1000); // 'unsatisfiable'
 * ```
 */
export function parseRangeHeader(
  header: string | null | undefined,
  size: number,
): ResolvedRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    if (size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
