import { openDatabase } from '@portalkit/platform';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

const database = useTestDatabase();
const up = needs('postgres', 'a dropped PostgreSQL connection');

describe.runIf(up)('a PostgreSQL connection the server drops', () => {
  it('an idle pooled connection that dies is logged once and the next query works', async () => {
    const lines: Array<{ level: string; message: string }> = [];
    const record = (level: string) => (_data: unknown, message: string) => lines.push({ level, message });
    const logger = { info: () => {}, warn: record('warn'), error: record('error') };
    const opened = await openDatabase(database.url, '/nonexistent', logger);
    try {
      if (opened.kind !== 'postgres') throw new Error('expected PostgreSQL');
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(opened.db);
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      } finally {
        await admin.end();
      }
      for (let i = 0; i < 250 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100)); // room for a second line, were there one
      expect(lines.map((l) => l.message)).toEqual(['database connection lost']);
      await expect(opened.ping()).resolves.toBeUndefined();
    } finally {
      await opened.close();
    }
  });
});
