import type { AuditEvent, PreparedEvent } from '../event.js';
import { computeEventHash, GENESIS_HASH } from '../hashing.js';

/** Chain key: tenant id, or '' for the platform chain (tenant ids are never empty). */
export function chainKey(tenantId: string | null): string {
  return tenantId ?? '';
}

export function tenantOf(key: string): string | null {
  return key === '' ? null : key;
}

/** Groups events by chain, keeping order; returns keys sorted (lock order). */
export function groupByChain(events: readonly PreparedEvent[]): Map<string, PreparedEvent[]> {
  const groups = new Map<string, PreparedEvent[]>();
  for (const e of events) {
    const k = chainKey(e.tenantId);
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The event with its place in the chain (hash still empty): the prepared event's members in
 * record() order, then `seq`, `prevHash`, `hash`. Built member by member: an object spread of a
 * prepared event measured about 30x the cost (4.4 vs 0.14 µs per event).
 */
function placed(e: PreparedEvent, seq: number, prevHash: string): AuditEvent {
  const linked = {
    id: e.id,
    tenantId: e.tenantId,
    actor: e.actor,
    action: e.action,
    resource: e.resource,
    changes: e.changes,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    occurredAt: e.occurredAt,
    subjects: e.subjects,
    personal: e.personal,
  } as AuditEvent;
  if (e.before !== undefined) linked.before = e.before;
  if (e.after !== undefined) linked.after = e.after;
  linked.seq = seq;
  linked.prevHash = prevHash;
  linked.hash = '';
  return linked;
}

/** Links events after a head: assigns seq, prevHash and hash. */
export function link(events: readonly PreparedEvent[], seq: number, hash: string | null): AuditEvent[] {
  let prev = hash ?? GENESIS_HASH;
  let s = seq;
  return events.map((e) => {
    s += 1;
    const linked = placed(e, s, prev);
    linked.hash = computeEventHash(linked);
    prev = linked.hash;
    return linked;
  });
}

export function dedupe(events: readonly PreparedEvent[]): PreparedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
}
