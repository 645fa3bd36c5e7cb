import { createProblem, type FieldError, type ProblemCode } from '@portalkit/client/contract';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The contract's codes, plus `not_implemented` for routes whose package does not provide them yet. */
export type ServerProblemCode = ProblemCode | 'not_implemented';

/** Thrown anywhere in a request; `app.onError` renders it as application/problem+json. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ServerProblemCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

/** The problem+json response for a problem, carrying the request id. */
export function problemResponse(c: Context, problem: HttpProblem): Response {
  const body =
    problem.code === 'not_implemented'
      ? {
          type: 'https://portalkit.dev/problems/not_implemented',
          title: 'Not implemented',
          status: 501,
          detail: problem.detail,
          code: problem.code,
        }
      : createProblem(problem.code, problem.detail, {
          status: problem.status,
          ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
        });
  return c.body(JSON.stringify({ ...body, requestId: c.get('requestId') }), problem.status, {
    ...problem.extra.headers,
    // A body refused before it was read leaves bytes on the socket: do not reuse the connection.
    ...(problem.status === 413 ? { connection: 'close' } : {}),
    'content-type': 'application/problem+json',
  });
}

export const notFound = (what = 'resource') => new HttpProblem(404, 'not_found', `${what} not found`);
export const notImplemented = (route: string) =>
  new HttpProblem(
    501,
    'not_implemented',
    `${route} is not available in this build of the example server: the package that provides it does not expose it yet (see the README, "What is wired")`,
  );
