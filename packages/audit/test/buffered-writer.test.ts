import {
  type AuditStore,
  createAuditLog,
  memoryAuditStore,
  type PreparedEvent,
  runWithAuditContext,
} from '@portalkit/audit';
import { describe, expect, it } from 'vitest';

const ctx = { tenantId: 't1', actor: { type: 'user' as const, id: 'u1' } };
const input = (i: number) => ({ action: 'file.uploaded', resource: { type: 'file', id: `f${i}` } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `done()` (at most 3 s: the machine may be busy). */
const until = async (done: () => boolean) => {
  for (let i = 0; i < 300 && !done(); i++) await sleep(10);
};

/** A memory store whose appends are recorded and can be held back or made to fail. */
function instrumented() {
  const inner = memoryAuditStore();
  const batches: number[] = [];
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  let failures = 0;
  const store: AuditStore = {
    ...inner,
    async append(events: readonly PreparedEvent[]) {
      if (gate) await gate;
      if (failures > 0) {
        failures--;
        throw new Error('connection reset');
      }
      batches.push(events.length);
      return inner.append(events);
    },
  };
  return {
    store,
    inner,
    batches,
    hold() {
      gate = new Promise((r) => {
        open = () => {
          gate = null;
          r();
        };
      });
    },
    release: () => open(),
    failNext(n: number) {
      failures = n;
    },
  };
}

function captureLogger() {
  const warnings: Array<Record<string, unknown>> = [];
  const errors: Array<Record<string, unknown>> = [];
  return {
    warnings,
    errors,
    logger: {
      warn: (d: Record<string, unknown>) => warnings.push(d),
      error: (d: Record<string, unknown>) => errors.push(d),
    },
  };
}

describe('buffered writer', () => {
  it('writes full batches at once and the rest on flush()', async () => {
    const s = instrumented();
    const audit = createAuditLog({ store: s.store, buffer: { batchSize: 10, flushIntervalMs: 60_000 } });
    await runWithAuditContext(ctx, async () => {
      for (let i = 0; i < 25; i++) await audit.record(input(i));
    });
    await until(() => s.batches.length >= 2);
    await sleep(20);
    expect(s.batches).toEqual([10, 10]);
    await audit.flush();
    expect(s.batches).toEqual([10, 10, 5]);
    expect(s.inner.rows('t1').map((e) => e.resource.id)).toEqual(Array.from({ length: 25 }, (_, i) => `f${i}`));
    expect(audit.stats()).toMatchObject({ pending: 0, written: 25, dropped: 0 });
  });

  it('writes a partial batch after flushIntervalMs without being asked', async () => {
    const s = instrumented();
    const audit = createAuditLog({ store: s.store, buffer: { batchSize: 100, flushIntervalMs: 20 } });
    await runWithAuditContext(ctx, () => audit.recordMany([input(1), input(2), input(3)]));
    expect(s.batches).toEqual([]);
    await until(() => s.batches.length > 0);
    expect(s.batches).toEqual([3]);
  });

  it('applies backpressure when full: record() waits for room instead of growing the queue', async () => {
    const s = instrumented();
    const audit = createAuditLog({ store: s.store, buffer: { maxQueue: 5, batchSize: 5, flushIntervalMs: 1 } });
    s.hold();
    let resolved = 0;
    const pending = runWithAuditContext(ctx, () =>
      Promise.all(Array.from({ length: 12 }, (_, i) => audit.record(input(i)).then(() => resolved++))),
    );
    await until(() => resolved >= 5);
    await sleep(30);
    expect(resolved).toBe(5);
    expect(audit.stats().pending).toBeLessThanOrEqual(5);
    s.release();
    await pending;
    await audit.flush();
    expect(resolved).toBe(12);
    expect(s.inner.rows('t1')).toHaveLength(12);
    expect(audit.stats().dropped).toBe(0);
  });

  it('with overflow "reject" throws queue_full, with "drop" counts and logs every dropped event', async () => {
    const s = instrumented();
    s.hold();
    const rejecting = createAuditLog({ store: s.store, buffer: { maxQueue: 2, batchSize: 2, overflow: 'reject' } });
    await runWithAuditContext(ctx, async () => {
      await rejecting.record(input(1));
      await rejecting.record(input(2));
      await expect(rejecting.record(input(3))).rejects.toMatchObject({ code: 'queue_full' });
    });
    const { logger, warnings } = captureLogger();
    const dropping = createAuditLog({
      store: s.store,
      logger,
      buffer: { maxQueue: 2, batchSize: 2, overflow: 'drop' },
    });
    await runWithAuditContext(ctx, async () => {
      for (let i = 0; i < 5; i++) await dropping.record(input(i));
    });
    expect(dropping.stats().dropped).toBe(3);
    expect(warnings).toHaveLength(3);
    expect(warnings[2]).toMatchObject({ dropped: 3, action: 'file.uploaded' });
    s.release();
    await dropping.flush();
    await rejecting.flush();
  });

  it('keeps a failed batch queued, logs it, and retries it without duplicating', async () => {
    const s = instrumented();
    const { logger, errors } = captureLogger();
    const audit = createAuditLog({
      store: s.store,
      logger,
      buffer: { batchSize: 3, flushIntervalMs: 5, maxRetryDelayMs: 20 },
    });
    s.failNext(2);
    await runWithAuditContext(ctx, () => audit.recordMany([input(1), input(2), input(3), input(4)]));
    for (let i = 0; i < 50 && audit.stats().pending > 0; i++) await sleep(20);
    await audit.flush();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({ err: 'connection reset' });
    expect(s.inner.rows('t1').map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(audit.stats()).toMatchObject({ written: 4, failedWrites: 2 });
    expect((await audit.verify({ tenantId: 't1' })).valid).toBe(true);
  });

  it('flush() rejects while the store fails; close() flushes and then refuses new events', async () => {
    const s = instrumented();
    const { logger } = captureLogger();
    const audit = createAuditLog({ store: s.store, logger, buffer: { flushIntervalMs: 60_000 } });
    await runWithAuditContext(ctx, () => audit.record(input(1)));
    s.failNext(1);
    await expect(audit.flush()).rejects.toThrow('connection reset');
    expect(audit.stats().pending).toBe(1);
    await runWithAuditContext(ctx, () => audit.record(input(2)));
    await audit.close();
    expect(s.inner.rows('t1')).toHaveLength(2);
    await expect(runWithAuditContext(ctx, () => audit.record(input(3)))).rejects.toMatchObject({ code: 'closed' });
  });

  it('keeps up to `concurrency` writes in flight, in order, and retries a failed one after a later success', async () => {
    const inner = memoryAuditStore();
    const started: string[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let failFirst = true;
    const store: AuditStore = {
      ...inner,
      appendConcurrency: 2,
      async append(events: readonly PreparedEvent[]) {
        started.push(events.map((e) => e.resource.id!));
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await sleep(15);
          if (failFirst) {
            failFirst = false;
            throw new Error('connection reset');
          }
          return await inner.append(events);
        } finally {
          inFlight--;
        }
      },
    };
    const { logger, errors } = captureLogger();
    const audit = createAuditLog({
      store,
      logger,
      buffer: { batchSize: 2, flushIntervalMs: 60_000, maxRetryDelayMs: 10 },
    });
    await runWithAuditContext(ctx, () => audit.recordMany([1, 2, 3, 4, 5, 6].map(input)));
    await expect(audit.flush()).rejects.toThrow('connection reset');
    expect(maxInFlight).toBe(2); // the store's appendConcurrency is the default
    expect(started.slice(0, 2)).toEqual([
      ['f1', 'f2'],
      ['f3', 'f4'],
    ]);
    expect(errors).toHaveLength(1);
    await audit.flush();
    // f1/f2 failed while f3/f4 succeeded: they are retried after it, each event stored once.
    expect(inner.rows('t1').map((e) => e.resource.id)).toEqual(['f3', 'f4', 'f1', 'f2', 'f5', 'f6']);
    expect(audit.stats()).toMatchObject({ pending: 0, written: 6, failedWrites: 1 });
    expect((await audit.verify({ tenantId: 't1' })).valid).toBe(true);

    const serial = createAuditLog({ store, buffer: { batchSize: 2, flushIntervalMs: 60_000, concurrency: 1 } });
    maxInFlight = 0;
    await runWithAuditContext(ctx, () => serial.recordMany([7, 8, 9, 10].map(input)));
    await serial.flush();
    expect(maxInFlight).toBe(1);

    // A store that does not declare appendConcurrency (memory, MongoDB) gets one write at a time.
    const { appendConcurrency: _ignored, ...oneAtATime } = store;
    const capped = createAuditLog({
      store: oneAtATime as AuditStore,
      buffer: { batchSize: 2, flushIntervalMs: 60_000, concurrency: 4 },
    });
    maxInFlight = 0;
    await runWithAuditContext(ctx, () => capped.recordMany([11, 12, 13, 14, 15, 16].map(input)));
    await capped.flush();
    expect(maxInFlight).toBe(1);
  });

  it('reads its own writes: query() flushes the buffer first', async () => {
    const audit = createAuditLog({ store: memoryAuditStore(), buffer: { flushIntervalMs: 60_000 } });
    const id = await runWithAuditContext(ctx, () => audit.record(input(1)));
    expect((await audit.query({ tenantId: 't1' })).items.map((e) => e.id)).toEqual([id]);
  });
});
