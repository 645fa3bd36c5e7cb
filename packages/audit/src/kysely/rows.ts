// The rows of `audit_events` built from linked events: COPY text lines and INSERT rows (pure
// functions, no Kysely; the CPU bench measures them on their own).
import type { AuditEvent } from '../event.js';
import { chainKey } from '../internal/chain.js';
import { copyField, copyJson } from './copy.js';
import { packPersonal, storedChanges } from './row-format.js';

/** A row of `audit_events` (column name to value). */
export type Row = Record<string, unknown>;

const nullableJson = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** The columns the COPY path writes, in this order. */
export const COPY_COLUMNS =
  'id, chain_key, tenant_id, seq, actor_type, actor_id, action, resource_type, resource_id, before, after, changes, ip, user_agent, request_id, occurred_at, subjects, personal, prev_hash, hash';

/** One COPY text-format line (tab-separated, escaped, `\\N` for null) of `audit_events` for an event. */
export function toCopyLine(e: AuditEvent): string {
  const f = copyField;
  const changes = storedChanges(e);
  return `${f(e.id)}\t${f(chainKey(e.tenantId))}\t${f(e.tenantId)}\t${e.seq}\t${f(e.actor.type)}\t${f(e.actor.id)}\t${f(
    e.action,
  )}\t${f(e.resource.type)}\t${f(e.resource.id)}\t${copyJson(e.before)}\t${copyJson(e.after)}\t${
    changes === null ? '\\N' : copyJson(changes)
  }\t${f(e.ip)}\t${f(e.userAgent)}\t${f(e.requestId)}\t${f(e.occurredAt)}\t${copyJson(e.subjects)}\t${copyJson(
    packPersonal(e.personal, e.subjects),
  )}\t${f(e.prevHash)}\t${f(e.hash)}\n`;
}

/** Row of `audit_events` for an event: {@link toJsonRow} with the JSON columns as text. */
export function toRow(e: AuditEvent): Row {
  const r = toJsonRow(e);
  r.before = nullableJson(r.before);
  r.after = nullableJson(r.after);
  r.changes = nullableJson(r.changes);
  r.subjects = JSON.stringify(r.subjects);
  r.personal = JSON.stringify(r.personal);
  return r;
}

/** Row for jsonb_populate_recordset: jsonb columns as JSON values, not text. */
export function toJsonRow(e: AuditEvent): Row {
  return {
    id: e.id,
    chain_key: chainKey(e.tenantId),
    tenant_id: e.tenantId,
    seq: e.seq,
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    action: e.action,
    resource_type: e.resource.type,
    resource_id: e.resource.id,
    before: e.before ?? null,
    after: e.after ?? null,
    changes: storedChanges(e),
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    occurred_at: e.occurredAt,
    subjects: e.subjects,
    personal: packPersonal(e.personal, e.subjects),
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}
