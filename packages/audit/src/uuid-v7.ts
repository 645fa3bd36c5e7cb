import { randomInto } from './internal/random.js';

let lastMs = -1;
let counter = 0;

/** Scratch bytes of the id being made (filled from the random pool, no Buffer per id). */
const b = new Uint8Array(16);

const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * created in the same millisecond by this process strictly increasing, then 62 random bits. Ids
 * sort by creation time as strings, so they double as a time-ordered key. Audit event ids are made
 * by the writer with this function, so a retried write carries the same id and is stored once.
 *
 * @example
 * ```ts
 * import { uuidv7 } from '@portalkit/audit';
 *
 * const id = uuidv7(); // '0193a1f2-7c4e-7000-8a3b-5f0c9d1e2a4b'
 * ```
 */
export function uuidv7(now: number = Date.now()): string {
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond to stay monotonic.
      ms = lastMs + 1;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  randomInto(b);
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | ((counter >>> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += hex[b[i]!];
  }
  return s;
}

/**
 * The creation time encoded in a UUIDv7, or `null` when `id` is not a UUIDv7.
 *
 * @example
 * ```ts
 * import { uuidv7, uuidv7Time } from '@portalkit/audit';
 *
 * uuidv7Time(uuidv7()); // Date close to now
 * ```
 */
export function uuidv7Time(id: string): Date | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return null;
  const h = id.replace(/-/g, '').slice(0, 12);
  return new Date(Number.parseInt(h, 16));
}
