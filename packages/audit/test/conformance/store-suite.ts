import { randomUUID } from 'node:crypto';
import {
  type AuditEvent,
  type AuditStore,
  type ChainSummary,
  computeEventHash,
  createAuditLog,
  GENESIS_HASH,
  generateCheckpointKeys,
  runWithAuditContext,
} from '@portalkit/audit';
import { describe, expect, it } from 'vitest';

/** Raw access to an adapter's rows, bypassing the library (what an attacker with database access can do). */
export interface Tamper {
  /** Overwrites every column of the stored event with this id. */
  replaceEvent(event: AuditEvent): Promise<void>;
  /** Inserts a row as is. */
  insertEvent(event: AuditEvent): Promise<void>;
  /** Deletes the row with this id. */
  deleteEvent(id: string): Promise<void>;
  /** Deletes every checkpoint of a chain. */
  deleteCheckpoints(tenantId: string | null): Promise<void>;
}

export interface StoreUnderTest {
  store: AuditStore<unknown>;
  tamper: Tamper;
}

const keys = generateCheckpointKeys();

/** The behaviour every AuditStore adapter must have, written once. */
export function runAuditStoreSuite(name: string, factory: () => Promise<StoreUnderTest> | StoreUnderTest): void {
  describe(`AuditStore conformance: ${name}`, () => {
    const tenant = () => `t_${randomUUID().slice(0, 8)}`;
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const now = () => new Date(clock);
    const setup = async () => {
      const sut = await factory();
      const audit = createAuditLog({ store: sut.store, checkpoints: { privateKey: keys.privateKey }, now });
      return { ...sut, audit };
    };
    const fill = async (
      audit: Awaited<ReturnType<typeof setup>>['audit'],
      tenantId: string | null,
      n: number,
      actor = 'u1',
    ) => {
      for (let i = 1; i <= n; i++) {
        clock += 60_000;
        await runWithAuditContext(
          {
            tenantId,
            actor: { type: 'user', id: i % 2 === 0 ? 'u2' : actor },
            ip: `10.0.0.${i}`,
            userAgent: 'ua',
            requestId: `r${i}`,
          },
          () =>
            audit.record({
              action: i % 3 === 0 ? 'file.deleted' : 'file.uploaded',
              resource: { type: 'file', id: `f${i % 4}` },
              after: { name: `file-${i}.pdf`, size: i },
            }),
        );
      }
      return (await sut(audit, tenantId)).reverse();
    };
    const sut = async (audit: Awaited<ReturnType<typeof setup>>['audit'], tenantId: string | null) =>
      (await audit.query({ tenantId, limit: 1000 })).items;

    it('chains events per tenant from the genesis hash; platform events form their own chain', async () => {
      const { audit, store } = await setup();
      const a = tenant();
      const b = tenant();
      const ea = await fill(audit, a, 3);
      const eb = await fill(audit, b, 2);
      await audit.record({
        action: 'tenant.created',
        resource: { type: 'tenant', id: a },
        tenantId: null,
        actor: { type: 'system', id: null },
      });
      expect(ea.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(eb.map((e) => e.seq)).toEqual([1, 2]);
      expect(ea[0]?.prevHash).toBe(GENESIS_HASH);
      expect(ea[1]?.prevHash).toBe(ea[0]?.hash);
      expect(eb[0]?.prevHash).toBe(GENESIS_HASH);
      for (const e of [...ea, ...eb]) expect(computeEventHash(e)).toBe(e.hash);
      expect(await store.head(a)).toEqual({ tenantId: a, seq: 3, hash: ea[2]?.hash });
      const platform = await store.head(null);
      expect(platform?.tenantId).toBeNull();
      expect(await audit.verify({ tenantId: a })).toEqual({
        valid: true,
        count: 3,
        headHash: ea[2]?.hash,
        checkpoints: 0,
      });
      expect(await audit.verify({ tenantId: b })).toMatchObject({ valid: true, count: 2 });
      expect((await audit.verify({ tenantId: null })).valid).toBe(true);
    });

    it('stores a retried event (same id) once', async () => {
      const { audit, store } = await setup();
      const t = tenant();
      await fill(audit, t, 2);
      const [first] = await store.readChain(t, { limit: 1 });
      const prepared = { ...first! } as Partial<AuditEvent>;
      delete prepared.seq;
      delete prepared.hash;
      delete prepared.prevHash;
      const again = await store.append([prepared as AuditEvent, prepared as AuditEvent]);
      expect(again).toEqual([]);
      expect((await store.head(t))?.seq).toBe(2);
      expect((await audit.verify({ tenantId: t })).valid).toBe(true);
    });

    it('queries newest first with filters and cursor pagination', async () => {
      const { audit } = await setup();
      const t = tenant();
      const all = await fill(audit, t, 12, 'u1');
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof audit.query>> = await audit.query({ tenantId: t, limit: 5, cursor });
        pages.push(page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
      expect(pages.flat()).toEqual(all.map((e) => e.id).reverse());
      const ids = (q: Parameters<typeof audit.query>[0]) => audit.query(q).then((p) => p.items.map((e) => e.seq));
      expect(await ids({ tenantId: t, actorId: 'u2' })).toEqual([12, 10, 8, 6, 4, 2]);
      expect(await ids({ tenantId: t, action: 'file.deleted' })).toEqual([12, 9, 6, 3]);
      expect(await ids({ tenantId: t, resourceType: 'file', resourceId: 'f1' })).toEqual([9, 5, 1]);
      expect(await ids({ tenantId: t, from: new Date(all[3]!.occurredAt), to: new Date(all[5]!.occurredAt) })).toEqual([
        6, 5, 4,
      ]);
      expect(await ids({ tenantId: t, actorId: 'u2', action: 'file.deleted', limit: 1 })).toEqual([12]);
      expect(await ids({ tenantId: tenant() })).toEqual([]);
      await expect(audit.query({ tenantId: t, cursor: 'garbage' })).rejects.toMatchObject({ code: 'invalid_cursor' });
      await expect(audit.query({ tenantId: t, limit: 0 })).rejects.toMatchObject({ code: 'invalid_query' });
    });

    it('verify detects a changed event', async () => {
      const { audit, tamper } = await setup();
      const t = tenant();
      const events = await fill(audit, t, 5);
      await tamper.replaceEvent({ ...events[2]!, action: 'file.viewed' });
      expect(await audit.verify({ tenantId: t })).toMatchObject({
        valid: false,
        reason: 'hash_mismatch',
        eventId: events[2]!.id,
        seq: 3,
        count: 2,
      });
    });

    it('verify detects an edited personal value (committed through its salted hash)', async () => {
      const { audit, tamper } = await setup();
      const t = tenant();
      const events = await fill(audit, t, 3);
      await tamper.replaceEvent({ ...events[1]!, ip: '6.6.6.6' });
      expect(await audit.verify({ tenantId: t })).toMatchObject({
        valid: false,
        reason: 'personal_mismatch',
        eventId: events[1]!.id,
      });
    });

    it('verify detects personal values rewritten and passed off as erased (salts destroyed)', async () => {
      const { audit, tamper } = await setup();
      const t = tenant();
      const events = await fill(audit, t, 3);
      const e = events[1]!;
      expect(e.personal.length).toBeGreaterThan(0);
      const unsalted = e.personal.map((p) => ({ ...p, salt: null }));
      // Framing someone else under an "erased" entry fails...
      await tamper.replaceEvent({ ...e, actor: { ...e.actor, id: 'mallory' }, ip: '6.6.6.6', personal: unsalted });
      expect(await audit.verify({ tenantId: t })).toMatchObject({
        valid: false,
        reason: 'personal_mismatch',
        eventId: e.id,
      });
      // ... and so does a marker in the place of an id, or a pseudonym that is not the entry's subject.
      await tamper.replaceEvent({ ...e, actor: { ...e.actor, id: '[ERASED]' }, personal: unsalted });
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: false, reason: 'personal_mismatch' });
      await tamper.replaceEvent({ ...e, actor: { ...e.actor, id: 'erased:AAAAAAAAAAAAAAAA' }, personal: unsalted });
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: false, reason: 'personal_mismatch' });
      // The event as it was still verifies.
      await tamper.replaceEvent(e);
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true });
    });

    it('verify detects a deleted event, in the middle, at the start and at the end', async () => {
      const { audit, tamper } = await setup();
      const [t1, t2, t3] = [tenant(), tenant(), tenant()];
      const e1 = await fill(audit, t1, 5);
      await tamper.deleteEvent(e1[2]!.id);
      expect(await audit.verify({ tenantId: t1 })).toMatchObject({
        valid: false,
        reason: 'seq_gap',
        eventId: e1[3]!.id,
      });
      const e2 = await fill(audit, t2, 3);
      await tamper.deleteEvent(e2[0]!.id);
      expect(await audit.verify({ tenantId: t2 })).toMatchObject({
        valid: false,
        reason: 'missing_anchor',
        eventId: e2[1]!.id,
      });
      const e3 = await fill(audit, t3, 3);
      await tamper.deleteEvent(e3[2]!.id);
      expect(await audit.verify({ tenantId: t3 })).toMatchObject({ valid: false, reason: 'head_mismatch' });
    });

    it('verify detects an inserted event, even one with a correctly computed hash', async () => {
      const { audit, tamper } = await setup();
      const [t1, t2] = [tenant(), tenant()];
      const e1 = await fill(audit, t1, 3);
      const forgedTail = { ...e1[2]!, id: randomUUID(), seq: 4, prevHash: e1[2]!.hash, action: 'tenant.deleted' };
      forgedTail.hash = computeEventHash(forgedTail);
      await tamper.insertEvent(forgedTail);
      expect(await audit.verify({ tenantId: t1 })).toMatchObject({ valid: false, reason: 'head_mismatch' });

      const e2 = await fill(audit, t2, 4);
      // Make room at seq 3 by shifting the later events, then slip a forged event in.
      for (const e of [e2[3]!, e2[2]!]) await tamper.replaceEvent({ ...e, seq: e.seq + 1 });
      const forged = { ...e2[1]!, id: randomUUID(), seq: 3, prevHash: e2[1]!.hash, action: 'member.joined' };
      forged.hash = computeEventHash(forged);
      await tamper.insertEvent(forged);
      expect(await audit.verify({ tenantId: t2 })).toMatchObject({
        valid: false,
        reason: 'prev_hash_mismatch',
        eventId: e2[2]!.id,
        seq: 4,
      });
    });

    it('verify detects reordered events', async () => {
      const { audit, tamper } = await setup();
      const t = tenant();
      const e = await fill(audit, t, 4);
      await tamper.replaceEvent({ ...e[1]!, seq: 1000 });
      await tamper.replaceEvent({ ...e[2]!, seq: 2 });
      await tamper.replaceEvent({ ...e[1]!, seq: 3 });
      expect(await audit.verify({ tenantId: t })).toMatchObject({
        valid: false,
        reason: 'prev_hash_mismatch',
        eventId: e[2]!.id,
        seq: 2,
      });
    });

    it('verifies a time window linked to its predecessor', async () => {
      const { audit, tamper } = await setup();
      const t = tenant();
      const e = await fill(audit, t, 6);
      const window = { tenantId: t, from: new Date(e[2]!.occurredAt), to: new Date(e[4]!.occurredAt) };
      expect(await audit.verify(window)).toEqual({ valid: true, count: 3, headHash: e[4]!.hash, checkpoints: 0 });
      await tamper.replaceEvent({ ...e[5]!, action: 'x.y' }); // outside the window
      expect((await audit.verify(window)).valid).toBe(true);
      await tamper.replaceEvent({ ...e[3]!, action: 'x.y' });
      expect(await audit.verify(window)).toMatchObject({ valid: false, reason: 'hash_mismatch', eventId: e[3]!.id });
    });

    it('signs checkpoints with Ed25519 and verify checks them', async () => {
      const { audit, store, tamper } = await setup();
      const t = tenant();
      const e = await fill(audit, t, 3);
      const cp = await audit.checkpoint(t);
      expect(cp).toMatchObject({ tenantId: t, seq: 3, headHash: e[2]!.hash, keyId: 'default', kind: 'periodic' });
      expect(await audit.checkpointAll()).not.toContainEqual(expect.objectContaining({ tenantId: t }));
      await fill(audit, t, 2);
      expect(await audit.checkpointAll()).toContainEqual(expect.objectContaining({ tenantId: t, seq: 5 }));
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true, count: 5, checkpoints: 2 });

      // Rewriting history after a checkpoint, even recomputing every hash and the head, is caught.
      const all = await store.readChain(t, { limit: 100 });
      let prev = all[1]!.hash;
      for (const ev of all.slice(2)) {
        const forged = { ...ev, prevHash: prev, action: ev.seq === 3 ? 'file.viewed' : ev.action };
        forged.hash = computeEventHash(forged);
        prev = forged.hash;
        await tamper.replaceEvent(forged);
      }
      expect(await audit.verify({ tenantId: t })).toMatchObject({
        valid: false,
        reason: 'checkpoint_mismatch',
        seq: 3,
      });

      // A verifier without the signing key's public half refuses to trust checkpoints.
      const other = createAuditLog({
        store,
        checkpoints: { publicKeys: { other: generateCheckpointKeys().publicKey } },
      });
      expect(await other.verify({ tenantId: t })).toMatchObject({ valid: false, reason: 'checkpoint_unknown_key' });
      const noKey = createAuditLog({ store });
      await expect(noKey.checkpoint(t)).rejects.toMatchObject({ code: 'no_signing_key' });
    });

    it('rejects a forged checkpoint signature', async () => {
      const { audit, store } = await setup();
      const t = tenant();
      await fill(audit, t, 2);
      const cp = await audit.checkpoint(t);
      await store.saveCheckpoint({ ...cp!, seq: 1, signature: cp!.signature });
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: false, reason: 'checkpoint_signature' });
    });

    it('purges old events behind a signed retention checkpoint and verify still holds', async () => {
      const { audit, store, tamper } = await setup();
      const t = tenant();
      const e = await fill(audit, t, 6);
      const other = tenant();
      await fill(audit, other, 2);
      const result = await audit.purge({ tenantId: t, before: new Date(e[3]!.occurredAt) });
      expect(result.deleted).toBe(3);
      expect(result.checkpoint).toMatchObject({ seq: 3, headHash: e[2]!.hash, kind: 'retention' });
      expect((await audit.query({ tenantId: t })).items.map((x) => x.seq)).toEqual([6, 5, 4]);
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true, count: 3, headHash: e[5]!.hash });
      expect((await audit.query({ tenantId: other })).items).toHaveLength(2);
      expect(await audit.purge({ tenantId: t, before: new Date(e[0]!.occurredAt) })).toEqual({
        deleted: 0,
        checkpoint: null,
      });

      // Everything older than the window: the chain is empty but still vouched for.
      clock += 100 * 86_400_000;
      expect((await audit.purge({ tenantId: t, olderThanDays: 30 })).deleted).toBe(3);
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true, count: 0, headHash: e[5]!.hash });
      // New events continue the chain after the purge.
      await fill(audit, t, 1);
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true, count: 1 });

      // Without the anchor, the gap at the start can no longer be explained.
      await tamper.deleteCheckpoints(t);
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: false, reason: 'missing_anchor' });
      await expect(audit.purge({ tenantId: t, olderThanDays: -1 })).rejects.toMatchObject({ code: 'invalid_query' });
      expect(await store.head(t)).toMatchObject({ seq: 7 });
    });

    it('refuses to purge a tampered range', async () => {
      const { audit, tamper } = await setup();
      const t = tenant();
      const e = await fill(audit, t, 4);
      await tamper.replaceEvent({ ...e[0]!, action: 'x.y' });
      await expect(audit.purge({ tenantId: t, before: new Date(e[3]!.occurredAt) })).rejects.toMatchObject({
        code: 'chain_broken',
      });
      expect((await audit.query({ tenantId: t })).items).toHaveLength(4);
    });

    const listChains = async (
      audit: Awaited<ReturnType<typeof setup>>['audit'],
      options?: { idleBefore?: Date },
    ): Promise<ChainSummary[]> => {
      const out: ChainSummary[] = [];
      for await (const chain of audit.chains(options)) out.push(chain);
      return out;
    };
    const platformEvent = (audit: Awaited<ReturnType<typeof setup>>['audit']) =>
      audit.record({
        action: 'tenant.created',
        resource: { type: 'tenant', id: null },
        tenantId: null,
        actor: { type: 'system', id: null },
      });

    it('lists chains (platform first) with head and newest event time, by idleness, in pages', async () => {
      const { audit, store } = await setup();
      const [a, b] = [tenant(), tenant()];
      const ea = await fill(audit, a, 3);
      const eb = await fill(audit, b, 2);
      await platformEvent(audit);
      const all = await listChains(audit);
      expect(all[0]?.tenantId).toBeNull();
      expect(all.find((c) => c.tenantId === a)).toEqual({
        tenantId: a,
        seq: 3,
        hash: ea[2]!.hash,
        lastEventAt: ea[2]!.occurredAt,
      });
      expect(all.find((c) => c.tenantId === b)).toMatchObject({ seq: 2, lastEventAt: eb[1]!.occurredAt });
      expect(new Set(all.map((c) => c.tenantId)).size).toBe(all.length);

      // Idle: the newest event occurred strictly before the time.
      const ours = (list: ChainSummary[]) => list.map((c) => c.tenantId).filter((t) => t === a || t === b);
      expect(ours(await listChains(audit, { idleBefore: new Date(ea[2]!.occurredAt) }))).toEqual([]);
      expect(ours(await listChains(audit, { idleBefore: new Date(Date.parse(ea[2]!.occurredAt) + 1) }))).toEqual([a]);
      expect(ours(await listChains(audit, { idleBefore: new Date(Date.parse(eb[1]!.occurredAt) + 1) })).sort()).toEqual(
        [a, b].sort(),
      );
      await expect(listChains(audit, { idleBefore: new Date(Number.NaN) })).rejects.toMatchObject({
        code: 'invalid_query',
      });

      // Store pages of 2, each after the last chain of the previous one, give the same list.
      const paged: ChainSummary[] = [];
      let after: string | null | undefined;
      for (;;) {
        const page = await store.chains({ limit: 2, ...(after === undefined ? {} : { after }) });
        paged.push(...page);
        if (page.length < 2) break;
        after = page[page.length - 1]!.tenantId;
      }
      expect(paged).toEqual(all);

      // A chain whose events retention purged is still listed, idle, without a newest event.
      clock += 100 * 86_400_000;
      expect((await audit.purge({ tenantId: a, olderThanDays: 1 })).deleted).toBe(3);
      expect((await listChains(audit, { idleBefore: new Date(0) })).find((c) => c.tenantId === a)).toEqual({
        tenantId: a,
        seq: 3,
        hash: ea[2]!.hash,
        lastEventAt: null,
      });
    });

    it('purges a whole chain (events, checkpoints, head): verify then holds for an empty chain', async () => {
      const { audit, store } = await setup();
      const [t, other] = [tenant(), tenant()];
      const person = `user_${randomUUID().slice(0, 8)}`;
      const e = await fill(audit, t, 5, person);
      await audit.checkpoint(t);
      expect((await audit.purge({ tenantId: t, before: new Date(e[2]!.occurredAt) })).deleted).toBe(2);
      const eo = await fill(audit, other, 2);
      await platformEvent(audit);
      const platformHead = await store.head(null);
      const mine = async () => {
        const out = [];
        for await (const ev of audit.exportSubject(person)) out.push(ev);
        return out;
      };
      expect(await mine()).toHaveLength(2);

      expect(await audit.purgeChain(t)).toEqual({ tenantId: t, deleted: 3, seq: 5, headHash: e[4]!.hash });
      expect(await store.head(t)).toBeNull();
      expect(await store.checkpoints(t)).toEqual([]);
      expect(await store.readChain(t, { limit: 10 })).toEqual([]);
      expect((await audit.query({ tenantId: t })).items).toEqual([]);
      expect(await mine()).toEqual([]);
      expect((await listChains(audit)).map((c) => c.tenantId)).not.toContain(t);
      expect(await audit.verify({ tenantId: t })).toEqual({
        valid: true,
        count: 0,
        headHash: GENESIS_HASH,
        checkpoints: 0,
      });
      // The other chains are untouched.
      expect(await audit.verify({ tenantId: other })).toMatchObject({ valid: true, count: 2, headHash: eo[1]!.hash });
      expect(await store.head(null)).toEqual(platformHead);
      expect((await audit.verify({ tenantId: null })).valid).toBe(true);

      // Nothing left to purge; a later event starts a new chain.
      expect(await audit.purgeChain(t)).toEqual({ tenantId: t, deleted: 0, seq: 0, headHash: GENESIS_HASH });
      const [first] = await fill(audit, t, 1);
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true, count: 1 });
    });

    it('purges no chain that is tampered with (unless told not to verify) or whose head moved', async () => {
      const { audit, store, tamper } = await setup();
      const t = tenant();
      const e = await fill(audit, t, 3);
      expect(await store.deleteChain(t, 2)).toBeNull();
      expect(await store.deleteChain(tenant(), 1)).toBeNull();
      expect(await store.head(t)).toMatchObject({ seq: 3 });

      // A writer appended after purgeChain read the head (seq 2): nothing is deleted.
      let reads = 0;
      const stale = {
        ...store,
        head: async (id: string | null) => (reads++ === 0 ? { tenantId: t, seq: 2, hash: e[1]!.hash } : store.head(id)),
      };
      const staleLog = createAuditLog({ store: stale, checkpoints: { privateKey: keys.privateKey }, now });
      await expect(staleLog.purgeChain(t)).rejects.toMatchObject({ code: 'conflict' });
      reads = 0;
      await expect(staleLog.purgeChain(t, { verify: false })).rejects.toMatchObject({ code: 'conflict' });
      expect((await audit.query({ tenantId: t })).items).toHaveLength(3);

      await tamper.replaceEvent({ ...e[1]!, action: 'x.y' });
      await expect(audit.purgeChain(t)).rejects.toMatchObject({ code: 'chain_broken' });
      expect((await audit.query({ tenantId: t })).items).toHaveLength(3);
      expect(await audit.purgeChain(t, { verify: false })).toEqual({
        tenantId: t,
        deleted: 3,
        seq: 3,
        headHash: e[2]!.hash,
      });
      expect(await store.head(t)).toBeNull();
    });

    it('exports every event by or about a person and erases them without breaking verify', async () => {
      const { audit } = await setup();
      const [t1, t2] = [tenant(), tenant()];
      const victim = `user_${randomUUID().slice(0, 8)}`;
      await runWithAuditContext(
        { tenantId: t1, actor: { type: 'user', id: victim }, ip: '198.51.100.7', userAgent: 'Firefox' },
        () =>
          audit.record({ action: 'file.uploaded', resource: { type: 'file', id: 'f1' }, after: { name: 'cv.pdf' } }),
      );
      await runWithAuditContext({ tenantId: t2, actor: { type: 'user', id: 'admin' }, ip: '192.0.2.1' }, async () => {
        await audit.record({
          action: 'member.joined',
          resource: { type: 'user', id: victim },
          after: { email: 'victim@example.com', displayName: 'Vic Tim', role: 'member' },
        });
        await audit.record({
          action: 'tenant.updated',
          resource: { type: 'tenant', id: t2 },
          before: { plan: 'free' },
          after: { plan: 'pro' },
        });
      });
      const mine = [];
      for await (const ev of audit.exportSubject(victim)) mine.push(ev);
      expect(mine.map((ev) => ev.action).sort()).toEqual(['file.uploaded', 'member.joined']);

      const { pseudonym, events } = await audit.eraseSubject(victim);
      expect(events).toBe(2);
      for (const t of [t1, t2]) expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true });
      const text = JSON.stringify([...(await sut(audit, t1)), ...(await sut(audit, t2))]);
      for (const secret of [victim, 'victim@example.com', 'Vic Tim', '198.51.100.7', 'Firefox'])
        expect(text).not.toContain(secret);
      const [byVictim] = await sut(audit, t1);
      expect(byVictim).toMatchObject({ actor: { type: 'user', id: pseudonym }, ip: '[ERASED]', userAgent: '[ERASED]' });
      const [, joined] = await sut(audit, t2);
      expect(joined).toMatchObject({ resource: { id: pseudonym }, actor: { id: 'admin' }, ip: '192.0.2.1' });
      expect((joined!.after as Record<string, unknown>).role).toBe('member');
      expect(joined?.personal.filter((p) => p.subject === pseudonym).every((p) => p.salt === null)).toBe(true);
      const left = [];
      for await (const ev of audit.exportSubject(victim)) left.push(ev);
      expect(left).toEqual([]);
      // The admin's data is untouched and still exportable.
      const admin = [];
      for await (const ev of audit.exportSubject('admin')) admin.push(ev);
      expect(admin.length).toBeGreaterThanOrEqual(2);
    });
  });
}
