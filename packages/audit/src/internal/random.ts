import { randomFillSync } from 'node:crypto';

const POOL = 16 * 1024;
const pool = Buffer.alloc(POOL);
let offset = POOL;

function take(n: number): number {
  if (offset + n > POOL) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += n;
  return at;
}

/** `n` (<= 64) random bytes from the same pool, as base64url text (no intermediate copy). */
export function randomBase64url(n: number): string {
  const at = take(n);
  return pool.toString('base64url', at, at + n);
}

/** Fills `target` (<= 64 bytes) with random bytes from the same pool (no allocation). */
export function randomInto(target: Uint8Array): void {
  const at = take(target.length);
  pool.copy(target, 0, at, at + target.length);
}
