// bench/audit/cpu: Node CPU per buffered event, without PostgreSQL. N bench events (the same input
// as the PostgreSQL bench: a user's upload, five personal commitments) go through each stage of the
// buffered path in turn, R rounds, and the median CPU time (process.cpuUsage: user + system, all
// threads) per event is printed per stage:
//   validate   the record() input check alone (part of prepare): the zod schema, the hand-written check
//   prepare    record()'s work: validation, scope, JSON copy, diff, redaction, commitments, id, time
//   link       the writer's linking: canonical JSON of the hashed body and SHA-256 per event
//   copy line  the COPY text line per event (kyselyAuditStore(db, { pool }))
//   insert row the INSERT path's row per event (kyselyAuditStore(db))
//   end to end createAuditLog({ buffer }) with a store that links, builds COPY lines and discards
//              them: record() x N from 50 producers, then flush (queue, promises, GC included)
// Run: `node --import tsx bench/audit/cpu.ts` from bench/ (or `AUDIT_BENCH=cpu node bench/run.mjs audit`).
// Profile: `node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/audit/cpu.ts`.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type AuditEvent,
  type AuditStore,
  createAuditLog,
  DEFAULT_PERSONAL_FIELDS,
  DEFAULT_REDACT_FIELDS,
  fieldMatcher,
  type PreparedEvent,
  recordInputSchema,
  runWithAuditContext,
} from '../../packages/audit/src/index.js';
import { link } from '../../packages/audit/src/internal/chain.js';
import { prepareEvent } from '../../packages/audit/src/internal/prepare.js';
import { isValidRecordInput } from '../../packages/audit/src/internal/validate.js';
import { toCopyLine, toRow } from '../../packages/audit/src/kysely/rows.js';
import { sampleContext, sampleInput } from './sample.js';

const N = Number(process.env.AUDIT_CPU_EVENTS ?? 20_000);
const ROUNDS = Number(process.env.AUDIT_CPU_ROUNDS ?? 7);

const ctx = sampleContext;
const inputs = Array.from({ length: N }, (_, i) => sampleInput(i));
const options = {
  redact: fieldMatcher(DEFAULT_REDACT_FIELDS, 'contains'),
  personal: fieldMatcher(DEFAULT_PERSONAL_FIELDS, 'exact'),
  personResourceTypes: new Set(['user']),
  now: () => new Date(),
};

/** CPU µs per event of `fn` (run once over the N events). */
async function cpuPerEvent(fn: () => unknown): Promise<{ cpu: number; wall: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const t1 = performance.now();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / N, wall: ((t1 - t0) * 1000) / N };
}

let prepared: PreparedEvent[] = [];
let linked: AuditEvent[] = [];
let sink = 0;

/** A store that links each batch after an in-memory head, builds its COPY lines and drops them. */
function discardStore(): AuditStore {
  const heads = new Map<string | null, { seq: number; hash: string | null }>();
  const unused = () => Promise.reject(new Error('not in the CPU bench'));
  return {
    async append(events) {
      const out: AuditEvent[] = [];
      const byChain = new Map<string | null, PreparedEvent[]>();
      for (const e of events) {
        const g = byChain.get(e.tenantId);
        if (g) g.push(e);
        else byChain.set(e.tenantId, [e]);
      }
      for (const [tenantId, group] of byChain) {
        const head = heads.get(tenantId) ?? { seq: 0, hash: null };
        const done = link(group, head.seq, head.hash);
        let text = '';
        for (const e of done) text += toCopyLine(e);
        sink += text.length;
        const last = done.at(-1)!;
        heads.set(tenantId, { seq: last.seq, hash: last.hash });
        out.push(...done);
      }
      return out;
    },
    query: unused,
    readChain: unused,
    head: unused,
    heads: unused,
    saveCheckpoint: unused,
    checkpoints: unused,
    retentionBoundary: unused,
    purge: unused,
    chains: unused,
    deleteChain: unused,
    bySubject: unused,
    rewritePersonal: unused,
  } as AuditStore;
}

async function endToEnd() {
  const audit = createAuditLog({ store: discardStore(), buffer: { flushIntervalMs: 10 } });
  const producers = 50;
  await Promise.all(
    Array.from({ length: producers }, (_, p) =>
      runWithAuditContext(ctx, async () => {
        for (let i = p; i < N; i += producers) await audit.record(inputs[i]!);
      }),
    ),
  );
  await audit.close();
}

const stages: Record<string, () => unknown> = {
  'validate zod': () => {
    for (const i of inputs) sink += recordInputSchema.safeParse(i).success ? 1 : 0;
  },
  validate: () => {
    for (const i of inputs) sink += isValidRecordInput(i) ? 1 : 0;
  },
  prepare: () => {
    prepared = runWithAuditContext(ctx, () => inputs.map((i) => prepareEvent(i, options)));
  },
  link: () => {
    linked = link(prepared, 0, null);
  },
  'copy line': () => {
    for (const e of linked) sink += toCopyLine(e).length;
  },
  'insert row': () => {
    for (const e of linked) sink += JSON.stringify(toRow(e)).length;
  },
  'end to end': endToEnd,
};

// AUDIT_CPU_ONLY=link (a stage name) measures one stage, e.g. under --cpu-prof.
const only = process.env.AUDIT_CPU_ONLY;
if (only)
  for (const name of Object.keys(stages))
    if (name !== only && name !== 'prepare' && name !== 'link') delete stages[name];
const results: Record<string, { cpu: number[]; wall: number[] }> = {};
for (const name of Object.keys(stages)) results[name] = { cpu: [], wall: [] };
await stages.prepare!(); // warm-up (JIT) of every stage
await stages.link!();
for (const [, fn] of Object.entries(stages)) await fn();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(stages)) {
    const m = await cpuPerEvent(fn);
    results[name]!.cpu.push(m.cpu);
    results[name]!.wall.push(m.wall);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `audit cpu: ${N} events x ${ROUNDS} rounds, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('stage        CPU µs/event (median, min)   wall µs/event (median)');
for (const [name, { cpu, wall }] of Object.entries(results)) {
  console.log(
    `${name.padEnd(12)} ${median(cpu).toFixed(1).padStart(8)} ${Math.min(...cpu)
      .toFixed(1)
      .padStart(8)}              ${median(wall).toFixed(1).padStart(8)}`,
  );
}
const perEvent = median(results['end to end']!.cpu);
console.log(`end to end: ${Math.round(1e6 / perEvent)} events/s per fully used core (Node side only)`);
if (sink < 0) console.log(sink);
