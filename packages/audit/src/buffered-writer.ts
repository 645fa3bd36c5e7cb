import { AuditError } from './errors.js';
import type { PreparedEvent } from './event.js';

/** A pino-compatible logger (only `warn` and `error` are used). */
export interface AuditLogger {
  /** Logs a warning (drops, retries). */
  warn(details: Record<string, unknown>, message: string): void;
  /** Logs a failure (a batch could not be written). */
  error(details: Record<string, unknown>, message: string): void;
}

/** What to do when the queue is full. */
export type OverflowPolicy = 'block' | 'reject' | 'drop';

/** Options of the buffered writer (`createAuditLog({ buffer })`). */
export interface BufferOptions {
  /** Most events held in memory (queued plus in flight). @default 10000 */
  maxQueue?: number;
  /** Events per write. @default 1000 */
  batchSize?: number;
  /** Longest time an event waits before a partial batch is written, in ms. @default 100 */
  flushIntervalMs?: number;
  /**
   * When the queue is full: `block` makes `record()` wait for room (backpressure), `reject` throws
   * a `queue_full` error, `drop` discards the new event, counts it in `stats().dropped` and logs a
   * warning.
   * @default 'block'
   */
  overflow?: OverflowPolicy;
  /** Longest pause between retries of a failing write, in ms. @default 5000 */
  maxRetryDelayMs?: number;
  /**
   * Writes in flight at once, at most what the store supports (`store.appendConcurrency`: 2 for
   * Kysely, 1 for memory and MongoDB). With 2, the Kysely store links and serializes the next batch
   * while the previous one is being written; batches still land in order, except that a failed
   * batch is retried after a later one that succeeded.
   * @default store.appendConcurrency
   */
  concurrency?: number;
}

/** Counters of the buffered writer. */
export interface BufferStats {
  /** Events waiting (queued and in flight). */
  pending: number;
  /** Events written since start. */
  written: number;
  /** Events dropped by the `drop` overflow policy. */
  dropped: number;
  /** Failed write attempts (each retried, until `close()`). */
  failedWrites: number;
  /**
   * Events `close()` gave up on: its one final write of them failed, so they are not stored (the
   * rejection of `close()` says how many, too).
   */
  unwritten: number;
}

