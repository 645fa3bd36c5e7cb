import { randomFillSync } from 'node:crypto';

const POOL = 16 * 1024;
const pool = Buffer.alloc(POOL);
let offset = POOL;

/** `n` (<= 64) cryptographically random bytes, cut from a pooled buffer refilled 16 KiB at a time. */
export function randomPooled(n: number): Buffer {
  if (offset + n > POOL) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}
