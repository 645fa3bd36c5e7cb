// The COPY FROM STDIN fast path of kyselyAuditStore: text format rows and the lazily loaded
// pg-copy-streams module (an optional peer dependency).
import { AuditError } from '../errors.js';

/**
 * What the COPY path uses of `pg-copy-streams` (for `kyselyAuditStore`'s `loadCopyStreams`).
 *
 * @example
 * ```ts
 * import * as copyStreams from 'pg-copy-streams';
 * kyselyAuditStore(db, { pool, loadCopyStreams: async () => copyStreams });
 * ```
 */
export interface CopyStreamsModule {
  /** Makes a `COPY ... FROM STDIN` query (a writable stream) for `client.query()`. */
  from(text: string): NodeJS.WritableStream;
}

/**
 * A node-postgres client as the COPY path uses it (`pg.PoolClient` fits): `query(text, values)`,
 * `query(copyStream)` and `release(error?)`.
 *
 * @example
 * ```ts
 * const client: AuditPgClient = await new pg.Pool().connect();
 * ```
 */
export interface AuditPgClient {
  /** Runs a query: `(text, values)` or a COPY stream from `CopyStreamsModule.from`. */
  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' overloads are not expressible structurally.
  query(...args: any[]): any;
  /** Returns the client to its pool (`error` destroys it instead). */
  release(error?: Error | boolean): void;
}

/**
 * Anything that hands out {@link AuditPgClient}s: a `pg.Pool`.
 *
 * @example
 * ```ts
 * const pool: AuditPgPool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface AuditPgPool {
  /** Checks a client out of the pool. */
  connect(): Promise<AuditPgClient>;
}

/** Loads `pg-copy-streams` (the default of `kyselyAuditStore`'s `loadCopyStreams` option). */
export async function importCopyStreams(): Promise<CopyStreamsModule> {
  const name = 'pg-copy-streams';
  const mod = (await import(/* @vite-ignore */ name)) as CopyStreamsModule & { default?: CopyStreamsModule };
  return typeof mod.from === 'function' ? mod : mod.default!;
}

/** Runs the loader once; a failure becomes `missing_dependency` (and is retried on the next call). */
export function copyStreamsLoader(load: () => Promise<CopyStreamsModule>): () => Promise<CopyStreamsModule> {
  let loaded: Promise<CopyStreamsModule> | null = null;
  return () => {
    loaded ??= load().then(
      (m) => {
        if (typeof m?.from !== 'function') throw new TypeError('pg-copy-streams has no from()');
        return m;
      },
      (error: unknown) => {
        loaded = null;
        throw new AuditError(
          'missing_dependency',
          'kyselyAuditStore(db, { pool }) writes with COPY and needs the optional peer dependency pg-copy-streams: npm install pg-copy-streams (or drop the pool option to use INSERT)',
          { cause: error },
        );
      },
    );
    return loaded;
  };
}

const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPES = /[\\\t\n\r]/g;
const escapeOf = (c: string) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');

/**
 * One field of a COPY text-format row: `\N` for null, backslash, tab, newline and carriage return
 * escaped. NUL cannot be stored in PostgreSQL text at all and is refused (`invalid_event`).
 */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!SPECIAL.test(value)) return value;
  if (value.includes('\0')) {
    throw new AuditError(
      'invalid_event',
      'a text field of the event contains a NUL character, which PostgreSQL cannot store',
    );
  }
  return value.replace(ESCAPES, escapeOf);
}

/**
 * A JSON value as a COPY text field (`\N` for undefined/null). JSON.stringify already escapes
 * control characters, so only its backslashes need doubling.
 */
export function copyJson(value: unknown): string {
  if (value === undefined || value === null) return '\\N';
  const text = JSON.stringify(value);
  return text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
}
