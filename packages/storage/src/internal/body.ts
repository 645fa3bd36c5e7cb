import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { StorageError } from '../errors.js';
import type { StorageBody } from '../types.js';

/** Bytes in memory, or a stream. */
export type NormalizedBody = { kind: 'bytes'; bytes: Buffer } | { kind: 'stream'; stream: Readable };

export function normalizeBody(body: StorageBody): NormalizedBody {
  if (typeof body === 'string') return { kind: 'bytes', bytes: Buffer.from(body, 'utf8') };
  if (Buffer.isBuffer(body)) return { kind: 'bytes', bytes: body };
  if (body instanceof Uint8Array)
    return { kind: 'bytes', bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  if (body instanceof Readable) return { kind: 'stream', stream: body };
  if (body && typeof (body as ReadableStream).getReader === 'function') {
    return { kind: 'stream', stream: Readable.fromWeb(body as WebReadableStream<Uint8Array>) };
  }
  throw new StorageError(
    'invalid_input',
    'unsupported body: pass a Buffer, Uint8Array, string, Node Readable or web ReadableStream',
  );
}

export function checkContentLength(value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StorageError('invalid_input', `contentLength must be a non-negative integer, got ${String(value)}`);
  }
}

export function checkRange(range: { start: number; end?: number } | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new StorageError('invalid_input', `invalid range ${JSON.stringify(range)}: need 0 <= start <= end`);
  }
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function checkMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!metadata) return out;
  for (const [k, v] of Object.entries(metadata)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(k) || typeof v !== 'string' || !/^[\x20-\x7e]*$/.test(v)) {
      throw new StorageError(
        'invalid_input',
        `metadata "${k.slice(0, 40)}" is not portable: use lower-case [a-z0-9-] names and printable ASCII values (encode others, e.g. with encodeURIComponent)`,
      );
    }
    out[k] = v;
  }
  return out;
}

export function checkExpiresIn(value: number | undefined): number {
  const v = value ?? 900;
  if (!Number.isInteger(v) || v < 1 || v > 604_800) {
    throw new StorageError(
      'invalid_input',
      `expiresIn must be an integer between 1 and 604800 seconds, got ${String(value)}`,
    );
  }
  return v;
}
