// bench/auth: access-token verification vs raw jose, the verified-token cache on a repeating
// stream, login latency with the default argon2id parameters, and 1000 refreshes over 100
// sessions with 10-way concurrency on memory and PostgreSQL (counting forks).
// Run: pnpm --filter @portalkit/auth build && pnpm --filter @portalkit/bench run bench auth
import { randomBytes } from 'node:crypto';
import {
  type AuthStore,
  createAccessTokens,
  createAuthService,
  createKeySet,
  createPasswordHasher,
  createVerifiedTokenCache,
  generateSigningKey,
  memoryAuthStore,
} from '@portalkit/auth';
import { kyselyAuthStore, migrateAuth } from '@portalkit/auth/kysely';
import { jwtVerify } from 'jose';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

const ISSUER = 'https://bench.test';
const AUDIENCE = 'bench';
const fmt = (n: number, d = 1) => n.toFixed(d);

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function verification() {
  const keys = createKeySet({ signingKey: await generateSigningKey() });
  const plain = createAccessTokens({ keys, issuer: ISSUER, audience: AUDIENCE });
  const N = 4000;
  const tokens: string[] = [];
  for (let i = 0; i < N; i++)
    tokens.push((await plain.sign({ sub: `u${i}`, sid: `s${i}`, tid: 't', role: 'editor' })).token);
  const publicKey = keys.signingKey.publicKey;
  const raw = async (list: string[]) => {
    for (const t of list) await jwtVerify(t, publicKey, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE });
  };
  const pkg = (verifier: typeof plain) => async (list: string[]) => {
    for (const t of list) await verifier.verify(t);
  };
  // warm-up
  await raw(tokens.slice(0, 300));
  await pkg(plain)(tokens.slice(0, 300));
  // Interleave the three variants in small chunks (rotating their order) so that load from other
  // processes on this shared machine hits all of them alike; sum the chunk times.
  const rounds = 5;
  const chunk = 100;
  const totals = { raw: 0, plain: 0, cached: 0 };
  const ratios = { plain: [] as number[], cached: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const fresh = createAccessTokens({
      keys,
      issuer: ISSUER,
      audience: AUDIENCE,
      cache: createVerifiedTokenCache({ maxEntries: 50_000 }),
    });
    const variants: Array<[keyof typeof totals, (list: string[]) => Promise<void>]> = [
      ['raw', raw],
      ['plain', pkg(plain)],
      ['cached', pkg(fresh)], // unique tokens: every call misses the cache
    ];
    for (let i = 0; i < N; i += chunk) {
      const list = tokens.slice(i, i + chunk);
      const order = (i / chunk + r) % 3;
      const times = { raw: 0, plain: 0, cached: 0 };
      for (let k = 0; k < 3; k++) {
        const [name, run] = variants[(order + k) % 3] as [keyof typeof totals, (list: string[]) => Promise<void>];
        times[name] = await timeIt(() => run(list));
        totals[name] += times[name];
      }
      ratios.plain.push(times.raw / times.plain);
      ratios.cached.push(times.raw / times.cached);
    }
  }
  const ops = (ms: number) => (N * rounds) / (ms / 1000);
  const rawOps = ops(totals.raw);
  const plainOps = ops(totals.plain);
  const missOps = ops(totals.cached);
  console.log(
    `\n## access-token verification, ${N} unique tokens x ${rounds} rounds, interleaved in chunks of ${chunk}`,
  );
  console.log(`raw jose.jwtVerify (baseline)            ${fmt(rawOps, 0)} ops/s  1.00x`);
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
  console.log(
    `package verify, no cache                 ${fmt(plainOps, 0)} ops/s  ${fmt(plainOps / rawOps, 2)}x (median of per-chunk ratios ${fmt(median(ratios.plain), 2)}x)`,
  );
  console.log(
    `package verify, cache on (all misses)    ${fmt(missOps, 0)} ops/s  ${fmt(missOps / rawOps, 2)}x (median of per-chunk ratios ${fmt(median(ratios.cached), 2)}x)`,
  );

  // realistic stream: 200 clients, each sending its token 50 times (a 15-minute token polled), shuffled
  const clients = tokens.slice(0, 200);
  const stream: string[] = [];
  for (let i = 0; i < 50; i++) stream.push(...clients);
  for (let i = stream.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [stream[i], stream[j]] = [stream[j] as string, stream[i] as string];
  }
  const rawStream = await timeIt(() => raw(stream));
  const streamCache = createAccessTokens({
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    cache: createVerifiedTokenCache(),
  });
  const cachedStream = await timeIt(() => pkg(streamCache)(stream));
  console.log(`\n## repeating stream: ${stream.length} verifications of 200 tokens (each 50x)`);
  console.log(`raw jose.jwtVerify (baseline)            ${fmt(stream.length / (rawStream / 1000), 0)} ops/s  1.00x`);
  console.log(
    `package verify with verified-token cache ${fmt(stream.length / (cachedStream / 1000), 0)} ops/s  ${fmt(rawStream / cachedStream, 1)}x`,
  );
}

