import type { AnyKysely } from '@portalkit/audit/kysely';
import { sql } from 'kysely';
import type { Tamper } from './store-suite.js';

/** Tampering through straight SQL, as someone with database access would do it. */
export function sqlTamper(db: AnyKysely): Tamper {
  return {
    // Straight SQL, as someone with database access would do it.
    async replaceEvent(e) {
      await sql`UPDATE audit_events SET seq = ${e.seq}, action = ${e.action}, ip = ${e.ip}, prev_hash = ${e.prevHash},
          hash = ${e.hash}, actor_id = ${e.actor.id}, after = ${e.after === undefined ? null : JSON.stringify(e.after)}::jsonb
          WHERE id = ${e.id}`.execute(db);
    },
    async insertEvent(e) {
      await sql`INSERT INTO audit_events (id, chain_key, tenant_id, seq, actor_type, actor_id, action, resource_type, resource_id,
          after, changes, ip, user_agent, request_id, occurred_at, subjects, personal, prev_hash, hash)
          VALUES (${e.id}, ${e.tenantId ?? ''}, ${e.tenantId}, ${e.seq}, ${e.actor.type}, ${e.actor.id}, ${e.action}, ${e.resource.type},
          ${e.resource.id}, ${e.after === undefined ? null : JSON.stringify(e.after)}::jsonb, ${JSON.stringify(e.changes)}::jsonb, ${e.ip},
          ${e.userAgent}, ${e.requestId}, ${e.occurredAt}, ${JSON.stringify(e.subjects)}::jsonb, ${JSON.stringify(e.personal)}::jsonb,
          ${e.prevHash}, ${e.hash})`.execute(db);
    },
    async deleteEvent(id) {
      await sql`DELETE FROM audit_events WHERE id = ${id}`.execute(db);
    },
    async deleteCheckpoints(tenantId) {
      await sql`DELETE FROM audit_checkpoints WHERE chain_key = ${tenantId ?? ''}`.execute(db);
    },
  };
}
