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
  auth: 'none',
  role: null,
  allowSelf: false,
  params: null,
  query: null,
  body: null,
  bodyType: 'none',
  response: null,
  responseType: 'json',
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
    status: 200,
    response: healthResponseSchema,
  },
  ready: {
    ...base,
    name: 'ready',
    method: 'GET',
    path: '/ready',
    tag: 'system',
    status: 200,
    response: readyResponseSchema,
  },
  openapi: {
    ...base,
    name: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    tag: 'system',
    status: 200,
    response: openApiJsonSchema,
  },
  docs: {
    ...base,
    name: 'docs',
    method: 'GET',
    path: '/docs',
    tag: 'system',
    status: 200,
    responseType: 'html',
  },
  jwks: {
    ...base,
    name: 'jwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    tag: 'auth',
    status: 200,
    response: jwksSchema,
  },
  register: {
    ...publicJson,
    name: 'register',
    method: 'POST',
    path: '/api/v1/auth/register',
    tag: 'auth',
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
    body: emailBodySchema,
    status: 202,
    response: verificationSentSchema,
  },
  login: {
    ...publicJson,
    name: 'login',
    method: 'POST',
    path: '/api/v1/auth/login',
    tag: 'auth',
    body: loginBodySchema,
    status: 200,
    response: tokenResponseSchema,
  },
  refresh: {
    ...publicJson,
    name: 'refresh',
    method: 'POST',
    path: '/api/v1/auth/refresh',
    tag: 'auth',
    body: refreshBodySchema,
    status: 200,
    response: tokenResponseSchema,
  },
  logout: {
    ...publicJson,
    name: 'logout',
    method: 'POST',
    path: '/api/v1/auth/logout',
    tag: 'auth',
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
    status: 204,
    responseType: 'none',
  },
  forgotPassword: {
    ...publicJson,
    name: 'forgotPassword',
    method: 'POST',
    path: '/api/v1/auth/forgot-password',
    tag: 'auth',
    body: emailBodySchema,
    status: 202,
    response: resetSentSchema,
  },
  resetPassword: {
    ...publicJson,
    name: 'resetPassword',
    method: 'POST',
    path: '/api/v1/auth/reset-password',
    tag: 'auth',
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
    body: changePasswordBodySchema,
    bodyType: 'json',
    status: 204,
    responseType: 'none',
  },
  me: {
    ...userRoute,
    name: 'me',
    method: 'GET',
    path: '/api/v1/auth/me',
    tag: 'auth',
    status: 200,
    response: meResponseSchema,
  },
  listSessions: {
    ...userRoute,
    name: 'listSessions',
    method: 'GET',
    path: '/api/v1/auth/sessions',
    tag: 'auth',
    status: 200,
    response: sessionListSchema,
  },
  revokeSession: {
    ...userRoute,
    name: 'revokeSession',
    method: 'DELETE',
    path: '/api/v1/auth/sessions/:sessionId',
    tag: 'auth',
    params: sessionParamsSchema,
    status: 204,
    responseType: 'none',
  },
  createTenant: {
    ...userRoute,
    auth: 'verified',
    name: 'createTenant',
    method: 'POST',
    path: '/api/v1/tenants',
    tag: 'tenants',
    body: createTenantBodySchema,
    bodyType: 'json',
    status: 201,
    response: tenantResponseSchema,
  },
  listTenants: {
    ...userRoute,
    name: 'listTenants',
    method: 'GET',
    path: '/api/v1/tenants',
    tag: 'tenants',
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
    params: memberParamsSchema,
    body: updateMemberBodySchema,
    bodyType: 'json',
    status: 200,
    response: memberResponseSchema,
  },
  removeMember: {
    ...tenantRoute,
    role: 'admin',
    allowSelf: true,
    name: 'removeMember',
    method: 'DELETE',
    path: '/api/v1/tenants/:tenantId/members/:userId',
    tag: 'members',
    params: memberParamsSchema,
    status: 204,
    responseType: 'none',
  },
  createInvitation: {
    ...tenantRoute,
    role: 'admin',
    name: 'createInvitation',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/invitations',
    tag: 'invitations',
    body: createInvitationBodySchema,
    bodyType: 'json',
    status: 201,
    response: invitationResponseSchema,
  },
  listInvitations: {
    ...tenantRoute,
    role: 'admin',
    name: 'listInvitations',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/invitations',
    tag: 'invitations',
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
    body: tokenBodySchema,
    bodyType: 'json',
    status: 200,
    response: membershipResponseSchema,
  },
  uploadFile: {
    ...tenantRoute,
    role: 'editor',
    name: 'uploadFile',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/files',
    tag: 'files',
    body: uploadFieldsSchema,
    bodyType: 'multipart',
    status: 201,
    response: fileResponseSchema,
  },
  createUpload: {
    ...tenantRoute,
    role: 'editor',
    name: 'createUpload',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/files/uploads',
    tag: 'files',
    body: createUploadBodySchema,
    bodyType: 'json',
    status: 201,
    response: createUploadResponseSchema,
  },
  completeUpload: {
    ...tenantRoute,
    role: 'editor',
    name: 'completeUpload',
    method: 'POST',
    path: '/api/v1/tenants/:tenantId/files/:fileId/complete',
    tag: 'files',
    params: fileParamsSchema,
    status: 200,
    response: fileResponseSchema,
  },
  listFiles: {
    ...tenantRoute,
    role: 'viewer',
    name: 'listFiles',
    method: 'GET',
    path: '/api/v1/tenants/:tenantId/files',
    tag: 'files',
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
