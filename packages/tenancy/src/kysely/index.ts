export { type KyselyTenantStoreOptions, kyselyTenantStore } from './kysely-store.js';
export { migrateTenancy, tenancyMigrations } from './migrations.js';
export { type TenantRlsOptions, tenantRlsMigration, withTenantTransaction } from './row-level-security.js';
export { type TenantScopePluginOptions, tenantScopePlugin } from './tenant-scope-plugin.js';
