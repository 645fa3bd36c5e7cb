import type { AuditEvent, PreparedEvent } from './event.js';
import { chainKey, dedupe, groupByChain, link, tenantOf } from './internal/chain.js';
import type { AppendOptions, AuditStore, ChainHead, ChainSummary, Checkpoint, StoreQuery } from './store.js';

/** The in-memory store, plus direct access to its rows for tests and tamper drills. */
export interface MemoryAuditStore extends AuditStore<never> {
  /**
   * The live array of one chain's stored events (ascending seq). Editing it simulates someone
   * editing the database behind the library's back; `verify()` must notice.
   */
  rows(tenantId: string | null): AuditEvent[];
  /** The live array of one chain's checkpoints (ascending seq), for the same purpose. */
  checkpointRows(tenantId: string | null): Checkpoint[];
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/**
 * An {@link AuditStore} in process memory with the same semantics as the database adapters
 * (per-tenant chains, idempotent ids, atomic purge). For tests and quick starts; nothing survives
 * a restart.
 *
 * @example
 * ```ts
 * import { createAuditLog, memoryAuditStore } from '@portalkit/audit';
 *
 * const audit = createAuditLog({ store: memoryAuditStore() });
 * ```
 */
export function memoryAuditStore(): MemoryAuditStore {
  const chains = new Map<string, AuditEvent[]>();
  const heads = new Map<string, { seq: number; hash: string }>();
  const ids = new Set<string>();
  const checkpoints = new Map<string, Checkpoint[]>();
  const rowsOf = (key: string) => {
    const rows = chains.get(key);
    if (rows) return rows;
    const created: AuditEvent[] = [];
    chains.set(key, created);
    return created;
  };
  const all = () => [...chains.values()].flat();
  const checkpointsOf = (key: string) => {
    const list = checkpoints.get(key);
    if (list) return list;
    const created: Checkpoint[] = [];
    checkpoints.set(key, created);
    return created;
  };

  return {
    rows: (tenantId) => rowsOf(chainKey(tenantId)),
    checkpointRows: (tenantId) => checkpointsOf(chainKey(tenantId)),

    async append(events: readonly PreparedEvent[], _options?: AppendOptions<never>) {
      const stored: AuditEvent[] = [];
      for (const [key, group] of groupByChain(dedupe(events))) {
        const fresh = group.filter((e) => !ids.has(e.id));
        if (fresh.length === 0) continue;
        const head = heads.get(key);
        const linked = link(fresh, head?.seq ?? 0, head?.hash ?? null);
        rowsOf(key).push(...linked);
        for (const e of linked) ids.add(e.id);
        const last = linked[linked.length - 1]!;
        heads.set(key, { seq: last.seq, hash: last.hash });
        stored.push(...linked);
      }
      return clone(stored);
    },

    async query(q: StoreQuery) {
      const rows = chains.get(chainKey(q.tenantId)) ?? [];
      const out: AuditEvent[] = [];
      for (let i = rows.length - 1; i >= 0 && out.length < q.limit; i--) {
        const e = rows[i]!;
        if (q.beforeSeq !== undefined && e.seq >= q.beforeSeq) continue;
        if (q.actorId !== undefined && e.actor.id !== q.actorId) continue;
        if (q.action !== undefined && e.action !== q.action) continue;
        if (q.resourceType !== undefined && e.resource.type !== q.resourceType) continue;
        if (q.resourceId !== undefined && e.resource.id !== q.resourceId) continue;
        const t = Date.parse(e.occurredAt);
        if (q.from && t < q.from.getTime()) continue;
        if (q.to && t > q.to.getTime()) continue;
        out.push(e);
      }
      return clone(out);
    },

    async readChain(tenantId, { afterSeq, startAt, limit }) {
      const rows = [...(chains.get(chainKey(tenantId)) ?? [])].sort((a, b) => a.seq - b.seq);
      let start = rows.findIndex((e) => (afterSeq === undefined ? true : e.seq > afterSeq));
      if (startAt) {
        const first = rows.find((e) => Date.parse(e.occurredAt) >= startAt.getTime());
        start = first ? rows.findIndex((e) => e.seq >= first.seq) : -1;
      }
      return start < 0 ? [] : clone(rows.slice(start, start + limit));
    },

    async head(tenantId) {
      const h = heads.get(chainKey(tenantId));
      return h ? { tenantId, seq: h.seq, hash: h.hash } : null;
    },

    async heads() {
      return [...heads.entries()].map(([k, h]): ChainHead => ({ tenantId: tenantOf(k), seq: h.seq, hash: h.hash }));
    },

    async saveCheckpoint(checkpoint) {
      const list = checkpointsOf(chainKey(checkpoint.tenantId));
      list.push(clone(checkpoint));
      list.sort((a, b) => a.seq - b.seq);
    },

    async checkpoints(tenantId) {
      return clone(checkpoints.get(chainKey(tenantId)) ?? []);
    },

    async retentionBoundary(tenantId, cutoff) {
      const rows = [...(chains.get(chainKey(tenantId)) ?? [])].sort((a, b) => a.seq - b.seq);
      let last: AuditEvent | null = null;
      for (const e of rows) {
        if (Date.parse(e.occurredAt) >= cutoff.getTime()) break;
        last = e;
      }
      return last ? clone(last) : null;
    },

    async purge(tenantId, throughSeq, anchor) {
      const key = chainKey(tenantId);
      const rows = chains.get(key) ?? [];
      const keep = rows.filter((e) => e.seq > throughSeq);
      const deleted = rows.length - keep.length;
      for (const e of rows) if (e.seq <= throughSeq) ids.delete(e.id);
      rows.splice(0, rows.length, ...keep);
      await this.saveCheckpoint(anchor);
      return deleted;
    },

    async chains({ idleBefore, after, limit }) {
      const out: ChainSummary[] = [];
      const keys = [...heads.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const key of keys) {
        if (out.length >= limit) break;
        if (after !== undefined && key <= chainKey(after)) continue;
        const head = heads.get(key)!;
        let last: number | null = null;
        for (const e of chains.get(key) ?? []) {
          const t = Date.parse(e.occurredAt);
          if (last === null || t > last) last = t;
        }
        if (idleBefore && last !== null && last >= idleBefore.getTime()) continue;
        out.push({
          tenantId: tenantOf(key),
          seq: head.seq,
          hash: head.hash,
          lastEventAt: last === null ? null : new Date(last).toISOString(),
        });
      }
      return out;
    },

    async deleteChain(tenantId, seq) {
      const key = chainKey(tenantId);
      if (heads.get(key)?.seq !== seq) return null;
      const rows = chains.get(key) ?? [];
      for (const e of rows) ids.delete(e.id);
      chains.delete(key);
      checkpoints.delete(key);
      heads.delete(key);
      return rows.length;
    },

    async bySubject(subjectId, { afterId, limit }) {
      return clone(
        all()
          .filter((e) => e.subjects.includes(subjectId) && (afterId === undefined || e.id > afterId))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .slice(0, limit),
      );
    },

    async rewritePersonal(events) {
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const rows of chains.values()) {
        for (let i = 0; i < rows.length; i++) {
          const next = byId.get(rows[i]!.id);
          if (!next) continue;
          const cur = rows[i]!;
          const updated: AuditEvent = {
            ...cur,
            actor: { ...cur.actor, id: next.actor.id },
            resource: { ...cur.resource, id: next.resource.id },
            ip: next.ip,
            userAgent: next.userAgent,
            changes: clone(next.changes),
            subjects: [...next.subjects],
            personal: clone(next.personal),
          };
          delete updated.before;
          delete updated.after;
          if (next.before !== undefined) updated.before = clone(next.before);
          if (next.after !== undefined) updated.after = clone(next.after);
          rows[i] = updated;
        }
      }
    },
  };
}
