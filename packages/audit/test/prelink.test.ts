import { createAuditLog, memoryAuditStore, type PreparedEvent, runWithAuditContext } from '@portalkit/audit';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../src/hashing.js';
import { linkAfter, linkAfterYielding, type Pacer } from '../src/kysely/store.js';

// The pipelined batch is linked in slices with a turn of the event loop between them
// (linkAfterYielding); its result must be exactly what linking in one go gives.
async function preparedEvents(n: number): Promise<PreparedEvent[]> {
  const events: PreparedEvent[] = [];
  const store = memoryAuditStore();
  const audit = createAuditLog({
    store: {
      ...store,
      append: async (batch) => {
        events.push(...batch);
        return store.append(batch);
      },
    },
  });
  await runWithAuditContext({ tenantId: 't1', actor: { type: 'user', id: 'u1' }, ip: '203.0.113.9' }, () =>
    audit.recordMany(
      Array.from({ length: n }, (_, i) => ({
        action: 'file.uploaded',
        resource: { type: 'file', id: `f${i}` },
        after: { name: `report\t${i}.pdf`, size: i },
      })),
    ),
  );
  return events;
}

describe('linkAfterYielding', () => {
  it.each([0, 1, 99, 100, 101, 1000, 2345])('gives the same events and payload as linkAfter (%i events)', async (n) => {
    const events = await preparedEvents(n);
    const head = { seq: 41, hash: GENESIS_HASH.replace(/0/g, 'a') };
    for (const format of ['copy', 'json'] as const) {
      const whole = linkAfter(events, head, format);
      const sliced = await linkAfterYielding(events, head, format);
      expect(sliced.after).toEqual(head);
      expect(sliced.events).toEqual(whole.events);
      expect(sliced.chunks).toEqual(whole.chunks);
      expect(sliced.chunks).toHaveLength(Math.ceil(n / 1000));
      if (n > 0) expect(sliced.events.at(-1)!.seq).toBe(41 + n);
    }
  });

  it('lets other callbacks run while it links', async () => {
    const events = await preparedEvents(1000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const pending = linkAfterYielding(events, { seq: 0, hash: GENESIS_HASH }, 'copy');
    await pending;
    clearInterval(timer);
    // Ten slices of 100 events: the timer ran between them (linking in one go never lets it).
    expect(ticks).toBeGreaterThan(0);
  });

  it('yields across many small chains of one batch too (one pacer for the batch)', async () => {
    const events = await preparedEvents(20);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const pacer: Pacer = { linked: 0 };
    // 60 chains of 20 events: none reaches a slice on its own, the batch does ten times over.
    for (let chain = 0; chain < 60; chain++) {
      const linked = await linkAfterYielding(events, { seq: chain * 100, hash: GENESIS_HASH }, 'copy', pacer);
      expect(linked.events[0]!.seq).toBe(chain * 100 + 1);
    }
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});