function delivery() {
  const tokens: string[] = [];
  return {
    tokens,
    d: {
      sendVerificationEmail: ({ token }: { token: string }) => {
        tokens.push(token);
      },
      sendAccountExistsNotice: () => {},
      sendPasswordReset: () => {},
    },
  };
}

async function loginLatency() {
  const keys = createKeySet({ signingKey: await generateSigningKey() });
  const accessTokens = createAccessTokens({ keys, issuer: ISSUER, audience: AUDIENCE });
  const mail = delivery();
  const hasher = createPasswordHasher(); // defaults: m=19 MiB, t=2, p=1
  const auth = createAuthService({
    store: memoryAuthStore(),
    accessTokens,
    delivery: mail.d,
    passwordHasher: hasher,
    rateLimiter: false,
    logger: () => {},
  });
  const password = 'glimmering otter vestibule 42';
  await auth.register({ email: 'bench@example.com', password, name: 'Bench' });
  await auth.verifyEmail({ token: mail.tokens[0] ?? '' });
  const hashOnly: number[] = [];
  const logins: number[] = [];
  const phc = await hasher.hash(password);
  for (let i = 0; i < 40; i++) {
    hashOnly.push(await timeIt(async () => void (await hasher.verify(phc, password))));
    logins.push(await timeIt(async () => void (await auth.login({ email: 'bench@example.com', password }))));
  }
  hashOnly.sort((a, b) => a - b);
  logins.sort((a, b) => a - b);
  console.log('\n## login latency, default argon2id (m=19456 KiB, t=2, p=1), memory store, 40 sequential logins');
  console.log(
    `argon2id verify alone (baseline)  p50 ${fmt(percentile(hashOnly, 50))} ms  p95 ${fmt(percentile(hashOnly, 95))} ms`,
  );
  console.log(
    `full login                        p50 ${fmt(percentile(logins, 50))} ms  p95 ${fmt(percentile(logins, 95))} ms  (${fmt(percentile(logins, 50) / percentile(hashOnly, 50), 2)}x the verify)`,
  );
}

/** Wraps a store to count presented tokens that rotated more than once (a fork). */
function countingForks(inner: AuthStore) {
  const rotatedFrom = new Map<string, number>();
  const store: AuthStore = {
    ...inner,
    async rotateRefreshToken(input) {
      const result = await inner.rotateRefreshToken(input);
      if (result.status === 'rotated') rotatedFrom.set(input.hash, (rotatedFrom.get(input.hash) ?? 0) + 1);
      return result;
    },
  };
  return { store, forks: () => [...rotatedFrom.values()].filter((n) => n > 1).length };
}

