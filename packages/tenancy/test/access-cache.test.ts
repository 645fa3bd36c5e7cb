import {
  type AccessCacheOptions,
  type AccessInvalidation,
  createTenancy,
  isTenancyError,
  type TenancyErrorCode,
  type TenantStore,
} from '@portalkit/tenancy';
import { kyselyTenantStore, migrateTenancy } from '@portalkit/tenancy/kysely';
import { redisAccessInvalidation } from '@portalkit/tenancy/redis';
import { needs, useRedis, useTestDatabase } from '@portalkit/test-utils';
import { Redis } from 'ioredis';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const database = useTestDatabase();
const redisInfo = useRedis();
// biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
let db: Kysely<any>;
let queries = 0;

const READS = new Set(['getTenant', 'getMember', 'getAccess']);

/** The real PostgreSQL store behind a proxy that counts every method call by name. */
function spied(store: TenantStore = kyselyTenantStore(db)) {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls, reads: () => calls.filter((c) => READS.has(c)).length };
}

async function codeOf(promise: Promise<unknown>): Promise<TenancyErrorCode | 'ok' | unknown> {
  return promise.then(
    () => 'ok',
    (e: unknown) => (isTenancyError(e) ? e.code : e),
  );
}

let n = 0;
const slug = () => `cache-${Date.now().toString(36)}-${(n++).toString(36)}`;

/** A tenant with an admin and an editor, created through `tenancy`. */
async function seed(tenancy: ReturnType<typeof createTenancy>) {
  const admin = `admin-${n++}`;
  const editor = `editor-${n++}`;
  const tenant = await tenancy.createTenant({ name: 'Cache', slug: slug() }, { userId: admin });
  await tenancy.addMember(tenant.id, editor, 'editor');
  return { tenant, admin, editor };
}

