export { type KyselyTenantStoreOptions, kyselyTenantStore } from './kysely-store.js';
export { migrateTenancy, tenancyMigrations } from './migrations.js';
