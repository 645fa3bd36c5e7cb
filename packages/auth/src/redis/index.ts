export { type RedisRateLimiterOptions, redisRateLimiter } from './redis-rate-limiter.js';
export { type RedisRevokedSessionsOptions, redisRevokedSessions } from './redis-revoked-sessions.js';