async function refreshStorm(name: string, inner: AuthStore, liveTokensPerSession?: () => Promise<Map<string, number>>) {
  const { store, forks: forkedTokens } = countingForks(inner);
  const keys = createKeySet({ signingKey: await generateSigningKey() });
  const accessTokens = createAccessTokens({ keys, issuer: ISSUER, audience: AUDIENCE });
  const mail = delivery();
  const auth = createAuthService({
    store,
    accessTokens,
    delivery: mail.d,
    passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1 }),
    rateLimiter: false,
    refreshReuseGraceMs: 60_000,
    logger: () => {},
  });
  const password = 'glimmering otter vestibule 42';
  const email = `storm-${randomBytes(4).toString('hex')}@example.com`;
  await auth.register({ email, password, name: 'Storm' });
  await auth.verifyEmail({ token: mail.tokens.at(-1) ?? '' });
  const sessions: Array<{ id: string; token: string }> = [];
  for (let i = 0; i < 100; i++) {
    const t = await auth.login({ email, password });
    sessions.push({ id: t.sessionId, token: t.refreshToken });
  }
  let next = 0;
  let rotated = 0;
  let collided = 0;
  let otherErrors = 0;
  const latencies: number[] = [];
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= 1000) return;
      const session = sessions[Math.floor(Math.random() * sessions.length)] as { id: string; token: string };
      const presented = session.token;
      const t0 = performance.now();
      try {
        const r = await auth.refresh({ refreshToken: presented });
        latencies.push(performance.now() - t0);
        rotated++;
        if (session.token === presented) session.token = r.refreshToken;
      } catch (error) {
        if ((error as { code?: string }).code === 'token_invalid') collided++;
        else otherErrors++;
      }
    }
  };
  const elapsed = await timeIt(() => Promise.all(Array.from({ length: 10 }, worker)).then(() => undefined));
  let liveNote = '';
  if (liveTokensPerSession) {
    const live = await liveTokensPerSession();
    const multi = sessions.filter((s) => (live.get(s.id) ?? 0) > 1).length;
    const none = sessions.filter((s) => (live.get(s.id) ?? 0) === 0).length;
    liveNote = `, sessions with >1 live token in the database ${multi}, with none ${none}`;
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(22)} ${fmt(1000 / (elapsed / 1000), 0)} refresh/s  p50 ${fmt(percentile(latencies, 50))} ms  p95 ${fmt(percentile(latencies, 95))} ms  rotated ${rotated}, same-token collisions ${collided}, other errors ${otherErrors}, forks (a token rotated twice) ${forkedTokens()}${liveNote}`,
  );
  return elapsed;
}

async function refreshes() {
  console.log(
    '\n## 1000 refreshes over 100 sessions, 10-way concurrency (random session per call; same-session collisions answered token_invalid within the grace window)',
  );
  const memTime = await refreshStorm('memory store', memoryAuthStore());
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `pk_bench_auth_${randomBytes(4).toString('hex')}`;
  const adminClient = new pg.Client({ connectionString: admin });
  try {
    await adminClient.connect();
  } catch (error) {
    console.log(`PostgreSQL not reachable at ${admin}: skipped (${(error as Error).message})`);
    return;
  }
  await adminClient.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on('error', () => {}); // connections cut by the DROP DATABASE at the end
  const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the auth tables are addressed by name
    const anyDb = db as unknown as Kysely<any>;
    await migrateAuth(anyDb);
    const pgTime = await refreshStorm('kysely on PostgreSQL', kyselyAuthStore(anyDb), async () => {
      const rows = await sql<{ session_id: string; live: string }>`
        select s.id as session_id, count(t.hash) filter (where t.used_at is null) as live
        from auth_sessions s left join auth_refresh_tokens t on t.session_id = s.id group by s.id`.execute(anyDb);
      return new Map(rows.rows.map((r) => [r.session_id, Number(r.live)]));
    });
    console.log(`PostgreSQL run took ${fmt(pgTime / memTime, 1)}x the memory run`);
  } finally {
    await db.destroy();
    await adminClient.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await adminClient.end();
  }
}

console.log(
  'Machine shared with other engineers running builds and tests: treat absolute numbers as noisy, ratios as the result.',
);
await verification();
await loginLatency();
await refreshes();
