import { dangerouslyBypassTenantScope, isTenancyError, runWithTenant, type TenancyErrorCode } from '@portalkit/tenancy';
import { tenantScopePlugin } from '@portalkit/tenancy/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import {
  CamelCasePlugin,
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

interface DB {
  documents: { id: string; tenant_id: string; title: string; owner_id: string | null };
  comments: { id: string; tenant_id: string; document_id: string; body: string };
  users: { id: string; name: string };
}

const database = useTestDatabase();
let raw: Kysely<DB>;
let db: Kysely<DB>;

async function code(fn: () => Promise<unknown>): Promise<TenancyErrorCode | unknown> {
  try {
    await fn();
    return 'no error';
  } catch (error) {
    return isTenancyError(error) ? error.code : error;
  }
}

const titles = (rows: { title: string }[]) => rows.map((r) => r.title).sort();

describe.skipIf(!needs('postgres', 'tenancy Kysely plugin'))('tenantScopePlugin on PostgreSQL', () => {
  beforeAll(async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    raw = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    db = raw.withPlugin(tenantScopePlugin({ tables: ['documents', 'comments'] }));
    await sql`create table users (id text primary key, name text not null)`.execute(raw);
    await sql`create table documents (id text primary key, tenant_id text not null, title text not null, owner_id text references users(id))`.execute(
      raw,
    );
    await sql`create table comments (id text primary key, tenant_id text not null, document_id text not null references documents(id), body text not null)`.execute(
      raw,
    );
  });
  afterAll(async () => {
    await raw?.destroy();
  });
  beforeEach(async () => {
    await raw.deleteFrom('comments').execute();
    await raw.deleteFrom('documents').execute();
    await raw.deleteFrom('users').execute();
    await raw
      .insertInto('users')
      .values([{ id: 'u1', name: 'Ada' }])
      .execute();
    await raw
      .insertInto('documents')
      .values([
        { id: 'a1', tenant_id: 'A', title: 'a-one', owner_id: 'u1' },
        { id: 'a2', tenant_id: 'A', title: 'a-two', owner_id: null },
        { id: 'b1', tenant_id: 'B', title: 'b-one', owner_id: 'u1' },
      ])
      .execute();
    await raw
      .insertInto('comments')
      .values([
        { id: 'c1', tenant_id: 'A', document_id: 'a1', body: 'a comment' },
        // a poisoned row: tenant B's comment pointing at tenant A's document
        { id: 'c2', tenant_id: 'B', document_id: 'a1', body: 'b comment on a1' },
        { id: 'c3', tenant_id: 'B', document_id: 'b1', body: 'b comment' },
      ])
      .execute();
  });

  it('scopes selects and counts', async () => {
    expect(titles(await runWithTenant('A', () => db.selectFrom('documents').selectAll().execute()))).toEqual([
      'a-one',
      'a-two',
    ]);
    expect(titles(await runWithTenant('B', () => db.selectFrom('documents').select('title').execute()))).toEqual([
      'b-one',
    ]);
    const count = await runWithTenant('B', () =>
      db
        .selectFrom('documents')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(1);
    expect(
      await runWithTenant('B', () => db.selectFrom('documents').selectAll().where('id', '=', 'a1').execute()),
    ).toEqual([]);
  });

  it('respects aliases and keeps OR filters inside the tenant', async () => {
    const query = db
      .selectFrom('documents as d')
      .select('d.title')
      .where((eb) => eb.or([eb('d.title', '=', 'b-one'), eb('d.title', '=', 'a-one')]));
    const compiled = runWithTenant('A', () => query.compile());
    expect(compiled.sql).toContain('"d"."tenant_id" = $');
    expect(titles(await runWithTenant('A', () => query.execute()))).toEqual(['a-one']);
    const orWhere = db
      .selectFrom('documents')
      .select('title')
      .where((eb) => eb('title', '=', 'b-one').or('title', '=', 'a-one'));
    expect(titles(await runWithTenant('A', () => orWhere.execute()))).toEqual(['a-one']);
  });

  it('scopes joins in ON (inner and left) and leaves non-tenant tables alone', async () => {
    const inner = await runWithTenant('A', () =>
      db
        .selectFrom('documents as d')
        .innerJoin('comments as c', 'c.document_id', 'd.id')
        .select(['d.title', 'c.body'])
        .execute(),
    );
    expect(inner).toEqual([{ title: 'a-one', body: 'a comment' }]);
    const left = await runWithTenant('A', () =>
      db
        .selectFrom('documents')
        .leftJoin('comments', 'comments.document_id', 'documents.id')
        .leftJoin('users', 'users.id', 'documents.owner_id')
        .select(['documents.title', 'comments.body', 'users.name'])
        .orderBy('documents.title')
        .execute(),
    );
    expect(left).toEqual([
      { title: 'a-one', body: 'a comment', name: 'Ada' },
      { title: 'a-two', body: null, name: null },
    ]);
    // Joining from a non-tenant table still scopes the tenant table.
    const fromUsers = await runWithTenant('B', () =>
      db
        .selectFrom('users')
        .innerJoin('documents', 'documents.owner_id', 'users.id')
        .select('documents.title')
        .execute(),
    );
    expect(titles(fromUsers)).toEqual(['b-one']);
  });

  it('refuses RIGHT and FULL joins onto a tenant table (ON would not filter it)', async () => {
    const right = () =>
      db
        .selectFrom('users as u')
        .rightJoin('documents as d', 'd.owner_id', 'u.id')
        .select(['d.id', 'd.title'])
        .execute();
    const full = () =>
      db
        .selectFrom('users as u')
        .fullJoin('documents as d', 'd.owner_id', 'u.id')
        .select(['d.id', 'd.title'])
        .execute();
    expect(await code(() => runWithTenant('A', right))).toBe('unsupported_query');
    expect(await code(() => runWithTenant('A', full))).toBe('unsupported_query');
    // Onto a non-tenant table they stay allowed: the tenant table in FROM is scoped in WHERE.
    const fromDocs = await runWithTenant('A', () =>
      db
        .selectFrom('documents as d')
        .rightJoin('users as u', 'u.id', 'd.owner_id')
        .select(['d.title', 'u.name'])
        .execute(),
    );
    expect(fromDocs).toEqual([{ title: 'a-one', name: 'Ada' }]);
  });

  it('scopes subqueries, derived tables and CTEs', async () => {
    const withComments = await runWithTenant('B', () =>
      db
        .selectFrom('documents')
        .select('title')
        .where('id', 'in', db.selectFrom('comments').select('document_id'))
        .execute(),
    );
    expect(titles(withComments)).toEqual(['b-one']);
    const derived = await runWithTenant('A', () =>
      db
        .selectFrom(db.selectFrom('comments').select(['document_id', 'body']).as('x'))
        .selectAll()
        .execute(),
    );
    expect(derived).toEqual([{ document_id: 'a1', body: 'a comment' }]);
    const cte = await runWithTenant('B', () =>
      db
        .with('mine', (q) => q.selectFrom('documents').select(['id', 'title']))
        .selectFrom('mine')
        .selectAll()
        .execute(),
    );
    expect(titles(cte)).toEqual(['b-one']);
    const correlated = await runWithTenant('A', () =>
      db
        .selectFrom('documents as d')
        .select((eb) => [
          'd.id',
          eb
            .selectFrom('comments as c')
            .select((e) => e.fn.countAll<string>().as('n'))
            .whereRef('c.document_id', '=', 'd.id')
            .as('comment_count'),
        ])
        .orderBy('d.id')
        .execute(),
    );
    expect(correlated.map((r) => [r.id, Number(r.comment_count)])).toEqual([
      ['a1', 1],
      ['a2', 0],
    ]);
  });

  it('scopes updates and refuses moving rows to another tenant', async () => {
    const result = await runWithTenant('B', () =>
      db.updateTable('documents').set({ title: 'hacked' }).executeTakeFirst(),
    );
    expect(Number(result.numUpdatedRows)).toBe(1);
    expect(titles(await raw.selectFrom('documents').select('title').execute())).toEqual(['a-one', 'a-two', 'hacked']);
    const byId = await runWithTenant('B', () =>
      db.updateTable('documents').set({ title: 'x' }).where('id', '=', 'a1').executeTakeFirst(),
    );
    expect(Number(byId.numUpdatedRows)).toBe(0);
    const aliased = await runWithTenant('B', () =>
      db.updateTable('documents as d').set({ title: 'y' }).where('d.id', '=', 'a2').executeTakeFirst(),
    );
    expect(Number(aliased.numUpdatedRows)).toBe(0);
    const fromJoin = await runWithTenant('B', () =>
      db
        .updateTable('documents')
        .from('comments')
        .set({ title: 'z' })
        .whereRef('comments.document_id', '=', 'documents.id')
        .executeTakeFirst(),
    );
    expect(Number(fromJoin.numUpdatedRows)).toBe(1);
    expect(
      await code(() => runWithTenant('B', () => db.updateTable('documents').set({ tenant_id: 'A' }).execute())),
    ).toBe('tenant_mismatch');
    expect(
      await code(() =>
        runWithTenant('B', () => db.updateTable('documents').set({ tenant_id: 'B', title: 'same' }).execute()),
      ),
    ).toBe('no error');
    expect(
      await code(() =>
        runWithTenant('B', () =>
          db
            .updateTable('documents')
            .set((eb) => ({ tenant_id: eb.ref('title') }))
            .execute(),
        ),
      ),
    ).toBe('tenant_mismatch');
    expect(
      (await raw.selectFrom('documents').select('tenant_id').where('id', '=', 'a1').executeTakeFirstOrThrow())
        .tenant_id,
    ).toBe('A');
  });

  it('refuses update columns it cannot read, and tenant columns in any naming convention', async () => {
    const asB = (fn: () => Promise<unknown>) => code(() => runWithTenant('B', fn));
    expect(
      await asB(() => db.updateTable('documents').set(sql.ref('tenant_id'), 'A').where('id', '=', 'b1').execute()),
    ).toBe('unsupported_query');
    expect(await asB(() => db.updateTable('documents').set(sql`tenant_id`, 'A').where('id', '=', 'b1').execute())).toBe(
      'unsupported_query',
    );
    // A CamelCasePlugin after the scope plugin would compile tenantId to tenant_id.
    const camel = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
      plugins: [tenantScopePlugin({ tables: ['documents'] }), new CamelCasePlugin()],
    });
    try {
      expect(
        await asB(() =>
          camel
            .updateTable('documents')
            .set({ tenantId: 'A' } as never)
            .where('id', '=', 'b1')
            .execute(),
        ),
      ).toBe('tenant_mismatch');
      expect(
        await asB(() =>
          camel
            .insertInto('documents')
            .values({ id: 'x', tenantId: 'A', title: 'x' } as never)
            .execute(),
        ),
      ).toBe('tenant_mismatch');
    } finally {
      await camel.destroy();
    }
    expect(
      await asB(() =>
        db
          .updateTable('documents')
          .set({ TENANT_ID: 'A' } as never)
          .execute(),
      ),
    ).toBe('tenant_mismatch');
    expect(
      (await raw.selectFrom('documents').select('tenant_id').where('id', '=', 'b1').executeTakeFirstOrThrow())
        .tenant_id,
    ).toBe('B');
  });

  it('scopes every table of a multi-table UPDATE (MySQL) and fails closed without a tenant', async () => {
    const mysql = new Kysely<DB>({
      dialect: {
        createAdapter: () => new MysqlAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new MysqlIntrospector(k),
        createQueryCompiler: () => new MysqlQueryCompiler(),
      },
      plugins: [tenantScopePlugin({ tables: ['documents', 'comments'] })],
    });
    const update = () =>
      mysql
        .updateTable(['documents', 'comments'])
        .set({ 'documents.title': 'x' } as never)
        .whereRef('comments.document_id', '=', 'documents.id');
    const compiled = runWithTenant('A', () => update().compile());
    expect(compiled.sql).toContain('`documents`.`tenant_id` = ? and `comments`.`tenant_id` = ?');
    expect(compiled.parameters.slice(-2)).toEqual(['A', 'A']);
    expect(await code(async () => update().compile())).toBe('no_tenant');
    expect(
      await code(async () =>
        runWithTenant('A', () =>
          mysql
            .updateTable(['documents', 'users'])
            .set({ 'documents.tenant_id': 'B' } as never)
            .compile(),
        ),
      ),
    ).toBe('tenant_mismatch');
  });

  it('scopes deletes, including DELETE ... USING', async () => {
    const result = await runWithTenant('B', () =>
      db.deleteFrom('comments').where('document_id', '=', 'a1').executeTakeFirst(),
    );
    expect(Number(result.numDeletedRows)).toBe(1); // only B's poisoned comment, never A's
    expect((await raw.selectFrom('comments').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([
      'c1',
      'c3',
    ]);
    await runWithTenant('B', () => db.deleteFrom('comments').execute());
    const using = await runWithTenant('B', () =>
      db.deleteFrom('documents').using('users').whereRef('users.id', '=', 'documents.owner_id').executeTakeFirst(),
    );
    expect(Number(using.numDeletedRows)).toBe(1);
    expect((await raw.selectFrom('documents').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([
      'a1',
      'a2',
    ]);
  });

  it('sets tenant_id on inserts and refuses another tenant', async () => {
    await runWithTenant('B', () =>
      db
        .insertInto('documents')
        .values([
          { id: 'b2', title: 'b-two' } as DB['documents'],
          { id: 'b3', title: 'b-three', owner_id: 'u1' } as DB['documents'],
        ])
        .execute(),
    );
    await runWithTenant('B', () =>
      db.insertInto('documents').values({ id: 'b4', title: 'b-four', tenant_id: 'B', owner_id: null }).execute(),
    );
    await runWithTenant('B', () =>
      db
        .insertInto('documents')
        .values([{ id: 'b7', tenant_id: 'B', title: 'x', owner_id: null }, { id: 'b8', title: 'y' } as DB['documents']])
        .execute(),
    );
    const rows = await raw
      .selectFrom('documents')
      .select(['id', 'tenant_id'])
      .where('id', 'in', ['b2', 'b3', 'b4', 'b7', 'b8'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'b2', tenant_id: 'B' },
      { id: 'b3', tenant_id: 'B' },
      { id: 'b4', tenant_id: 'B' },
      { id: 'b7', tenant_id: 'B' },
      { id: 'b8', tenant_id: 'B' },
    ]);
    expect(
      await code(() =>
        runWithTenant('B', () =>
          db.insertInto('documents').values({ id: 'b5', title: 'x', tenant_id: 'A', owner_id: null }).execute(),
        ),
      ),
    ).toBe('tenant_mismatch');
    expect(
      await code(() =>
        runWithTenant('B', () =>
          db
            .insertInto('documents')
            .values({ id: 'b6', title: 'x', tenant_id: sql<string>`'A'`, owner_id: null })
            .execute(),
        ),
      ),
    ).toBe('tenant_mismatch');
    expect(
      await code(() =>
        runWithTenant('B', () =>
          db
            .insertInto('documents')
            .columns(['id', 'title'])
            .expression((eb) => eb.selectFrom('users').select(['id', 'name']))
            .execute(),
        ),
      ),
    ).toBe('unsupported_query');
    expect(await raw.selectFrom('documents').select('id').where('id', 'in', ['b5', 'b6']).execute()).toEqual([]);
  });

  it('never lets an upsert update another tenant row', async () => {
    await runWithTenant('B', () =>
      db
        .insertInto('documents')
        .values({ id: 'a1', title: 'stolen' } as DB['documents'])
        .onConflict((oc) => oc.column('id').doUpdateSet({ title: 'stolen' }))
        .execute(),
    );
    expect(
      (await raw.selectFrom('documents').select('title').where('id', '=', 'a1').executeTakeFirstOrThrow()).title,
    ).toBe('a-one');
    await runWithTenant('A', () =>
      db
        .insertInto('documents')
        .values({ id: 'a1', title: 'renamed' } as DB['documents'])
        .onConflict((oc) => oc.column('id').doUpdateSet({ title: 'renamed' }))
        .execute(),
    );
    expect(
      (await raw.selectFrom('documents').select('title').where('id', '=', 'a1').executeTakeFirstOrThrow()).title,
    ).toBe('renamed');
  });

  it('fails closed without a tenant, except on non-tenant tables and inside the escape hatch', async () => {
    expect(await code(() => db.selectFrom('documents').selectAll().execute())).toBe('no_tenant');
    expect(
      await code(() =>
        db.selectFrom('users').innerJoin('documents', 'documents.owner_id', 'users.id').selectAll().execute(),
      ),
    ).toBe('no_tenant');
    expect(
      await code(() =>
        db.selectFrom('users').where('id', 'in', db.selectFrom('documents').select('owner_id')).selectAll().execute(),
      ),
    ).toBe('no_tenant');
    expect(await code(() => db.updateTable('documents').set({ title: 'x' }).execute())).toBe('no_tenant');
    expect(await code(() => db.deleteFrom('comments').execute())).toBe('no_tenant');
    expect(
      await code(() =>
        db
          .insertInto('documents')
          .values({ id: 'z', title: 'z' } as DB['documents'])
          .execute(),
      ),
    ).toBe('no_tenant');
    expect(await db.selectFrom('users').selectAll().execute()).toHaveLength(1);
    const all = await dangerouslyBypassTenantScope('test: platform-wide listing', () =>
      db.selectFrom('documents').selectAll().execute(),
    );
    expect(all).toHaveLength(3);
    expect((await raw.selectFrom('documents').select('title').execute()).length).toBe(3);
  });

  it('documents its blind spots: raw sql and withoutPlugins are not scoped', async () => {
    const viaRaw = await runWithTenant('A', () => sql<{ id: string }>`select id from documents`.execute(db));
    expect(viaRaw.rows).toHaveLength(3);
    const viaWithout = await runWithTenant('A', () =>
      db.withoutPlugins().selectFrom('documents').selectAll().execute(),
    );
    expect(viaWithout).toHaveLength(3);
  });
});
