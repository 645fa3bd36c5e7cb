import { join } from 'node:path';
import { exportSigningKey, generateSigningKey } from '@portalkit/auth';
import { createClient, isApiError, type PortalkitClient } from '@portalkit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, SERVERS, startServer } from './harness.js';
import { tokenFromMail } from './mail.js';
import { useModes } from './modes.js';

// API.md: "a removed member's or demoted member's power ends at once (membership is checked on each
// request, cached at most a few seconds)". Each instance caches access answers for 2 s; with Redis,
// a change made through one instance must end the member's power on the others at once, not when
// their cache entry expires. Two instances of each server on one PostgreSQL + Redis + S3, sharing
// the signing keys and the public URL (as behind a load balancer): the admin acts through one, the
// member calls the other, whose cache was filled just before the change.
const modes = useModes();
const PASSWORD = 'violet-otter-harbour-93';
/** The instances' access-cache time to live (tenancy's default): what "at once" must beat. */
const CACHE_TTL_MS = 2000;

async function status(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    if (isApiError(err) && err.status) return err.status;
    throw err;
  }
}

describe.skipIf(!modes.available('services')).each(SERVERS)(
  '%s: access changes reach every instance at once',
  (name) => {
    let one: RunningServer;
    let two: RunningServer;
    let admin: PortalkitClient;
    let member: PortalkitClient;
    let tenantId = '';
    let memberId = '';
    const email = (who: string) => `${who}.instances.${name}@example.com`;

    async function signUp(who: string): Promise<PortalkitClient> {
      const c = createClient({ baseUrl: one.url, retry: false });
      await c.auth.register({ email: email(who), password: PASSWORD, name: who });
      await c.auth.verifyEmail({ token: await tokenFromMail(join(one.dataDir, 'mail'), email(who), /verify/i) });
      await c.auth.login({ email: email(who), password: PASSWORD });
      return c;
    }

    beforeAll(async () => {
      const keys = JSON.stringify([await exportSigningKey(await generateSigningKey())]);
      const services = modes.env('services');
      const env = {
        ...services,
        REDIS_PREFIX: `${services.REDIS_PREFIX}instances-${name}:`,
        JWT_PRIVATE_KEYS: keys,
        PUBLIC_URL: 'http://127.0.0.1:8080',
      };
      [one, two] = await Promise.all([startServer(name, env), startServer(name, env)]);
      [admin, member] = await Promise.all([signUp('admin'), signUp('member')]);
      tenantId = (await admin.tenants.create({ name: 'Instances', slug: `instances-${name}` })).tenant.id;
      await admin.auth.refresh({ tenantId });
      await admin.invitations.create(tenantId, { email: email('member'), role: 'admin' });
      await member.invitations.accept({
        token: await tokenFromMail(join(one.dataDir, 'mail'), email('member'), /invited/i),
      });
      await member.auth.refresh({ tenantId });
      memberId = (await member.auth.me()).user.id;
      // From here on the member calls the second instance (same tokens: shared keys and issuer).
      const tokens = await member.tokens.get();
      member = createClient({ baseUrl: two.url, retry: false });
      await member.tokens.set(tokens);
    });
    afterAll(async () => {
      await Promise.all([one?.stop(), two?.stop()]);
    });

    /**
     * Fills the second instance's cache with the member's access (`warm`), makes the change through
     * the first (`change`), and answers the second instance's first answer to `probe` after it, when
     * that came within the cache's lifetime (so only an invalidation explains a changed answer).
     * A run the machine made too slow for that is undone and repeated.
     */
    async function afterChange(
      warm: () => Promise<unknown>,
      change: () => Promise<unknown>,
      probe: () => Promise<unknown>,
      undo: () => Promise<unknown>,
    ): Promise<number> {
      for (let attempt = 0; attempt < 5; attempt++) {
        expect(await status(warm())).toBe(200);
        const warmedAt = Date.now();
        await change();
        const answer = await status(probe());
        if (Date.now() - warmedAt < CACHE_TTL_MS * 0.75) return answer;
        await undo();
      }
      throw new Error('the machine is too slow to tell an invalidation from a cache expiry');
    }

    it.skipIf(!modes.available('services'))('a demotion ends admin power on the other instance at once', async () => {
      const answer = await afterChange(
        () => member.invitations.list(tenantId),
        () => admin.members.update(tenantId, memberId, { role: 'viewer' }),
        () => member.invitations.list(tenantId),
        () => admin.members.update(tenantId, memberId, { role: 'admin' }),
      );
      expect(answer).toBe(403);
      // Still a viewer there: reads work.
      expect((await member.tenants.get(tenantId)).tenant.id).toBe(tenantId);
    });

    it.skipIf(!modes.available('services'))(
      'a removal ends all access on the other instance at once (404)',
      async () => {
        const answer = await afterChange(
          () => member.tenants.get(tenantId),
          () => admin.members.remove(tenantId, memberId),
          () => member.tenants.get(tenantId),
          async () => {
            await admin.invitations.create(tenantId, { email: email('member'), role: 'viewer' });
            const token = await tokenFromMail(join(one.dataDir, 'mail'), email('member'), /invited/i);
            await member.invitations.accept({ token });
          },
        );
        expect(answer).toBe(404);
        expect(await status(member.members.list(tenantId))).toBe(404);
      },
    );
  },
);
