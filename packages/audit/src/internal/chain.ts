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

/** Links events after a head: assigns seq, prevHash and hash. */
export function link(events: readonly PreparedEvent[], seq: number, hash: string | null): AuditEvent[] {
  let prev = hash ?? GENESIS_HASH;
  let s = seq;
  return events.map((e) => {
    s += 1;
    const linked = { ...e, seq: s, prevHash: prev } as AuditEvent;
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
