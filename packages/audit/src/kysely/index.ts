export type { AuditPgClient, AuditPgPool, CopyStreamsModule } from './copy.js';
export { auditMigrations, migrateAudit } from './migrations.js';
export { type AnyKysely, type AnyTransaction, type KyselyAuditStoreOptions, kyselyAuditStore } from './store.js';
