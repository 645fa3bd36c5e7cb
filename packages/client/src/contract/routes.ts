import { z } from 'zod';
import {
  auditEventSchema,
  auditVerifyResponseSchema,
  exportAuditEventsQuerySchema,
  listAuditEventsQuerySchema,
} from './audit.js';
import {
  changePasswordBodySchema,
  emailBodySchema,
  jwksSchema,
  loginBodySchema,
  logoutBodySchema,
  membershipSchema,
  meResponseSchema,
  refreshBodySchema,
  registerBodySchema,
  resetPasswordBodySchema,
  resetSentSchema,
  sessionListSchema,
  tokenBodySchema,
  tokenResponseSchema,
  userResponseSchema,
  verificationSentSchema,
} from './auth.js';
import {
  createUploadBodySchema,
  createUploadResponseSchema,
  fileResponseSchema,
  fileSchema,
  listFilesQuerySchema,
  uploadFieldsSchema,
} from './files.js';
import { healthResponseSchema, readyResponseSchema } from './health.js';
import { idSchema, pageOf, pageQuerySchema, type Role } from './primitives.js';
import type { ProblemCode } from './problem.js';
import {
  createInvitationBodySchema,
  createTenantBodySchema,
  invitationListSchema,
  invitationResponseSchema,
  memberResponseSchema,
  memberSchema,
  tenantListSchema,
  tenantResponseSchema,
  updateMemberBodySchema,
  updateTenantBodySchema,
} from './tenancy.js';

/**
 * HTTP methods used by the reference API.
 *
 * @example
 * ```ts
 * import type { HttpMethod } from '@portalkit/client/contract';
 *
 * const safe = (m: HttpMethod) => m === 'GET';
 * ```
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: `none` (public), `user` (a valid access token), `verified` (a valid
 * access token of a user whose e-mail is verified). Tenant routes add {@link RouteDefinition.role}.
 *
 * @example
 * ```ts
 * import type { RouteAuth } from '@portalkit/client/contract';
 *
 * const needsToken = (a: RouteAuth) => a !== 'none';
 * ```
 */
export type RouteAuth = 'none' | 'user' | 'verified';

/**
 * How a route's request body is encoded: `json`, `multipart` (`multipart/form-data`, see
 * {@link RouteDefinition.body} for the text fields) or `none`.
 *
 * @example
 * ```ts
 * import type { BodyType } from '@portalkit/client/contract';
 *
 * const hasBody = (t: BodyType) => t !== 'none';
 * ```
 */
export type BodyType = 'json' | 'multipart' | 'none';

/**
 * How a route answers on success: `json` (validated by `response`), `binary` (bytes, possibly
 * after a 302 redirect), `html`, or `none` (an empty body, e.g. 204).
 *
 * @example
 * ```ts
 * import type { ResponseType } from '@portalkit/client/contract';
 *
 * const isJson = (t: ResponseType) => t === 'json';
 * ```
 */
export type ResponseType = 'json' | 'binary' | 'html' | 'none';

/**
 * One route of the reference API: everything a server needs to mount and validate it and
 * everything the client needs to call it.
 *
 * @example
 * ```ts
 * import { routeList } from '@portalkit/client/contract';
 *
 * for (const route of routeList) console.log(route.method, route.path, route.role ?? route.auth);
 * ```
 */
export interface RouteDefinition {
  /** Stable name of the route (the OpenAPI `operationId`), also its key in {@link routes}. */
  readonly name: string;
  /** HTTP method. */
  readonly method: HttpMethod;
  /** Path with `:param` placeholders (Express/Hono syntax), e.g. `/api/v1/tenants/:tenantId`. */
  readonly path: string;
  /** Group of the route (OpenAPI tag and client namespace). */
  readonly tag: 'system' | 'auth' | 'tenants' | 'members' | 'invitations' | 'files' | 'audit';
  /** One-line summary. */
  readonly summary: string;
  /** Longer description of the behaviour. */
  readonly description: string;
  /** Authentication required. */
  readonly auth: RouteAuth;
  /** The weakest tenant role that may call the route (tenant routes only), else `null`. */
  readonly role: Role | null;
  /** True when the target user may call it on themself without the role (leaving a tenant). */
  readonly allowSelf: boolean;
  /** Schema of the path parameters, or `null` when the path has none. */
  readonly params: z.ZodObject | null;
  /** Schema of the query string (values arrive as strings; the schemas coerce), or `null`. */
  readonly query: z.ZodObject | null;
  /** Schema of the JSON body (`bodyType: 'json'`) or of the text fields (`'multipart'`), or `null`. */
  readonly body: z.ZodType | null;
  /** Encoding of the request body. */
  readonly bodyType: BodyType;
  /** Status code of the success answer. */
  readonly status: number;
  /** Schema of the JSON success answer, or `null` when it is not JSON. */
  readonly response: z.ZodType | null;
  /** Kind of the success answer. */
  readonly responseType: ResponseType;
  /** Problem codes specific to this route (the generic ones are implied by auth, role and input). */
  readonly errors: readonly ProblemCode[];
}

