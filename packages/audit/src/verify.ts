import type { CheckpointSigner } from './checkpoints.js';
import type { AuditEvent } from './event.js';
import { computeEventHash, GENESIS_HASH, personalValuesIntact } from './hashing.js';
import type { AuditStore, Checkpoint } from './store.js';

/** Why verification failed. */
export type VerifyFailure =
  | 'hash_mismatch'
  | 'personal_mismatch'
  | 'prev_hash_mismatch'
  | 'seq_gap'
  | 'head_mismatch'
  | 'missing_anchor'
  | 'checkpoint_mismatch'
  | 'checkpoint_signature'
  | 'checkpoint_unknown_key';

/** Result of {@link AuditLog.verify}. */
export type VerifyResult =
  | {
      /** The chain (or the window) is intact. */
      valid: true;
      /** Events checked. */
      count: number;
      /** Hash of the last event checked (the anchor's hash, or 64 zeros, when none). */
      headHash: string;
      /** Checkpoints whose signature (and, where the event is still stored, hash) were checked. */
      checkpoints: number;
    }
  | {
      /** The chain was tampered with. */
      valid: false;
      /** Events checked before the failure. */
      count: number;
      /** Hash of the last good event. */
      headHash: string;
      /** Checkpoints checked before the failure. */
      checkpoints: number;
      /** What is wrong. */
      reason: VerifyFailure;
      /** Id of the first bad event (`null` when the failure is not about one event, e.g. a bad checkpoint or a truncated tail). */
      eventId: string | null;
      /** Seq where the failure was found. */
      seq: number | null;
    };

/** Options of {@link AuditLog.verify}. */
export interface VerifyOptions {
  /** Chain to verify (`null`: platform). */
  tenantId: string | null;
  /** Start at the first event that occurred at or after this time (linked to its predecessor). */
  from?: Date;
  /** Stop after the last event that occurred at or before this time. */
  to?: Date;
}

const PAGE = 1000;

export async function verifyChain(
  store: AuditStore<unknown>,
  signer: CheckpointSigner,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const { tenantId } = options;
  let count = 0;
  let checked = 0;
  let headHash = GENESIS_HASH;
  const fail = (reason: VerifyFailure, event: AuditEvent | null, seq: number | null): VerifyResult => ({
    valid: false,
    count,
    headHash,
    checkpoints: checked,
    reason,
    eventId: event?.id ?? null,
    seq,
  });

  const cps = await store.checkpoints(tenantId);
  for (const cp of cps) {
    const r = signer.check(cp);
    if (r !== 'ok') return fail(r === 'unknown_key' ? 'checkpoint_unknown_key' : 'checkpoint_signature', null, cp.seq);
  }
  const cpBySeq = new Map<number, Checkpoint[]>();
  for (const cp of cps) cpBySeq.set(cp.seq, [...(cpBySeq.get(cp.seq) ?? []), cp]);

  let page = await store.readChain(tenantId, options.from ? { startAt: options.from, limit: PAGE } : { limit: PAGE });
  let expectedSeq: number | null = null;
  let prevHash: string | null = null;
  const first = page[0];
  const anchorFor = (seq: number) => (cpBySeq.get(seq) ?? [])[0];
  if (first) {
    if (first.seq === 1) {
      prevHash = GENESIS_HASH;
    } else {
      const [pred] = await store.readChain(tenantId, { afterSeq: first.seq - 2, limit: 1 });
      if (pred && pred.seq === first.seq - 1) {
        prevHash = pred.hash;
      } else {
        const anchor = anchorFor(first.seq - 1);
        if (!anchor) return fail('missing_anchor', first, first.seq);
        prevHash = anchor.headHash;
        checked++;
      }
    }
    expectedSeq = first.seq;
    headHash = prevHash;
  }
  let last: AuditEvent | null = null;
  let reachedEnd = false;
  for (;;) {
    for (const e of page) {
      if (options.to && Date.parse(e.occurredAt) > options.to.getTime()) {
        return { valid: true, count, headHash, checkpoints: checked };
      }
      if (e.seq !== expectedSeq) return fail('seq_gap', e, expectedSeq);
      if (e.prevHash !== prevHash) return fail('prev_hash_mismatch', e, e.seq);
      if (computeEventHash(e) !== e.hash) return fail('hash_mismatch', e, e.seq);
      if (!personalValuesIntact(e)) return fail('personal_mismatch', e, e.seq);
      for (const cp of cpBySeq.get(e.seq) ?? []) {
        if (cp.headHash !== e.hash) return fail('checkpoint_mismatch', e, e.seq);
        checked++;
      }
      count++;
      prevHash = e.hash;
      headHash = e.hash;
      expectedSeq = e.seq + 1;
      last = e;
    }
    if (page.length < PAGE) {
      reachedEnd = true;
      break;
    }
    page = await store.readChain(tenantId, { afterSeq: last!.seq, limit: PAGE });
  }
  if (reachedEnd) {
    const head = await store.head(tenantId);
    if (last) {
      if (!head || head.seq !== last.seq || head.hash !== last.hash)
        return fail('head_mismatch', null, head?.seq ?? null);
    } else if (head && !options.from) {
      // No events left: the head must be exactly what a retention anchor vouches for.
      const anchor = anchorFor(head.seq);
      if (!anchor || anchor.headHash !== head.hash) return fail('head_mismatch', null, head.seq);
      headHash = head.hash;
      checked++;
    }
    const beyond = cps.find((cp) => cp.seq > (head?.seq ?? 0));
    if (beyond) return fail('checkpoint_mismatch', null, beyond.seq);
  }
  return { valid: true, count, headHash, checkpoints: checked };
}
