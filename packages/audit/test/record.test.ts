import {
  type AuditEvent,
  computeEventHash,
  createAuditLog,
  GENESIS_HASH,
  memoryAuditStore,
  REDACTED,
  runWithAuditContext,
  updateAuditContext,
} from '@portalkit/audit';
import { describe, expect, it } from 'vitest';

describe('record: context scope', () => {
  it('gives every event the context of its own request when many requests interleave', async () => {
    const store = memoryAuditStore();
    const audit = createAuditLog({ store });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const request = (i: number) =>
      runWithAuditContext(
        { tenantId: `t${i % 3}`, ip: `10.0.0.${i}`, userAgent: `agent-${i}`, requestId: `req-${i}` },
        async () => {
          await sleep(Math.random() * 5);
          // The actor is known only after "authentication", later in the request.
          updateAuditContext({ actor: { type: 'user', id: `u${i}` } });
          await sleep(Math.random() * 5);
          await audit.record({ action: 'file.uploaded', resource: { type: 'file', id: `f${i}` } });
          await sleep(Math.random() * 5);
          await audit.record({ action: 'file.deleted', resource: { type: 'file', id: `f${i}` } });
        },
      );
    await Promise.all(Array.from({ length: 60 }, (_, i) => request(i)));
    const events: AuditEvent[] = [];
    for (const t of ['t0', 't1', 't2']) events.push(...(await audit.query({ tenantId: t, limit: 1000 })).items);
    expect(events).toHaveLength(120);
    for (const e of events) {
      const i = Number(e.resource.id!.slice(1));
      expect(e.tenantId).toBe(`t${i % 3}`);
      expect(e.actor).toEqual({ type: 'user', id: `u${i}` });
      expect(e.ip).toBe(`10.0.0.${i}`);
      expect(e.userAgent).toBe(`agent-${i}`);
      expect(e.requestId).toBe(`req-${i}`);
    }
    for (const t of ['t0', 't1', 't2'])
      expect(await audit.verify({ tenantId: t })).toMatchObject({ valid: true, count: 40 });
  });

  it('refuses to guess outside a scope, but accepts explicit tenant and actor (background jobs)', async () => {
    const audit = createAuditLog({ store: memoryAuditStore() });
    await expect(audit.record({ action: 'file.deleted', resource: { type: 'file', id: 'f' } })).rejects.toMatchObject({
      code: 'no_context',
    });
    expect(() => updateAuditContext({ ip: 'x' })).toThrow(expect.objectContaining({ code: 'no_context' }));
    await audit.record({
      action: 'tenant.deleted',
      resource: { type: 'tenant', id: 't9' },
      tenantId: null,
      actor: { type: 'system', id: null },
    });
    const { items } = await audit.query({ tenantId: null });
    expect(items[0]).toMatchObject({ tenantId: null, actor: { type: 'system', id: null }, ip: null, requestId: null });
  });

  it('records an anonymous caller in a scope as system/null and lets the input override the scope', async () => {
    const audit = createAuditLog({ store: memoryAuditStore() });
    await runWithAuditContext({ tenantId: 't1', ip: '1.2.3.4' }, async () => {
      await audit.record({ action: 'auth.login_failed', resource: { type: 'user', id: null } });
      await audit.record({ action: 'auth.registered', resource: { type: 'user', id: 'u1' }, tenantId: null });
    });
    expect((await audit.query({ tenantId: 't1' })).items[0]?.actor).toEqual({ type: 'system', id: null });
    expect((await audit.query({ tenantId: null })).items[0]?.resource).toEqual({ type: 'user', id: 'u1' });
  });
});

