// A throwaway PostgreSQL database for one benchmark run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the benchmarks create their databases on: DATABASE_URL, else the local test server. */
export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The admin URL without credentials, for printing. */
export const printableAdminUrl = () => ADMIN_URL.replace(/\/\/[^@]*@/, '//');

/** Creates a database named pk_bench_<random>, runs `fn` with its URL, then drops it (even on failure). */
export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `pk_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
