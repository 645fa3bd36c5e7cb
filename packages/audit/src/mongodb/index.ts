export { type MongoAuditStore, type MongoAuditStoreOptions, mapMongoError, mongoAuditStore } from './store.js';
