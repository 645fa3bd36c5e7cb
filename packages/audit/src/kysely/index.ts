export { auditMigrations, migrateAudit } from './migrations.js';
export { type AnyKysely, type AnyTransaction, kyselyAuditStore } from './store.js';
