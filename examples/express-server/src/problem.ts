import type { Response } from 'express';

/** Stable machine codes of API.md, plus `not_implemented` for routes a package does not serve yet. */
export type ProblemCode =
  | 'validation_failed'
  | 'invalid_credentials'
  | 'email_not_verified'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'token_expired'
  | 'token_reused'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'tenant_suspended'
  | 'not_implemented'
  | 'service_unavailable'
  | 'internal';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** A field problem listed in `errors` of a `validation_failed` answer. */
export interface FieldError {
  path: string;
  message: string;
}

/** Thrown by handlers; the error middleware turns it into application/problem+json. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://portalkit.dev/problems/${problem.code.replaceAll('_', '-')}`,
        title: TITLES[problem.status] ?? 'Error',
        status: problem.status,
        detail: problem.detail,
        code: problem.code,
        ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
      }),
    );
}

export const notFound = (what = 'resource') => new HttpProblem(404, 'not_found', `${what} not found`);
export const notImplemented = (what: string) =>
  new HttpProblem(
    501,
    'not_implemented',
    `${what} is not available in this build of the example server (the package that provides it does not expose it yet)`,
  );
