import type { TestProject } from 'vitest/node';
import { startMongoServer } from './mongo-server.js';
import { startS3Server } from './s3-server.js';
import { answers, DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL, HOW_TO_START, type ServiceInfo } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    portalkitServices: ServiceInfo;
  }
}

/**
 * Vitest global setup used by every package project. Checks PostgreSQL and Redis (mandatory when
 * CI=true), and starts s3rver and a MongoDB-wire server when the project asked for them through
 * `provide: { portalkitNeeds: [...] }` in its config.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const needs = new Set((project.config.provide as { portalkitNeeds?: string[] }).portalkitNeeds ?? []);
  const postgresUrl = process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const [pgUp, redisUp] = await Promise.all([answers(postgresUrl, 5432), answers(redisUrl, 6379)]);
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const missing = [!pgUp && HOW_TO_START.postgres, !redisUp && HOW_TO_START.redis].filter(Boolean);
  if (ci && missing.length > 0) {
    throw new Error(`[portalkit/test] CI=true and a required service is down.\n${missing.join('\n')}`);
  }
  const stops: Array<() => Promise<void>> = [];
  const info: ServiceInfo = {
    postgresUrl: pgUp ? postgresUrl : null,
    redisUrl: redisUp ? redisUrl : null,
    s3: null,
    mongo: null,
  };
  if (needs.has('s3')) {
    const s3 = await startS3Server();
    info.s3 = s3.info;
    stops.push(s3.stop);
  }
  if (needs.has('mongo')) {
    const mongo = await startMongoServer();
    info.mongo = mongo.info;
    stops.push(mongo.stop);
  }
  project.provide('portalkitServices', info);
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