describe('record: content', () => {
  const ctx = { tenantId: 't1', actor: { type: 'user' as const, id: 'admin1' }, ip: '203.0.113.5', requestId: 'r1' };

  it('redacts secrets at any depth before storing and hashing, also inside changes', async () => {
    const store = memoryAuditStore();
    const audit = createAuditLog({ store });
    await runWithAuditContext(ctx, () =>
      audit.record({
        action: 'auth.password_changed',
        resource: { type: 'session', id: 's1' },
        before: { passwordHash: 'old-hash', meta: { apiToken: 'tok1' } },
        after: { passwordHash: 'new-hash', meta: { apiToken: 'tok2' } },
      }),
    );
    const [event] = store.rows('t1');
    const text = JSON.stringify(event);
    for (const secret of ['old-hash', 'new-hash', 'tok1', 'tok2']) expect(text).not.toContain(secret);
    expect(event?.before).toEqual({ passwordHash: REDACTED, meta: { apiToken: REDACTED } });
    // The change is still visible, its values are not.
    expect(event?.changes).toEqual([
      { path: ['meta', 'apiToken'], before: REDACTED, after: REDACTED },
      { path: ['passwordHash'], before: REDACTED, after: REDACTED },
    ]);
  });

  it('computes changes, chains hashes and validates input', async () => {
    const store = memoryAuditStore();
    const audit = createAuditLog({ store });
    await runWithAuditContext(ctx, async () => {
      await audit.record({
        action: 'member.role_changed',
        resource: { type: 'member', id: 'm1' },
        before: { role: 'member' },
        after: { role: 'admin', at: new Date(0) },
      });
      await audit.record({
        action: 'member.removed',
        resource: { type: 'member', id: 'm1' },
        before: { role: 'admin' },
      });
      await expect(audit.record({ action: 'Not An Action', resource: { type: 'x' } })).rejects.toMatchObject({
        code: 'invalid_event',
      });
      await expect(audit.record({ action: 'a.b', resource: { type: '' } })).rejects.toMatchObject({
        code: 'invalid_event',
      });
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(audit.record({ action: 'a.b', resource: { type: 'x' }, after: circular })).rejects.toMatchObject({
        code: 'invalid_event',
      });
    });
    const [first, second] = store.rows('t1');
    expect(store.rows('t1')).toHaveLength(2);
    expect(first?.changes).toEqual([
      { path: ['at'], after: '1970-01-01T00:00:00.000Z' },
      { path: ['role'], before: 'member', after: 'admin' },
    ]);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash });
    expect(computeEventHash(second!)).toBe(second?.hash);
    expect(first!.id < second!.id).toBe(true);
  });

  it('audits bulk changes as one event per resource in one write', async () => {
    const store = memoryAuditStore();
    const audit = createAuditLog({ store });
    const ids = await runWithAuditContext(ctx, () =>
      audit.recordMany(['f1', 'f2', 'f3'].map((id) => ({ action: 'file.deleted', resource: { type: 'file', id } }))),
    );
    expect(ids).toHaveLength(3);
    expect(store.rows('t1').map((e) => [e.seq, e.resource.id])).toEqual([
      [1, 'f1'],
      [2, 'f2'],
      [3, 'f3'],
    ]);
  });
});

describe('periodic checkpoints', () => {
  it('signs a checkpoint for every moved chain on the interval until close()', async () => {
    const { generateCheckpointKeys } = await import('@portalkit/audit');
    const store = memoryAuditStore();
    const audit = createAuditLog({
      store,
      checkpoints: { privateKey: generateCheckpointKeys().privateKey, intervalMs: 20 },
    });
    await audit.record({
      action: 'tenant.created',
      resource: { type: 'tenant', id: 't1' },
      tenantId: 't1',
      actor: { type: 'system', id: null },
    });
    for (let i = 0; i < 300 && (await store.checkpoints('t1')).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await store.checkpoints('t1')).toEqual([expect.objectContaining({ seq: 1, kind: 'periodic' })]);
    await audit.close();
    expect(await audit.verify({ tenantId: 't1' })).toMatchObject({ valid: true, checkpoints: 1 });
  });
});

describe('personal values at any depth', () => {
  it('commits and erases personal values inside arrays and nested objects, and verify still holds', async () => {
    const store = memoryAuditStore();
    const audit = createAuditLog({ store });
    await runWithAuditContext({ tenantId: 't1', actor: { type: 'user', id: 'owner' } }, () =>
      audit.record({
        action: 'tenant.updated',
        resource: { type: 'tenant', id: 't1' },
        subjectIds: ['contact-1'],
        before: { contacts: [{ email: 'old@example.com', role: 'billing' }] },
        after: { contacts: [{ email: 'new@example.com', role: 'billing' }], profile: { phone: '+1 555' } },
      }),
    );
    const [event] = store.rows('t1');
    expect(event?.personal.map((p) => p.path.join('.'))).toEqual(
      expect.arrayContaining([
        'before.contacts.0.email',
        'after.contacts.0.email',
        'after.profile.phone',
        'changes.0.after.0.email',
      ]),
    );
    await audit.eraseSubject('contact-1');
    const text = JSON.stringify(store.rows('t1'));
    for (const s of ['old@example.com', 'new@example.com', '+1 555']) expect(text).not.toContain(s);
    expect(text).toContain('billing');
    expect(store.rows('t1')[0]?.actor.id).toBe('owner');
    expect(await audit.verify({ tenantId: 't1' })).toMatchObject({ valid: true, count: 1 });
  });
});

describe('purgeAll', () => {
  it('applies the retention window to every chain and leaves each verifiable', async () => {
    const { generateCheckpointKeys } = await import('@portalkit/audit');
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const audit = createAuditLog({
      store: memoryAuditStore(),
      now: () => new Date(clock),
      checkpoints: { privateKey: generateCheckpointKeys().privateKey },
    });
    const system = { type: 'system' as const, id: null };
    for (const tenantId of ['a', 'b', null]) {
      await audit.record({ action: 'tenant.updated', resource: { type: 'tenant', id: 'x' }, tenantId, actor: system });
    }
    clock += 40 * 86_400_000;
    await audit.record({
      action: 'tenant.updated',
      resource: { type: 'tenant', id: 'x' },
      tenantId: 'a',
      actor: system,
    });
    const purged = await audit.purgeAll({ olderThanDays: 30 });
    expect(purged.map((p) => [p.tenantId, p.deleted]).sort()).toEqual(
      [
        ['a', 1],
        ['b', 1],
        [null, 1],
      ].sort(),
    );
    for (const tenantId of ['a', 'b', null]) expect((await audit.verify({ tenantId })).valid).toBe(true);
    expect((await audit.query({ tenantId: 'a' })).items).toHaveLength(1);
  });
});
