import { createProblem, type FieldError, type ProblemCode } from '@portalkit/client/contract';
import type { Response } from 'express';

/** The contract's codes, plus `not_implemented` for routes whose package does not provide them yet. */
export type ServerProblemCode = ProblemCode | 'not_implemented';

/** Thrown by handlers and middleware; the error handler turns it into application/problem+json. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: ServerProblemCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

/** Writes an RFC 9457 problem document (with the request id) on the response. */
export function sendProblem(res: Response, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) res.setHeader(name, value);
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
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify({ ...body, requestId: res.locals.requestId }));
}

export const notFound = (what = 'resource') => new HttpProblem(404, 'not_found', `${what} not found`);
export const notImplemented = (route: string) =>
  new HttpProblem(
    501,
    'not_implemented',
    `${route} is not available in this build of the example server: the package that provides it does not expose it yet (see the README, "What is wired")`,
  );