/**
 * Path parameters `:tenantId`.
 *
 * @example
 * ```ts
 * import { tenantParamsSchema } from '@portalkit/client/contract';
 *
 * tenantParamsSchema.parse(req.params);
 * ```
 */
export const tenantParamsSchema = z.object({
  /** The tenant. */
  tenantId: idSchema,
});

/**
 * Path parameters `:tenantId/members/:userId`.
 *
 * @example
 * ```ts
 * import { memberParamsSchema } from '@portalkit/client/contract';
 *
 * memberParamsSchema.parse(req.params);
 * ```
 */
export const memberParamsSchema = z.object({
  /** The tenant. */
  tenantId: idSchema,
  /** The member's user id. */
  userId: idSchema,
});

/**
 * Path parameters `:tenantId/invitations/:invitationId`.
 *
 * @example
 * ```ts
 * import { invitationParamsSchema } from '@portalkit/client/contract';
 *
 * invitationParamsSchema.parse(req.params);
 * ```
 */
export const invitationParamsSchema = z.object({
  /** The tenant. */
  tenantId: idSchema,
  /** The invitation. */
  invitationId: idSchema,
});

/**
 * Path parameters `:tenantId/files/:fileId`.
 *
 * @example
 * ```ts
 * import { fileParamsSchema } from '@portalkit/client/contract';
 *
 * fileParamsSchema.parse(req.params);
 * ```
 */
export const fileParamsSchema = z.object({
  /** The tenant. */
  tenantId: idSchema,
  /** The file. */
  fileId: idSchema,
});

/**
 * Path parameters `sessions/:sessionId`.
 *
 * @example
 * ```ts
 * import { sessionParamsSchema } from '@portalkit/client/contract';
 *
 * sessionParamsSchema.parse(req.params);
 * ```
 */
export const sessionParamsSchema = z.object({
  /** The session. */
  sessionId: idSchema,
});

/**
 * Answer of `GET /openapi.json`: any JSON object (see {@link buildOpenApi}).
 *
 * @example
 * ```ts
 * import { openApiJsonSchema } from '@portalkit/client/contract';
 *
 * openApiJsonSchema.parse(await res.json());
 * ```
 */
export const openApiJsonSchema = z.record(z.string(), z.unknown());

/**
 * Answer of `POST /api/v1/invitations/accept`: `{ membership }`.
 *
 * @example
 * ```ts
 * import { membershipResponseSchema } from '@portalkit/client/contract';
 *
 * const { membership } = membershipResponseSchema.parse(await res.json());
 * ```
 */
export const membershipResponseSchema = z.object({
  /** The new membership. */
  membership: membershipSchema,
});

/**
 * A page of members.
 *
 * @example
 * ```ts
 * import { memberPageSchema } from '@portalkit/client/contract';
 *
 * const { items, nextCursor } = memberPageSchema.parse(await res.json());
 * ```
 */
export const memberPageSchema = pageOf(memberSchema);

/**
 * A page of files.
 *
 * @example
 * ```ts
 * import { filePageSchema } from '@portalkit/client/contract';
 *
 * const { items, nextCursor } = filePageSchema.parse(await res.json());
 * ```
 */
export const filePageSchema = pageOf(fileSchema);

/**
 * A page of audit events.
 *
 * @example
 * ```ts
 * import { auditEventPageSchema } from '@portalkit/client/contract';
 *
 * const { items, nextCursor } = auditEventPageSchema.parse(await res.json());
 * ```
 */
