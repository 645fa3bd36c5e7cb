import type { AddressInfo } from 'node:net';
import type { MongoInfo } from './services.js';

/**
 * Gives the run a MongoDB-wire server: `MONGODB_URL` when set (a real MongoDB), otherwise CongoDB
 * from `@push.rocks/smartmongo` on a free loopback port. CongoDB does not enforce unique indexes and
 * ignores transactions; suites needing those check `kind === 'real'`.
 */
export async function startMongoServer(): Promise<{ info: MongoInfo; stop: () => Promise<void> }> {
  const external = process.env.MONGODB_URL;
  if (external) return { info: { url: external, kind: 'real' }, stop: async () => {} };
  const { congodb } = await import('@push.rocks/smartmongo');
  const server = new congodb.CongoServer({ port: 0, host: '127.0.0.1' });
  await server.start();
  // CongoServer keeps its net.Server on `server`; with port 0 the real port is only known from it.
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    info: { url: `mongodb://127.0.0.1:${address.port}/?directConnection=true`, kind: 'congodb' },
    stop: () => server.stop(),
  };
}
