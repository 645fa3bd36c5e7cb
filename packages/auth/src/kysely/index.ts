export { type KyselyAuthStoreOptions, kyselyAuthStore } from './kysely-store.js';
export { authMigrations, migrateAuth } from './migrations.js';
