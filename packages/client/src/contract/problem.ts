import { z } from 'zod';

/**
 * Every machine code an RFC 9457 problem of the reference API can carry.
 *
 * @example
 * ```ts
 * import { problemCodes } from '@portalkit/client/contract';
 *
 * problemCodes.includes('token_expired'); // true
 * ```
 */
export const problemCodes = [
  'validation_failed',
  'invalid_credentials',
  'email_not_verified',
  'rate_limited',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'token_expired',
  'token_reused',
  'payload_too_large',
  'unsupported_media_type',
  'tenant_suspended',
  'internal',
] as const;

/**
 * The stable snake_case machine code of a problem (`problem.code`).
 *
 * @example
 * ```ts
 * import type { ProblemCode } from '@portalkit/client/contract';
 *
 * function retryable(code: ProblemCode) {
 *   return code === 'rate_limited';
 * }
 * ```
 */
export type ProblemCode = (typeof problemCodes)[number];

/**
 * Schema of {@link ProblemCode}.
 *
 * @example
 * ```ts
 * import { problemCodeSchema } from '@portalkit/client/contract';
 *
 * problemCodeSchema.parse('not_found');
 * ```
 */
export const problemCodeSchema = z.enum(problemCodes);

/**
 * The HTTP status each {@link ProblemCode} is answered with.
 *
 * @example
 * ```ts
 * import { problemStatus } from '@portalkit/client/contract';
 *
 * problemStatus.token_reused; // 401
 * ```
 */
export const problemStatus: Readonly<Record<ProblemCode, number>> = {
  validation_failed: 400,
  invalid_credentials: 401,
  email_not_verified: 403,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  token_expired: 401,
  token_reused: 401,
  payload_too_large: 413,
  unsupported_media_type: 415,
  tenant_suspended: 403,
  internal: 500,
};

/**
 * The human-readable `title` of each {@link ProblemCode} (the same for every occurrence of a code,
 * as RFC 9457 asks; the specifics go into `detail`).
 *
 * @example
 * ```ts
 * import { problemTitle } from '@portalkit/client/contract';
 *
 * problemTitle.not_found; // 'Not found'
 * ```
 */
export const problemTitle: Readonly<Record<ProblemCode, string>> = {
  validation_failed: 'Validation failed',
  invalid_credentials: 'Invalid credentials',
  email_not_verified: 'E-mail not verified',
  rate_limited: 'Too many requests',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  token_expired: 'Token expired',
  token_reused: 'Refresh token reused',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  tenant_suspended: 'Tenant suspended',
  internal: 'Internal server error',
};

/**
 * One field problem of a `validation_failed` problem: `path` is the dotted location of the field
 * (`"email"`, `"tags.2"`; `""` for the whole body) and `message` says what is wrong.
 *
 * @example
 * ```ts
 * import { fieldErrorSchema } from '@portalkit/client/contract';
 *
 * fieldErrorSchema.parse({ path: 'email', message: 'Invalid email address' });
 * ```
 */
export const fieldErrorSchema = z.object({
  /** Dotted path of the field (`""` for the whole input). */
  path: z.string(),
  /** What is wrong with it. */
  message: z.string(),
});

/**
 * A field problem of a `validation_failed` problem.
 *
 * @example
 * ```ts
 * import type { FieldError } from '@portalkit/client/contract';
 *
 * const e: FieldError = { path: 'password', message: 'must be at least 8 characters' };
 * ```
 */
export type FieldError = z.output<typeof fieldErrorSchema>;

/**
 * The URI used as `type` for a problem code: `https://portalkit.dev/problems/<code>`.
 *
 * @param code - The problem code.
 * @returns The problem type URI.
 *
 * @example
 * ```ts
 * import { problemType } from '@portalkit/client/contract';
 *
 * problemType('conflict'); // 'https://portalkit.dev/problems/conflict'
 * ```
 */
export function problemType(code: ProblemCode): string {
  return `https://portalkit.dev/problems/${code}`;
}

/**
 * The RFC 9457 `application/problem+json` body of every error of the reference API.
 * Extension members are allowed (the object is loose); `requestId` mirrors the `x-request-id`
 * header when the server includes it.
 *
 * @example
 * ```ts
 * import { problemSchema } from '@portalkit/client/contract';
 *
 * const parsed = problemSchema.safeParse(await response.json());
 * ```
 */
export const problemSchema = z.looseObject({
  /** URI identifying the problem type. */
  type: z.string(),
  /** Short summary of the problem type. */
  title: z.string(),
  /** HTTP status code. */
  status: z.number().int().min(400).max(599),
  /** What happened in this occurrence, for humans. */
  detail: z.string().optional(),
  /** Stable machine code. */
  code: problemCodeSchema,
  /** Field problems (validation_failed only). */
  errors: z.array(fieldErrorSchema).optional(),
  /** URI of this occurrence. */
  instance: z.string().optional(),
  /** The x-request-id of the failing request. */
  requestId: z.string().optional(),
}); // descriptions and example: registered by buildOpenApi's module, to keep them out of the client bundle

/**
 * An RFC 9457 problem as answered by the reference API.
 *
 * @example
 * ```ts
 * import type { Problem } from '@portalkit/client/contract';
 *
 * const p: Problem = { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' };
 * ```
 */
export type Problem = z.output<typeof problemSchema>;

/** Options of {@link createProblem}. */
export interface CreateProblemOptions {
  /** Field problems (for `validation_failed`). */
  errors?: FieldError[];
  /** HTTP status. @default problemStatus[code] */
  status?: number;
  /** The request id to echo in the body. */
  requestId?: string;
}

/**
 * Builds the problem body for a code with the standard `type`, `title` and `status`.
 *
 * @param code - The machine code.
 * @param detail - What happened, for humans (never a stack trace or driver message).
 * @param options - Field errors, status override, request id.
 * @returns A {@link Problem} ready to send as `application/problem+json`.
 *
 * @example
 * ```ts
 * import { createProblem } from '@portalkit/client/contract';
 *
 * res.status(404).type('application/problem+json').json(createProblem('not_found', 'No such file.'));
 * ```
 */
export function createProblem(code: ProblemCode, detail: string, options: CreateProblemOptions = {}): Problem {
  const problem: Problem = {
    type: problemType(code),
    title: problemTitle[code],
    status: options.status ?? problemStatus[code],
    detail,
    code,
  };
  if (options.errors !== undefined) problem.errors = options.errors;
  if (options.requestId !== undefined) problem.requestId = options.requestId;
  return problem;
}

/**
 * Turns the issues of a failed zod parse into the `errors` list of a `validation_failed` problem.
 *
 * @param error - A `ZodError` (or anything with zod-like `issues`).
 * @returns One {@link FieldError} per issue.
 *
 * @example
 * ```ts
 * import { createProblem, fieldErrorsFromZod, routes } from '@portalkit/client/contract';
 *
 * const parsed = routes.login.body.safeParse(body);
 * if (!parsed.success) {
 *   const problem = createProblem('validation_failed', 'The request body is invalid.', {
 *     errors: fieldErrorsFromZod(parsed.error),
 *   });
 * }
 * ```
 */
export function fieldErrorsFromZod(error: {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => String(p)).join('.'),
    message: issue.message,
  }));
}
