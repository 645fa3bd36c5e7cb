import type { AnyKysely } from '@portalkit/audit/kysely';
import { sql } from 'kysely';
import { toRow } from '../../src/kysely/rows.js';
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
      // The row exactly as the store writes it (narrow `changes`/`personal` columns included).
      await db.insertInto('audit_events').values(toRow(e)).execute();
    },
    async deleteEvent(id) {
      await sql`DELETE FROM audit_events WHERE id = ${id}`.execute(db);
    },
    async deleteCheckpoints(tenantId) {
      await sql`DELETE FROM audit_checkpoints WHERE chain_key = ${tenantId ?? ''}`.execute(db);
    },
  };
}
