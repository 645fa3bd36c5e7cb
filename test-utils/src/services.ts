import { Socket } from 'node:net';

/** Where the shared services of the test run live; handed to every test file by the global setup. */
export interface ServiceInfo {
  /** Admin connection string of PostgreSQL, or null when it does not answer (only outside CI). */
  postgresUrl: string | null;
  /** Redis connection string, or null when it does not answer (only outside CI). */
  redisUrl: string | null;
  /** s3rver started for this run on a free loopback port, or null when the project did not ask for it. */
  s3: S3Info | null;
  /** MongoDB-wire server: `MONGODB_URL` when given, else CongoDB started for this run; null when not asked for. */
  mongo: MongoInfo | null;
}

/** Connection settings of the test S3 server. */
export interface S3Info {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Connection settings of the test MongoDB-wire server. */
export interface MongoInfo {
  url: string;
  /** `real` when MONGODB_URL points at a real MongoDB; `congodb` for the in-process stand-in. */
  kind: 'real' | 'congodb';
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const HOW_TO_START = {
  postgres:
    'PostgreSQL is not answering at 127.0.0.1:5432 (or DATABASE_URL). Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or point DATABASE_URL at one.',
  redis:
    'Redis is not answering at 127.0.0.1:6379 (or REDIS_URL). Start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""`, or point REDIS_URL at one.',
} as const;

/** Resolves with true when something accepts a TCP connection at the URL's host and port within the timeout. */
export function answers(url: string, defaultPort: number, timeoutMs = 1500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || defaultPort), hostname.replace(/^\[|\]$/g, ''), () => done(true));
  });
}
