// Kysely tenant scope plugin overhead on PostgreSQL: a scoped select/update against the same
// query with the tenant predicate written by hand, compile + execute, median of many runs,
// alternating the two variants so machine noise hits both alike. Also the compile-only cost.
import { performance } from 'node:perf_hooks';
import { runWithTenant } from '@portalkit/tenancy';
import { tenantScopePlugin } from '@portalkit/tenancy/kysely';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { printableAdminUrl, withDatabase } from '../shared/database.js';

interface DB {
  items: { id: string; tenant_id: string; title: string; n: number };
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3000);
const TENANTS = 20;
const ROWS_PER_TENANT = 1000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function run(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined); // the idle client is terminated when the bench database is dropped
  const raw = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const scoped = raw.withPlugin(tenantScopePlugin({ tables: ['items'] }));
  try {
    await sql`create table items (id text primary key, tenant_id text not null, title text not null, n int not null)`.execute(
      raw,
    );
    await sql`create index items_tenant_idx on items (tenant_id, id)`.execute(raw);
    for (let t = 0; t < TENANTS; t++) {
      const rows = Array.from({ length: ROWS_PER_TENANT }, (_, i) => ({
        id: `t${t}-${i}`,
        tenant_id: `t${t}`,
        title: `item ${i}`,
        n: i,
      }));
      await raw.insertInto('items').values(rows).execute();
    }
    await sql`analyze items`.execute(raw);

    const tenant = 't7';
    const id = (i: number) => `${tenant}-${i % ROWS_PER_TENANT}`;
    const variants = {
      'select by hand': (i: number) =>
        raw.selectFrom('items').selectAll().where('tenant_id', '=', tenant).where('id', '=', id(i)).execute(),
      'select scoped': (i: number) => scoped.selectFrom('items').selectAll().where('id', '=', id(i)).execute(),
      'update by hand': (i: number) =>
        raw.updateTable('items').set({ n: i }).where('tenant_id', '=', tenant).where('id', '=', id(i)).execute(),
      'update scoped': (i: number) => scoped.updateTable('items').set({ n: i }).where('id', '=', id(i)).execute(),
    } as const;
    const compileOnly = {
      'compile by hand': (i: number) =>
        raw.selectFrom('items').selectAll().where('tenant_id', '=', tenant).where('id', '=', id(i)).compile(),
      'compile scoped': (i: number) => scoped.selectFrom('items').selectAll().where('id', '=', id(i)).compile(),
    } as const;

    // Both variants run inside the same tenant scope (as a request handler would), so the ratio
    // isolates the plugin's own cost.
    await runWithTenant(tenant, () => measure(variants, compileOnly));
  } finally {
    await raw.destroy();
  }
}

async function measure(
  variants: Record<
    'select by hand' | 'select scoped' | 'update by hand' | 'update scoped',
    (i: number) => Promise<unknown>
  >,
  compileOnly: Record<string, (i: number) => unknown>,
) {
  {
    const times: Record<string, number[]> = {};
    for (const k of [...Object.keys(variants), ...Object.keys(compileOnly)]) times[k] = [];
    // warm-up
    for (let i = 0; i < 300; i++) for (const fn of Object.values(variants)) await fn(i);
    const pairs = [
      ['select by hand', 'select scoped'],
      ['update by hand', 'update scoped'],
    ] as const;
    for (let i = 0; i < RUNS; i++) {
      // Alternate which variant of a pair runs first, so ordering effects cancel out.
      const order = pairs.flatMap(([a, b]) => (i % 2 === 0 ? [a, b] : [b, a]));
      for (const k of order) {
        const fn = variants[k];
        const t0 = performance.now();
        await fn(i);
        times[k]?.push(performance.now() - t0);
      }
      for (const [k, fn] of Object.entries(compileOnly)) {
        const t0 = performance.now();
        fn(i);
        times[k]?.push(performance.now() - t0);
      }
    }
    const m = (k: string) => median(times[k] as number[]);
    const line = (label: string, base: string, test: string) => {
      const ratio = m(test) / m(base);
      console.log(
        `${label.padEnd(26)} by hand ${(m(base) * 1000).toFixed(1).padStart(7)} µs   scoped ${(m(test) * 1000).toFixed(1).padStart(7)} µs   ratio ${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)}%)`,
      );
      return ratio;
    };
    console.log(
      `PostgreSQL ${printableAdminUrl()}, ${TENANTS * ROWS_PER_TENANT} rows, ${RUNS} runs each, median, one pooled connection`,
    );
    const s = line('select (compile+execute)', 'select by hand', 'select scoped');
    const u = line('update (compile+execute)', 'update by hand', 'update scoped');
    line('select (compile only)', 'compile by hand', 'compile scoped');
    const target = 1.1;
    console.log(
      `target: scoped <= ${target}x by hand for select and update: ${s <= target && u <= target ? 'MET' : 'NOT MET'}`,
    );
  }
}

withDatabase(run).catch((error) => {
  console.error(error);
  process.exit(1);
});
