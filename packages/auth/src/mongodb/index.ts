export { type MongoAuthStore, type MongoAuthStoreOptions, mapMongoError, mongoAuthStore } from './mongo-store.js';
