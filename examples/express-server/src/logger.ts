import { pino } from 'pino';

/** JSON logs on stdout; secrets in headers never reach them. */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: 'express-server' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], remove: true },
  });
}
