import { pino } from 'pino';

/** JSON logs on stdout. */
export function createLogger(level: string) {
  return pino({ level, base: { service: 'hono-server' } });
}