export const auditEventPageSchema = pageOf(auditEventSchema);

/**
 * A {@link RouteDefinition} with the precise schema types of one route, so the client can infer
 * its inputs and outputs.
 *
 * @example
 * ```ts
 * import type { Route, tenantParamsSchema, tenantResponseSchema } from '@portalkit/client/contract';
 *
 * type GetTenant = Route<typeof tenantParamsSchema, null, null, typeof tenantResponseSchema>;
 * ```
 */
export interface Route<
  Params extends z.ZodObject | null,
  Query extends z.ZodObject | null,
  Body extends z.ZodType | null,
  Response extends z.ZodType | null,
> extends RouteDefinition {
  /** Schema of the path parameters, or `null`. */
  readonly params: Params;
  /** Schema of the query string, or `null`. */
  readonly query: Query;
  /** Schema of the JSON body or multipart text fields, or `null`. */
  readonly body: Body;
  /** Schema of the JSON success answer, or `null`. */
  readonly response: Response;
}

/**
 * The type of {@link routes}: one member per route of the reference API.
 *
 * @example
 * ```ts
 * import type { RouteTable } from '@portalkit/client/contract';
 *
 * type LoginBody = RouteTable['login']['body'];
 * ```
 */
export interface RouteTable {
  /** `GET /health`. */
  readonly health: Route<null, null, null, typeof healthResponseSchema>;
  /** `GET /ready`. */
  readonly ready: Route<null, null, null, typeof readyResponseSchema>;
  /** `GET /openapi.json`. */
  readonly openapi: Route<null, null, null, typeof openApiJsonSchema>;
  /** `GET /docs`. */
  readonly docs: Route<null, null, null, null>;
  /** `GET /.well-known/jwks.json`. */
  readonly jwks: Route<null, null, null, typeof jwksSchema>;
  /** `POST /api/v1/auth/register`. */
  readonly register: Route<null, null, typeof registerBodySchema, typeof verificationSentSchema>;
  /** `POST /api/v1/auth/verify-email`. */
  readonly verifyEmail: Route<null, null, typeof tokenBodySchema, typeof userResponseSchema>;
  /** `POST /api/v1/auth/resend-verification`. */
  readonly resendVerification: Route<null, null, typeof emailBodySchema, typeof verificationSentSchema>;
  /** `POST /api/v1/auth/login`. */
  readonly login: Route<null, null, typeof loginBodySchema, typeof tokenResponseSchema>;
  /** `POST /api/v1/auth/refresh`. */
  readonly refresh: Route<null, null, typeof refreshBodySchema, typeof tokenResponseSchema>;
  /** `POST /api/v1/auth/logout`. */
  readonly logout: Route<null, null, typeof logoutBodySchema, null>;
  /** `POST /api/v1/auth/logout-all`. */
  readonly logoutAll: Route<null, null, null, null>;
  /** `POST /api/v1/auth/forgot-password`. */
  readonly forgotPassword: Route<null, null, typeof emailBodySchema, typeof resetSentSchema>;
  /** `POST /api/v1/auth/reset-password`. */
  readonly resetPassword: Route<null, null, typeof resetPasswordBodySchema, null>;
  /** `POST /api/v1/auth/change-password`. */
  readonly changePassword: Route<null, null, typeof changePasswordBodySchema, null>;
  /** `GET /api/v1/auth/me`. */
  readonly me: Route<null, null, null, typeof meResponseSchema>;
  /** `GET /api/v1/auth/sessions`. */
  readonly listSessions: Route<null, null, null, typeof sessionListSchema>;
  /** `DELETE /api/v1/auth/sessions/:sessionId`. */
  readonly revokeSession: Route<typeof sessionParamsSchema, null, null, null>;
  /** `POST /api/v1/tenants`. */
  readonly createTenant: Route<null, null, typeof createTenantBodySchema, typeof tenantResponseSchema>;
  /** `GET /api/v1/tenants`. */
  readonly listTenants: Route<null, null, null, typeof tenantListSchema>;
  /** `GET /api/v1/tenants/:tenantId`. */
  readonly getTenant: Route<typeof tenantParamsSchema, null, null, typeof tenantResponseSchema>;
  /** `PATCH /api/v1/tenants/:tenantId`. */
  readonly updateTenant: Route<
    typeof tenantParamsSchema,
    null,
    typeof updateTenantBodySchema,
    typeof tenantResponseSchema
  >;
  /** `DELETE /api/v1/tenants/:tenantId`. */
  readonly deleteTenant: Route<typeof tenantParamsSchema, null, null, null>;
  /** `GET /api/v1/tenants/:tenantId/members`. */
  readonly listMembers: Route<typeof tenantParamsSchema, typeof pageQuerySchema, null, typeof memberPageSchema>;
  /** `PATCH /api/v1/tenants/:tenantId/members/:userId`. */
  readonly updateMember: Route<
    typeof memberParamsSchema,
    null,
    typeof updateMemberBodySchema,
    typeof memberResponseSchema
  >;
  /** `DELETE /api/v1/tenants/:tenantId/members/:userId`. */
  readonly removeMember: Route<typeof memberParamsSchema, null, null, null>;
  /** `POST /api/v1/tenants/:tenantId/invitations`. */
  readonly createInvitation: Route<
    typeof tenantParamsSchema,
    null,
    typeof createInvitationBodySchema,
    typeof invitationResponseSchema
  >;
  /** `GET /api/v1/tenants/:tenantId/invitations`. */
  readonly listInvitations: Route<typeof tenantParamsSchema, null, null, typeof invitationListSchema>;
  /** `DELETE /api/v1/tenants/:tenantId/invitations/:invitationId`. */
  readonly revokeInvitation: Route<typeof invitationParamsSchema, null, null, null>;
  /** `POST /api/v1/invitations/accept`. */
  readonly acceptInvitation: Route<null, null, typeof tokenBodySchema, typeof membershipResponseSchema>;
  /** `POST /api/v1/tenants/:tenantId/files` (multipart). */
  readonly uploadFile: Route<typeof tenantParamsSchema, null, typeof uploadFieldsSchema, typeof fileResponseSchema>;
  /** `POST /api/v1/tenants/:tenantId/files/uploads`. */
  readonly createUpload: Route<
    typeof tenantParamsSchema,
    null,
    typeof createUploadBodySchema,
    typeof createUploadResponseSchema
  >;
  /** `POST /api/v1/tenants/:tenantId/files/:fileId/complete`. */
  readonly completeUpload: Route<typeof fileParamsSchema, null, null, typeof fileResponseSchema>;
  /** `GET /api/v1/tenants/:tenantId/files`. */
  readonly listFiles: Route<typeof tenantParamsSchema, typeof listFilesQuerySchema, null, typeof filePageSchema>;
  /** `GET /api/v1/tenants/:tenantId/files/:fileId`. */
  readonly getFile: Route<typeof fileParamsSchema, null, null, typeof fileResponseSchema>;
  /** `GET /api/v1/tenants/:tenantId/files/:fileId/download`. */
  readonly downloadFile: Route<typeof fileParamsSchema, null, null, null>;
  /** `DELETE /api/v1/tenants/:tenantId/files/:fileId`. */
  readonly deleteFile: Route<typeof fileParamsSchema, null, null, null>;
  /** `GET /api/v1/tenants/:tenantId/audit-events`. */
  readonly listAuditEvents: Route<
    typeof tenantParamsSchema,
    typeof listAuditEventsQuerySchema,
    null,
    typeof auditEventPageSchema
  >;
  /** `GET /api/v1/tenants/:tenantId/audit-events/export`. */
  readonly exportAuditEvents: Route<typeof tenantParamsSchema, typeof exportAuditEventsQuerySchema, null, null>;
  /** `GET /api/v1/tenants/:tenantId/audit-events/verify`. */
  readonly verifyAuditChain: Route<typeof tenantParamsSchema, null, null, typeof auditVerifyResponseSchema>;
}

