export {
  type RedisAccessInvalidation,
  type RedisAccessInvalidationOptions,
  redisAccessInvalidation,
} from './redis-access-invalidation.js';