describe.skipIf(!needs('postgres', 'tenancy access cache'))('requireAccess access cache (PostgreSQL store)', () => {
  beforeAll(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
    db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 5 }) }),
      log: () => {
        queries++;
      },
    });
    await migrateTenancy(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('answers a miss with one SQL query (tenant and membership joined) and hits without the store', async () => {
    const spy = spied();
    const tenancy = createTenancy({ store: spy.store });
    const { tenant, editor } = await seed(tenancy);
    spy.calls.length = 0;
    const before = queries;
    const first = await tenancy.requireAccess(tenant.id, editor, 'viewer');
    expect(queries - before).toBe(1);
    expect(spy.calls).toEqual(['getAccess']);
    expect(first.member).toMatchObject({ tenantId: tenant.id, userId: editor, role: 'editor' });
    expect(first.tenant).toEqual(tenant);
    for (let i = 0; i < 5; i++) await tenancy.requireAccess(tenant.id, editor, 'editor');
    // The role is checked on every call, also on a hit.
    expect(await codeOf(tenancy.requireAccess(tenant.id, editor, 'admin'))).toBe('forbidden');
    expect(queries - before).toBe(1);
    expect(spy.reads()).toBe(1);
    expect(tenancy.accessCache?.size).toBe(1);
  });

  it('coalesces concurrent misses of one membership into one store call', async () => {
    const spy = spied();
    const tenancy = createTenancy({ store: spy.store });
    const { tenant, editor } = await seed(tenancy);
    spy.calls.length = 0;
    const results = await Promise.all(Array.from({ length: 20 }, () => tenancy.requireAccess(tenant.id, editor)));
    expect(results.every((r) => r.member.role === 'editor')).toBe(true);
    expect(spy.reads()).toBe(1);
  });

  it('does not cache refusals: unknown tenants and non-members ask the store each time, a new member gets in at once', async () => {
    const spy = spied();
    const tenancy = createTenancy({ store: spy.store });
    const { tenant } = await seed(tenancy);
    spy.calls.length = 0;
    expect(await codeOf(tenancy.requireAccess('no-such-tenant', 'u'))).toBe('not_found');
    expect(await codeOf(tenancy.requireAccess(tenant.id, 'newcomer'))).toBe('not_found');
    expect(await codeOf(tenancy.requireAccess(tenant.id, 'newcomer'))).toBe('not_found');
    expect(spy.reads()).toBe(3);
    await tenancy.addMember(tenant.id, 'newcomer', 'viewer');
    expect((await tenancy.requireAccess(tenant.id, 'newcomer')).member.role).toBe('viewer');
  });

  it('changes through the service take effect at once on the same instance', async () => {
    const tenancy = createTenancy({ store: kyselyTenantStore(db) });
    const { tenant, admin, editor } = await seed(tenancy);
    await tenancy.requireAccess(tenant.id, editor, 'editor');
    await tenancy.requireAccess(tenant.id, admin, 'admin');

    await tenancy.changeMemberRole(tenant.id, editor, 'viewer');
    expect(await codeOf(tenancy.requireAccess(tenant.id, editor, 'editor'))).toBe('forbidden');
    await tenancy.changeMemberRole(tenant.id, editor, 'admin');
    expect((await tenancy.requireAccess(tenant.id, editor, 'admin')).member.role).toBe('admin');

    await tenancy.updateTenant(tenant.id, {
      name: 'Renamed',
      settings: { allowedOrigins: ['https://app.example.com'] },
    });
    const renamed = await tenancy.requireAccess(tenant.id, admin);
    expect(renamed.tenant.name).toBe('Renamed');
    expect(renamed.tenant.settings.allowedOrigins).toEqual(['https://app.example.com']);

    await tenancy.suspendTenant(tenant.id);
    expect(await codeOf(tenancy.requireAccess(tenant.id, admin))).toBe('tenant_suspended');
    expect(await codeOf(tenancy.requireAccess(tenant.id, editor))).toBe('tenant_suspended');
    await tenancy.reactivateTenant(tenant.id);
    expect(await codeOf(tenancy.requireAccess(tenant.id, editor))).toBe('ok');

    await tenancy.removeMember(tenant.id, editor);
    expect(await codeOf(tenancy.requireAccess(tenant.id, editor))).toBe('not_found');
    expect(await codeOf(tenancy.requireAccess(tenant.id, admin))).toBe('ok');

    await tenancy.deleteTenant(tenant.id);
    expect(await codeOf(tenancy.requireAccess(tenant.id, admin))).toBe('not_found');
  });

  it('a member who accepts an invitation gets in at once, and the role of an accepted invitation counts', async () => {
    const tenancy = createTenancy({ store: kyselyTenantStore(db) });
    const { tenant, admin } = await seed(tenancy);
    const email = `${slug()}@example.com`;
    const { token } = await tenancy.inviteMember(tenant.id, { email, role: 'editor', invitedBy: admin });
    expect(await codeOf(tenancy.requireAccess(tenant.id, 'invitee'))).toBe('not_found');
    await tenancy.acceptInvitation(token, { id: 'invitee', email, emailVerified: true });
    expect((await tenancy.requireAccess(tenant.id, 'invitee', 'editor')).member.role).toBe('editor');
  });

  it('a change written behind the service (another instance without a bus) shows after ttlMs, not before', async () => {
    let clock = new Date('2026-06-01T00:00:00.000Z');
    const now = () => clock;
    const spy = spied();
    const here = createTenancy({ store: spy.store, now, accessCache: { ttlMs: 3000 } });
    const elsewhere = createTenancy({ store: kyselyTenantStore(db), now, accessCache: { ttlMs: 3000 } });
    const { tenant, editor } = await seed(elsewhere);
    await here.requireAccess(tenant.id, editor, 'editor');
    await elsewhere.changeMemberRole(tenant.id, editor, 'viewer');

    clock = new Date(clock.getTime() + 2999);
    expect(await codeOf(here.requireAccess(tenant.id, editor, 'editor'))).toBe('ok');
    expect(spy.reads()).toBe(1);
    clock = new Date(clock.getTime() + 1);
    expect(await codeOf(here.requireAccess(tenant.id, editor, 'editor'))).toBe('forbidden');
    expect(spy.reads()).toBe(2);
  });

  it('a load that read before a change does not store the old answer', async () => {
    const real = kyselyTenantStore(db);
    let release: () => void = () => {};
    let readDone: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const read = new Promise<void>((r) => {
      readDone = r;
    });
    let held = true;
    const store: TenantStore = {
      ...real,
      async getAccess(tenantId, userId) {
        const found = await real.getAccess!(tenantId, userId);
        if (held) {
          held = false;
          readDone();
          await gate;
        }
        return found;
      },
    };
    const tenancy = createTenancy({ store });
    const { tenant, editor } = await seed(createTenancy({ store: real }));
    const slow = tenancy.requireAccess(tenant.id, editor, 'editor');
    await read;
    await tenancy.changeMemberRole(tenant.id, editor, 'viewer');
    release();
    expect((await slow).member.role).toBe('editor'); // it started before the change
    expect(await codeOf(tenancy.requireAccess(tenant.id, editor, 'editor'))).toBe('forbidden');
  });

  it('uses getTenant + getMember when the store has no getAccess, and still caches', async () => {
    const { getAccess: _omitted, ...withoutJoin } = kyselyTenantStore(db);
    const spy = spied(withoutJoin as TenantStore);
    const tenancy = createTenancy({ store: spy.store });
    const { tenant, editor } = await seed(tenancy);
    spy.calls.length = 0;
    await tenancy.requireAccess(tenant.id, editor);
    await tenancy.requireAccess(tenant.id, editor);
    expect(spy.calls.sort()).toEqual(['getMember', 'getTenant']);
  });

  it('accessCache: false asks the store on every call', async () => {
    const spy = spied();
    const tenancy = createTenancy({ store: spy.store, accessCache: false });
    expect(tenancy.accessCache).toBeNull();
    const { tenant, editor } = await seed(tenancy);
    spy.calls.length = 0;
    await tenancy.requireAccess(tenant.id, editor);
    await tenancy.requireAccess(tenant.id, editor);
    expect(spy.calls).toEqual(['getAccess', 'getAccess']);
  });

  it('keeps at most maxEntries, drops on invalidate()/clear(), and hands out frozen objects', async () => {
    const spy = spied();
    const tenancy = createTenancy({ store: spy.store, accessCache: { maxEntries: 2 } });
    const { tenant, admin, editor } = await seed(tenancy);
    await tenancy.addMember(tenant.id, 'third', 'viewer');
    spy.calls.length = 0;
    await tenancy.requireAccess(tenant.id, admin);
    await tenancy.requireAccess(tenant.id, editor);
    await tenancy.requireAccess(tenant.id, 'third'); // evicts admin
    expect(tenancy.accessCache?.size).toBe(2);
    await tenancy.requireAccess(tenant.id, editor);
    expect(spy.reads()).toBe(3);
    await tenancy.requireAccess(tenant.id, admin);
    expect(spy.reads()).toBe(4);

    tenancy.accessCache?.invalidate(tenant.id, admin);
    await tenancy.requireAccess(tenant.id, admin);
    expect(spy.reads()).toBe(5);
    tenancy.accessCache?.invalidate(tenant.id);
    expect(tenancy.accessCache?.size).toBe(0);
    const { tenant: frozen, member } = await tenancy.requireAccess(tenant.id, admin);
    expect(Object.isFrozen(frozen) && Object.isFrozen(frozen.settings) && Object.isFrozen(member)).toBe(true);
    tenancy.accessCache?.clear();
    expect(tenancy.accessCache?.size).toBe(0);
  });

  it('refuses a bad ttlMs or maxEntries', () => {
    const store = kyselyTenantStore(db);
    const bad: AccessCacheOptions[] = [{ ttlMs: 0 }, { ttlMs: Number.NaN }, { maxEntries: 0 }];
    for (const accessCache of bad) expect(() => createTenancy({ store, accessCache })).toThrow(TypeError);
  });

  describe.skipIf(!needs('redis', 'tenancy access invalidation over Redis'))('two instances with Redis pub/sub', () => {
    const connections: Redis[] = [];
    const buses: Array<ReturnType<typeof redisAccessInvalidation>> = [];
    const instance = async () => {
      const redis = new Redis(redisInfo.url);
      connections.push(redis);
      const bus = redisAccessInvalidation(redis, { channel: `${redisInfo.prefix}access` });
      buses.push(bus);
      await bus.ready;
      const received: AccessInvalidation[] = [];
      const waiters: Array<() => void> = [];
      bus.subscribe((event) => {
        received.push(event);
        for (const w of waiters.splice(0)) w();
      });
      const spy = spied();
      const tenancy = createTenancy({ store: spy.store, accessCache: { ttlMs: 60_000, invalidation: bus } });
      /** Resolves once this instance has received `count` invalidations from the others. */
      const receivedCount = async (count: number) => {
        while (received.length < count) await new Promise<void>((r) => waiters.push(r));
        return received;
      };
      return { tenancy, spy, received, receivedCount };
    };
    afterAll(async () => {
      for (const bus of buses) await bus.close();
      for (const redis of connections) redis.disconnect();
    });

    it('a removal, a demotion and a suspension on one instance end access on the other', async () => {
      const a = await instance();
      const b = await instance();
      const { tenant, admin, editor } = await seed(a.tenancy);
      // seed's addMember announced itself; a load on b racing that message would not be stored.
      await b.receivedCount(1);
      await b.tenancy.requireAccess(tenant.id, editor, 'editor');
      await b.tenancy.requireAccess(tenant.id, admin, 'admin');
      const readsBefore = b.spy.reads();
      await b.tenancy.requireAccess(tenant.id, editor, 'editor');
      expect(b.spy.reads()).toBe(readsBefore); // served from b's cache

      const seen = b.received.length;
      await a.tenancy.changeMemberRole(tenant.id, editor, 'viewer');
      expect(await b.receivedCount(seen + 1)).toContainEqual({ scope: 'member', tenantId: tenant.id, userId: editor });
      expect(await codeOf(b.tenancy.requireAccess(tenant.id, editor, 'editor'))).toBe('forbidden');

      await a.tenancy.removeMember(tenant.id, editor);
      await b.receivedCount(seen + 2);
      expect(await codeOf(b.tenancy.requireAccess(tenant.id, editor))).toBe('not_found');

      await a.tenancy.suspendTenant(tenant.id);
      expect(await b.receivedCount(seen + 3)).toContainEqual({ scope: 'tenant', tenantId: tenant.id });
      expect(await codeOf(b.tenancy.requireAccess(tenant.id, admin))).toBe('tenant_suspended');
      // An instance ignores its own messages (it dropped its entries before publishing).
      expect(a.received.filter((e) => e.scope !== 'all')).toEqual([]);
    });

    it('invalidate() and clear() reach the other instance', async () => {
      const a = await instance();
      const b = await instance();
      const { tenant, admin } = await seed(a.tenancy);
      await b.receivedCount(1);
      await b.tenancy.requireAccess(tenant.id, admin);
      expect(b.tenancy.accessCache?.size).toBe(1);
      const seen = b.received.length;
      a.tenancy.accessCache?.invalidate(tenant.id);
      await b.receivedCount(seen + 1);
      expect(b.tenancy.accessCache?.size).toBe(0);
      await b.tenancy.requireAccess(tenant.id, admin);
      a.tenancy.accessCache?.clear();
      expect(await b.receivedCount(seen + 2)).toContainEqual({ scope: 'all' });
      expect(b.tenancy.accessCache?.size).toBe(0);
    });
  });
});