const base = {
  description: '',
  auth: 'none',
  role: null,
  allowSelf: false,
  params: null,
  query: null,
  body: null,
  bodyType: 'none',
  response: null,
  responseType: 'json',
  errors: [],
} as const;

const publicJson = { ...base, bodyType: 'json' } as const;
const userRoute = { ...base, auth: 'user' } as const;
const tenantRoute = { ...base, auth: 'user', params: tenantParamsSchema } as const;

/**
 * The route table of the reference API (API.md), keyed by route name. Servers iterate it (see
 * {@link routeList}) to mount and validate routes; the client derives its methods and types from it;
 * {@link buildOpenApi} turns it into the OpenAPI document.
 *
 * @example
 * ```ts
 * import { routes } from '@portalkit/client/contract';
 *
 * const body = routes.login.body.parse(await request.json()); // throws on unknown fields
 * ```
 */
export const routes: RouteTable = {
  health: {
    ...base,
    name: 'health',
    method: 'GET',
    path: '/health',
    tag: 'system',
    summary: 'Liveness',
    description: 'Answers 200 while the process serves.',
    status: 200,
    response: healthResponseSchema,
  },
  ready: {
    ...base,
    name: 'ready',
    method: 'GET',
    path: '/ready',
    tag: 'system',
    summary: 'Readiness',
    description:
      'Answers 200 when the database, storage and cache answer; 503 with the same body shape, status "unavailable" and the failing check otherwise.',
    status: 200,
    response: readyResponseSchema,
  },
  openapi: {
    ...base,
    name: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    tag: 'system',
    summary: 'OpenAPI document',
    description: 'The OpenAPI 3.1 document of this contract.',
    status: 200,
    response: openApiJsonSchema,
  },
  docs: {
    ...base,
    name: 'docs',
    method: 'GET',
    path: '/docs',
    tag: 'system',
    summary: 'API reference',
    description: 'Human-readable API reference rendered from /openapi.json, served locally.',
    status: 200,
    responseType: 'html',
  },
  jwks: {
    ...base,
    name: 'jwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    tag: 'auth',
    summary: 'Public signing keys',
    description: 'The public keys (JWKS, with kid) access tokens are signed with, so third parties can verify them.',
    status: 200,
    response: jwksSchema,
  },
  register: {
    ...publicJson,
    name: 'register',
    method: 'POST',
    path: '/api/v1/auth/register',
    tag: 'auth',
    summary: 'Create an account',
    description:
      'Answers 202 whether or not the e-mail is taken (no enumeration). A weak password answers 400 validation_failed saying why.',
    body: registerBodySchema,
    status: 202,
    response: verificationSentSchema,
  },
  verifyEmail: {
    ...publicJson,
    name: 'verifyEmail',
    method: 'POST',
    path: '/api/v1/auth/verify-email',
    tag: 'auth',
    summary: 'Verify an e-mail address',
    description: 'Consumes the single-use verification token (valid 24 h) from the e-mail link.',
    body: tokenBodySchema,
    status: 200,
    response: userResponseSchema,
  },
  resendVerification: {
    ...publicJson,
    name: 'resendVerification',
    method: 'POST',
    path: '/api/v1/auth/resend-verification',
    tag: 'auth',
    summary: 'Send the verification e-mail again',
    description: 'Always answers 202.',
    body: emailBodySchema,
    status: 202,
    response: verificationSentSchema,
    errors: ['rate_limited'],
  },
  login: {
    ...publicJson,
    name: 'login',
    method: 'POST',
    path: '/api/v1/auth/login',
    tag: 'auth',
    summary: 'Sign in',
    description:
      "Answers a token pair. Without tenantId the user's only membership (if exactly one) becomes active. Wrong e-mail or password: 401 invalid_credentials; unverified e-mail: 403 email_not_verified; too many failures: 429 rate_limited with Retry-After.",
    body: loginBodySchema,
    status: 200,
    response: tokenResponseSchema,
    errors: ['invalid_credentials', 'email_not_verified', 'rate_limited', 'forbidden'],
  },
  refresh: {
    ...publicJson,
    name: 'refresh',
    method: 'POST',
    path: '/api/v1/auth/refresh',
    tag: 'auth',
    summary: 'Rotate the refresh token',
    description:
      'Answers a new pair; the presented refresh token is dead afterwards. Presenting an already-used token revokes the session and answers 401 token_reused. tenantId switches the active tenant (membership required).',
    body: refreshBodySchema,
    status: 200,
    response: tokenResponseSchema,
    errors: ['unauthorized', 'token_reused', 'forbidden', 'not_found'],
  },
  logout: {
    ...publicJson,
    name: 'logout',
    method: 'POST',
    path: '/api/v1/auth/logout',
    tag: 'auth',
    summary: 'Sign out this session',
    description: "Answers 204; the session's refresh tokens are dead.",
    body: logoutBodySchema,
    status: 204,
    responseType: 'none',
  },
  logoutAll: {
    ...userRoute,
    name: 'logoutAll',
    method: 'POST',
    path: '/api/v1/auth/logout-all',
    tag: 'auth',
    summary: 'Sign out every session',
    description: 'Answers 204; every session of the user is dead.',
    status: 204,
    responseType: 'none',
  },
  forgotPassword: {
    ...publicJson,
    name: 'forgotPassword',
    method: 'POST',
    path: '/api/v1/auth/forgot-password',
    tag: 'auth',
    summary: 'Request a password reset e-mail',
    description: 'Always answers 202 (no enumeration); sends a reset e-mail when the account exists.',
    body: emailBodySchema,
    status: 202,
    response: resetSentSchema,
    errors: ['rate_limited'],
  },
  resetPassword: {
    ...publicJson,
    name: 'resetPassword',
    method: 'POST',
    path: '/api/v1/auth/reset-password',
    tag: 'auth',
    summary: 'Set a new password with a reset token',
    description: 'Consumes the single-use reset token (valid 1 h); every session of the user is revoked.',
    body: resetPasswordBodySchema,
    status: 204,
    responseType: 'none',
  },
  changePassword: {
    ...userRoute,
    name: 'changePassword',
    method: 'POST',
    path: '/api/v1/auth/change-password',
    tag: 'auth',
    summary: 'Change the password',
    description: 'Answers 204; the other sessions of the user are revoked.',
    body: changePasswordBodySchema,
    bodyType: 'json',
    status: 204,
    responseType: 'none',
    errors: ['invalid_credentials'],
  },
  me: {
    ...userRoute,
    name: 'me',
    method: 'GET',
    path: '/api/v1/auth/me',
    tag: 'auth',
    summary: 'The caller and their memberships',
    description: 'Answers the user and every tenant they belong to with their role there.',
    status: 200,
    response: meResponseSchema,
  },
  listSessions: {
    ...userRoute,
    name: 'listSessions',
    method: 'GET',
    path: '/api/v1/auth/sessions',
    tag: 'auth',
    summary: "The caller's sessions",
    description: 'Answers every live session of the user; `current` marks the session of this request.',
    status: 200,
    response: sessionListSchema,
  },
  revokeSession: {
    ...userRoute,
    name: 'revokeSession',
    method: 'DELETE',
    path: '/api/v1/auth/sessions/:sessionId',
    tag: 'auth',
    summary: 'Revoke a session',
    description: "Answers 204; the session's refresh tokens are dead. Another user's session answers 404.",
    params: sessionParamsSchema,
    status: 204,
    responseType: 'none',
    errors: ['not_found'],
  },
  createTenant: {
    ...userRoute,
    auth: 'verified',
    name: 'createTenant',
    method: 'POST',
    path: '/api/v1/tenants',
    tag: 'tenants',
    summary: 'Create a tenant',
    description: 'The caller becomes its admin. A taken slug answers 409 conflict.',
    body: createTenantBodySchema,
    bodyType: 'json',
    status: 201,
    response: tenantResponseSchema,
    errors: ['conflict', 'email_not_verified'],
  },
  listTenants: {
    ...userRoute,
    name: 'listTenants',
    method: 'GET',
    path: '/api/v1/tenants',
    tag: 'tenants',
    summary: "The caller's tenants",
    description: 'Answers the tenants the caller belongs to.',
    status: 200,
    response: tenantListSchema,
  },
  getTenant: {
    ...tenantRoute,
    role: 'viewer',
    name: 'getTenant',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId',
    tag: 'tenants',
    summary: 'A tenant',
    description: 'Non-members get 404.',
    status: 200,
    response: tenantResponseSchema,
  },
  updateTenant: {
    ...tenantRoute,
    role: 'admin',
    name: 'updateTenant',
    method: 'PATCH',
    path: '/api/v1/tenants/:tenantId',
    tag: 'tenants',
    summary: 'Rename a tenant or change its settings',
    description: 'Updates name and/or settings.',
    body: updateTenantBodySchema,
    bodyType: 'json',
    status: 200,
    response: tenantResponseSchema,
  },
  deleteTenant: {
    ...tenantRoute,
    role: 'admin',
    name: 'deleteTenant',
    method: 'DELETE',
    path: '/api/v1/tenants/:tenantId',
    tag: 'tenants',
    summary: 'Delete a tenant',
    description:
      'Deletes the tenant and all its data (members, files and their objects, audit trail after the export window).',
    status: 204,
    responseType: 'none',
  },
  listMembers: {
    ...tenantRoute,
    role: 'viewer',
    name: 'listMembers',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/members',
    tag: 'members',
    summary: 'Members of a tenant',
    description: 'Paginated with limit and cursor.',
    query: pageQuerySchema,
    status: 200,
    response: memberPageSchema,
  },
  updateMember: {
    ...tenantRoute,
    role: 'admin',
    name: 'updateMember',
    method: 'PATCH',
    path: '/api/v1/tenants/:tenantId/members/:userId',
    tag: 'members',
    summary: "Change a member's role",
    description: 'The last admin cannot be demoted: 409 conflict.',
    params: memberParamsSchema,
    body: updateMemberBodySchema,
    bodyType: 'json',
    status: 200,
    response: memberResponseSchema,
    errors: ['conflict'],
  },
  removeMember: {
    ...tenantRoute,
    role: 'admin',
    allowSelf: true,
    name: 'removeMember',
    method: 'DELETE',
    path: '/api/v1/tenants/:tenantId/members/:userId',
    tag: 'members',
    summary: 'Remove a member',
    description:
      'An admin removes anyone; a member may remove themself. The last admin cannot be removed: 409 conflict.',
    params: memberParamsSchema,
    status: 204,
    responseType: 'none',
    errors: ['conflict'],
  },
  createInvitation: {
    ...tenantRoute,
    role: 'admin',
    name: 'createInvitation',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/invitations',
    tag: 'invitations',
    summary: 'Invite someone by e-mail',
    description: 'Sends the invitation e-mail; the invitation is valid 7 days.',
    body: createInvitationBodySchema,
    bodyType: 'json',
    status: 201,
    response: invitationResponseSchema,
    errors: ['conflict'],
  },
  listInvitations: {
    ...tenantRoute,
    role: 'admin',
    name: 'listInvitations',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/invitations',
    tag: 'invitations',
    summary: 'Pending invitations',
    description: 'Answers the pending invitations of the tenant.',
    status: 200,
    response: invitationListSchema,
  },
  revokeInvitation: {
    ...tenantRoute,
    role: 'admin',
    name: 'revokeInvitation',
    method: 'DELETE',
    path: '/api/v1/tenants/:tenantId/invitations/:invitationId',
    tag: 'invitations',
    summary: 'Revoke an invitation',
    description: 'Answers 204; the invitation link stops working.',
    params: invitationParamsSchema,
    status: 204,
    responseType: 'none',
  },
  acceptInvitation: {
    ...userRoute,
    name: 'acceptInvitation',
    method: 'POST',
    path: '/api/v1/invitations/accept',
    tag: 'invitations',
    summary: 'Accept an invitation',
    description: "The caller's verified e-mail must match the invitation's. Answers the new membership.",
    body: tokenBodySchema,
    bodyType: 'json',
    status: 200,
    response: membershipResponseSchema,
    errors: ['forbidden', 'not_found', 'conflict', 'email_not_verified'],
  },
  uploadFile: {
    ...tenantRoute,
    role: 'editor',
    name: 'uploadFile',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/files',
    tag: 'files',
    summary: 'Upload a file (multipart)',
    description:
      'multipart/form-data with the part `file` and optional text fields `category` and `tags`. Streamed to the provider. Over the size limit: 413; type not allowed (judged by the bytes): 415.',
    body: uploadFieldsSchema,
    bodyType: 'multipart',
    status: 201,
    response: fileResponseSchema,
    errors: ['payload_too_large', 'unsupported_media_type'],
  },
  createUpload: {
    ...tenantRoute,
    role: 'editor',
    name: 'createUpload',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/files/uploads',
    tag: 'files',
    summary: 'Start a direct upload',
    description:
      'Answers where to PUT the bytes (a presigned URL of the provider, or a signed URL on this server for the local provider); then call completeUpload.',
    body: createUploadBodySchema,
    bodyType: 'json',
    status: 201,
    response: createUploadResponseSchema,
    errors: ['payload_too_large', 'unsupported_media_type'],
  },
  completeUpload: {
    ...tenantRoute,
    role: 'editor',
    name: 'completeUpload',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/files/:fileId/complete',
    tag: 'files',
    summary: 'Complete a direct upload',
    description:
      'Checks the object exists with the announced size and an allowed type; otherwise answers 400 and removes the object.',
    params: fileParamsSchema,
    status: 200,
    response: fileResponseSchema,
    errors: ['unsupported_media_type', 'conflict'],
  },
  listFiles: {
    ...tenantRoute,
    role: 'viewer',
    name: 'listFiles',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/files',
    tag: 'files',
    summary: 'Files of a tenant',
    description: 'Paginated; filters category, tag and q (name contains).',
    query: listFilesQuerySchema,
    status: 200,
    response: filePageSchema,
  },
  getFile: {
    ...tenantRoute,
    role: 'viewer',
    name: 'getFile',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/files/:fileId',
    tag: 'files',
    summary: "A file's metadata",
    description: 'Deleted files answer 404.',
    params: fileParamsSchema,
    status: 200,
    response: fileResponseSchema,
  },
  downloadFile: {
    ...tenantRoute,
    role: 'viewer',
    name: 'downloadFile',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/files/:fileId/download',
    tag: 'files',
    summary: "A file's bytes",
    description:
      '302 to a short-lived signed URL (S3-compatible providers) or the bytes (local provider), with Content-Disposition: attachment; Range is honoured.',
    params: fileParamsSchema,
    status: 200,
    responseType: 'binary',
  },
  deleteFile: {
    ...tenantRoute,
    role: 'editor',
    name: 'deleteFile',
    method: 'DELETE',
    path: '/api/v1/tenants/:tenantId/files/:fileId',
    tag: 'files',
    summary: 'Delete a file',
    description: 'Soft delete: gone from lists and downloads at once; the object is purged after a grace period.',
    params: fileParamsSchema,
    status: 204,
    responseType: 'none',
  },
  listAuditEvents: {
    ...tenantRoute,
    role: 'admin',
    name: 'listAuditEvents',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/audit-events',
    tag: 'audit',
    summary: 'Audit events of a tenant',
    description: 'Newest first, paginated; filters actorId, action, resourceType, resourceId, from, to.',
    query: listAuditEventsQuerySchema,
    status: 200,
    response: auditEventPageSchema,
  },
  exportAuditEvents: {
    ...tenantRoute,
    role: 'admin',
    name: 'exportAuditEvents',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/audit-events/export',
    tag: 'audit',
    summary: 'Export audit events',
    description: 'Streams every matching event as CSV or NDJSON, with Content-Disposition: attachment.',
    query: exportAuditEventsQuerySchema,
    status: 200,
    responseType: 'binary',
  },
  verifyAuditChain: {
    ...tenantRoute,
    role: 'admin',
    name: 'verifyAuditChain',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/audit-events/verify',
    tag: 'audit',
    summary: 'Verify the hash chain',
    description: "valid is false, with the first bad event's id, when the chain was tampered with.",
    status: 200,
    response: auditVerifyResponseSchema,
  },
};

/**
 * The routes of the reference API, keyed by name.
 *
 * @example
 * ```ts
 * import type { Routes } from '@portalkit/client/contract';
 *
 * type LoginRoute = Routes['login'];
 * ```
 */
export type Routes = RouteTable;

/**
 * A route name such as `login` or `listFiles`.
 *
 * @example
 * ```ts
 * import type { RouteName } from '@portalkit/client/contract';
 *
 * const name: RouteName = 'listFiles';
 * ```
 */
export type RouteName = keyof RouteTable;

/**
 * Every route as an array, in the order of API.md. Mount them in this order: literal segments
 * (`/files/uploads`) come before parameters where they could clash.
 *
 * @example
 * ```ts
 * import { routeList } from '@portalkit/client/contract';
 *
 * for (const route of routeList) app.on(route.method, route.path, handlerFor(route));
 * ```
 */
export const routeList: readonly RouteDefinition[] = Object.values(routes) as RouteDefinition[];
