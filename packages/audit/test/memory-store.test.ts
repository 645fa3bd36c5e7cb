import { memoryAuditStore } from '@portalkit/audit';
import { runAuditStoreSuite } from './conformance/store-suite.js';

runAuditStoreSuite('memory', () => {
  const store = memoryAuditStore();
  return {
    store,
    tamper: {
      async replaceEvent(event) {
        const rows = store.rows(event.tenantId);
        const i = rows.findIndex((e) => e.id === event.id);
        rows[i] = structuredClone(event);
      },
      async insertEvent(event) {
        store.rows(event.tenantId).push(structuredClone(event));
      },
      async deleteEvent(id) {
        for (const t of (await store.heads()).map((h) => h.tenantId)) {
          const rows = store.rows(t);
          const i = rows.findIndex((e) => e.id === id);
          if (i >= 0) rows.splice(i, 1);
        }
      },
      async deleteCheckpoints(tenantId) {
        store.checkpointRows(tenantId).length = 0;
      },
    },
  };
});