export class BufferedWriter {
  private queue: PreparedEvent[] = [];
  private inflight = 0;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private retryDelay = 0;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly stats_: BufferStats = { pending: 0, written: 0, dropped: 0, failedWrites: 0, unwritten: 0 };
  private readonly maxQueue: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly overflow: OverflowPolicy;
  private readonly maxRetryDelayMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly write: (events: PreparedEvent[]) => Promise<unknown>,
    private readonly logger: AuditLogger,
    options: BufferOptions = {},
    maxConcurrency = 1,
  ) {
    this.maxQueue = Math.max(1, options.maxQueue ?? 10_000);
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? 1000, this.maxQueue));
    const most = Number.isFinite(maxConcurrency) ? Math.max(1, Math.floor(maxConcurrency)) : 1;
    const asked = options.concurrency;
    this.concurrency =
      asked !== undefined && Number.isFinite(asked) ? Math.min(most, Math.max(1, Math.floor(asked))) : most;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.overflow = options.overflow ?? 'block';
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  }

  stats(): BufferStats {
    return { ...this.stats_, pending: this.queue.length + this.inflight };
  }

  private get size(): number {
    return this.queue.length + this.inflight;
  }

  /** Resolves when the event is queued (not written). */
  async enqueue(event: PreparedEvent): Promise<void> {
    if (this.closed)
      throw new AuditError('closed', 'the audit log is closed (create a new one, or record before close())');
    while (this.size >= this.maxQueue) {
      if (this.overflow === 'reject') {
        throw new AuditError(
          'queue_full',
          `the audit queue is full (${this.maxQueue} events): the store is slower than the writers; retry later or raise buffer.maxQueue`,
        );
      }
      if (this.overflow === 'drop') {
        this.stats_.dropped++;
        this.logger.warn(
          { action: event.action, eventId: event.id, dropped: this.stats_.dropped, maxQueue: this.maxQueue },
          '[portalkit/audit] queue full: audit event dropped (overflow policy "drop")',
        );
        return;
      }
      this.schedule(0);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      if (this.closed) throw new AuditError('closed', 'the audit log was closed while this event waited for room');
    }
    this.queue.push(event);
    this.schedule(this.queue.length >= this.batchSize ? 0 : this.flushIntervalMs);
  }

  private schedule(delay: number): void {
    if (this.running) return;
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        // A full batch is written at once; a partial one only when its time is up.
        void this.drain(false, this.queue.length < this.batchSize).catch(() => undefined);
      },
      Math.max(delay, this.retryDelay),
    );
  }

  private release(): void {
    const waiters = this.waiters.splice(0, Math.max(0, this.maxQueue - this.size));
    for (const w of waiters) w();
  }

  /** Writes batches until the queue is empty (or, in the background, until a write fails). */
  private drain(throwOnError: boolean, force: boolean): Promise<void> {
    if (this.running) {
      return this.running.then(() => (this.queue.length > 0 ? this.drain(throwOnError, force) : undefined));
    }
    const run = (async () => {
      const pending = new Set<Promise<void>>();
      // Failed batches by start order, put back in that order once every write in flight is done.
      const failed: Array<{ order: number; batch: PreparedEvent[] }> = [];
      let firstError: unknown = null;
      let order = 0;
      while (failed.length === 0 && (this.queue.length >= this.batchSize || (force && this.queue.length > 0))) {
        const batch = this.queue.splice(0, this.batchSize);
        const mine = order++;
        this.inflight += batch.length;
        const done: Promise<void> = this.write(batch)
          .then(
            () => {
              this.stats_.written += batch.length;
              this.retryDelay = 0;
            },
            (error: unknown) => {
              this.stats_.failedWrites++;
              failed.push({ order: mine, batch });
              if (firstError === null) firstError = error;
              this.logger.error(
                { events: batch.length, err: error instanceof Error ? error.message : String(error) },
                this.closed
                  ? '[portalkit/audit] the final write at close() failed; these events are discarded'
                  : '[portalkit/audit] writing an audit batch failed; it stays queued and will be retried',
              );
            },
          )
          .finally(() => {
            this.inflight -= batch.length;
            pending.delete(done);
            this.release();
          });
        pending.add(done);
        if (pending.size >= this.concurrency) await Promise.race(pending);
      }
      await Promise.all(pending);
      if (failed.length > 0) {
        failed.sort((a, b) => a.order - b.order);
        this.queue.unshift(...failed.flatMap((f) => f.batch));
        this.retryDelay = Math.min(this.maxRetryDelayMs, Math.max(50, this.retryDelay * 2));
        throw firstError;
      }
    })();
    this.running = run.finally(() => {
      this.running = null;
      if (this.queue.length > 0 && !this.closed) this.schedule(this.retryDelay || this.flushIntervalMs);
    });
    return throwOnError ? this.running : this.running.catch(() => undefined);
  }

  /** Writes everything queued now; rejects if a write fails (the events stay queued). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.size > 0) await this.drain(true, true);
  }

  /**
   * Refuses new events at once, then makes one final attempt: waits for a write in flight, writes
   * what is queued once (no retry, no backoff) and stops every timer whatever happens. Rejects with
   * `store_failed` (the first write error as `cause`) when events could not be written; they are
   * discarded and counted in `stats().unwritten`. Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (const w of this.waiters.splice(0)) w();
    // A background write in flight finishes first; its failure is not the final attempt.
    if (this.running) await this.running.catch(() => undefined);
    let failure: unknown = null;
    if (this.queue.length > 0) await this.drain(true, true).catch((error: unknown) => (failure = error));
    const unwritten = this.queue.length;
    if (unwritten === 0) return;
    this.queue = [];
    this.stats_.unwritten += unwritten;
    throw new AuditError(
      'store_failed',
      `close(): ${unwritten} audit ${unwritten === 1 ? 'event was' : 'events were'} not written: the final write failed in the audit store and they were discarded (see the cause; check the database connection)`,
      { cause: failure },
    );
  }
}
