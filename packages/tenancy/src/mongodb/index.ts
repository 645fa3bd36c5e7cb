export { mongoErrorToTenancyError } from './errors.js';
export { type MongoTenantStore, type MongoTenantStoreOptions, mongoTenantStore } from './mongo-store.js';
export { type ScopedCollection, type ScopedCollectionOptions, scopedCollection } from './scoped-collection.js';
