import type { Readable } from 'node:stream';
import { updateAuditContext } from '@portalkit/audit';
import type { AccessTokenClaims, RequestContext } from '@portalkit/auth';
import type { RouteName } from '@portalkit/client/contract';
import { isStorageError } from '@portalkit/storage';
import type { Platform } from '../platform.js';
import { auditEventDto, fileDto, invitationDto, memberDto, sessionDto, tenantDto, userDto } from './dto.js';
import type { RouteInput } from './input.js';
import { ApiProblem } from './problem.js';
import { type MultipartRequest, receiveUpload } from './uploads.js';

/** What an {@link Operation} gets: the validated input, the caller, and the request parts it may need. */
export interface OperationRequest extends RouteInput {
  /** Verified claims of the caller (`null` on public routes). */
  claims: AccessTokenClaims | null;
  /** The client's address and user agent (rate limits, sessions, audit). */
  client: RequestContext;
  /** A request header by lower-case name (`range` for downloads). */
  header(name: string): string | undefined;
  /** The raw multipart body (the upload route only). */
  multipart?(): MultipartRequest;
}

/**
 * What the server sends for an operation: JSON, no body, a redirect, or a stream. `tenantId`
 * names the tenant the request turned out to concern (for the request log).
 */
export type OperationResult = (
  | {
      /** A JSON body. */
      type: 'json';
      /** HTTP status. */
      status: number;
      /** The body (serialise with `JSON.stringify`). */
      body: unknown;
    }
  | {
      /** No body (204, or a HEAD-like answer). */
      type: 'empty';
      /** HTTP status. */
      status: number;
      /** Headers to send. */
      headers?: Record<string, string>;
    }
  | {
      /** A redirect. */
      type: 'redirect';
      /** 302. */
      status: 302;
      /** The target URL. */
      location: string;
      /** Headers to send. */
      headers: Record<string, string>;
    }
  | {
      /** A streamed body. */
      type: 'stream';
      /** HTTP status. */
      status: number;
      /** Headers to send (content type, length, disposition, range). */
      headers: Record<string, string>;
      /** The bytes; destroy the response when it errors mid-way. */
      body: Readable;
    }
) & {
  /** The tenant the request concerned, when the route's path did not say. */
  tenantId?: string;
};

/**
 * One route of the reference API: the package calls, the audit record and the wire shape, with
 * no HTTP framework involved.
 *
 * @example
 * ```ts
 * import type { Operation } from '@portalkit/platform/http';
 *
 * const health: Operation = async () => ({ type: 'json', status: 200, body: { status: 'ok' } });
 * ```
 */
export type Operation = (request: OperationRequest) => Promise<OperationResult>;

/** Routes of the contract that the servers answer themselves (no operation). */
export type SystemRouteName = 'health' | 'ready' | 'openapi' | 'docs';

/**
 * The routes an operation serves: every route of the contract except the system ones.
 *
 * @example
 * ```ts
 * import type { ApiRouteName } from '@portalkit/platform/http';
 *
 * const name: ApiRouteName = 'login';
 * ```
 */
export type ApiRouteName = Exclude<RouteName, SystemRouteName>;

/**
 * The system routes, served by the framework itself (health, readiness, OpenAPI, docs).
 *
 * @example
 * ```ts
 * import { routeList } from '@portalkit/client/contract';
 * import { SYSTEM_ROUTES } from '@portalkit/platform/http';
 *
 * const apiRoutes = routeList.filter((route) => !SYSTEM_ROUTES.has(route.name));
 * ```
 */
export const SYSTEM_ROUTES: ReadonlySet<string> = new Set<SystemRouteName>(['health', 'ready', 'openapi', 'docs']);

/** Every API route's operation, by the contract's route name. */
export type Operations = Record<ApiRouteName, Operation>;

// biome-ignore lint/suspicious/noExplicitAny: bodies were validated against the contract's schema before.
type Body = any;

const json = (body: unknown, status = 200): OperationResult => ({ type: 'json', status, body });
const empty = (status = 204): OperationResult => ({ type: 'empty', status });

function claimsOf(request: OperationRequest): AccessTokenClaims {
  if (!request.claims) throw new ApiProblem(401, 'unauthorized', 'authentication required');
  return request.claims;
}

const param = (request: OperationRequest, name: string) => request.params[name]!;

function filters(q: Record<string, unknown>) {
  const out: { actorId?: string; action?: string; resourceType?: string; resourceId?: string; from?: Date; to?: Date } =
    {};
  for (const key of ['actorId', 'action', 'resourceType', 'resourceId'] as const) {
    if (typeof q[key] === 'string') out[key] = q[key] as string;
  }
  for (const key of ['from', 'to'] as const) {
    const v = q[key];
    if (v instanceof Date) out[key] = v;
    else if (typeof v === 'string') out[key] = new Date(v);
  }
  return out;
}

/**
 * Every route of the reference API as a framework-neutral function: call the package, record the
 * audit event of a state change, shape the answer. A server's handler for a route parses the
 * request with its framework, calls the operation and sends the {@link OperationResult}.
 *
 * @example
 * ```ts
 * import { createOperations } from '@portalkit/platform/http';
 *
 * const operations = createOperations(platform);
 * const result = await operations.login({
 *   params: {},
 *   query: {},
 *   body: { email: 'ada@example.com', password: 'correct horse battery staple' },
 *   claims: null,
 *   client: { ip: '127.0.0.1', userAgent: 'curl/8' },
 *   header: () => undefined,
 * });
 * ```
 */
export function createOperations(platform: Platform): Operations {
  const { auth, tenancy, audit, authStore, files, keySet, config } = platform;
  const body = (request: OperationRequest): Body => request.body;

  const tokens = (t: Awaited<ReturnType<typeof auth.login>>) =>
    json({
      accessToken: t.accessToken,
      refreshToken: t.refreshToken,
      tokenType: t.tokenType,
      expiresIn: t.expiresIn,
      user: userDto(t.user),
    });

  const record = (
    tenantId: string | null,
    action: string,
    resource: { type: string; id: string | null },
    extra: { before?: Record<string, unknown>; after?: Record<string, unknown> } = {},
  ) => audit.record({ action, tenantId, resource, ...extra });

  const uploaded = async (tenantId: string, file: Awaited<ReturnType<typeof files.get>>, status: number) => {
    await record(
      tenantId,
      'file.uploaded',
      { type: 'file', id: file.id },
      { after: { name: file.name, size: file.size } },
    );
    return json({ file: fileDto(file) }, status);
  };

  return {
    jwks: async () => json(keySet.jwks()),

    // --- auth -------------------------------------------------------------------------------
    register: async (r) => json(await auth.register(body(r), r.client), 202),
    verifyEmail: async (r) => json({ user: userDto((await auth.verifyEmail(body(r), r.client)).user) }),
    resendVerification: async (r) => json(await auth.resendVerification(body(r), r.client), 202),
    login: async (r) => tokens(await auth.login(body(r), r.client)),
    refresh: async (r) => tokens(await auth.refresh(body(r), r.client)),
    logout: async (r) => {
      await auth.logout(body(r), r.client);
      return empty();
    },
    logoutAll: async (r) => {
      await auth.logoutAll(claimsOf(r), r.client);
      return empty();
    },
    forgotPassword: async (r) => json(await auth.forgotPassword(body(r), r.client), 202),
    resetPassword: async (r) => {
      await auth.resetPassword(body(r), r.client);
      return empty();
    },
    changePassword: async (r) => {
      await auth.changePassword(claimsOf(r), body(r), r.client);
      return empty();
    },
    me: async (r) => {
      const me = await auth.me(claimsOf(r));
      return json({
        user: userDto(me.user),
        memberships: me.memberships.map((m) => ({
          tenantId: m.tenantId,
          tenantName: m.tenantName ?? '',
          role: m.role,
        })),
      });
    },
    listSessions: async (r) => json({ items: (await auth.listSessions(claimsOf(r))).map(sessionDto) }),
    revokeSession: async (r) => {
      await auth.revokeSession(claimsOf(r), param(r, 'sessionId'), r.client);
      return empty();
    },

    // --- tenants and members ----------------------------------------------------------------
    createTenant: async (r) => {
      const tenant = await tenancy.createTenant(body(r), { userId: claimsOf(r).sub });
      updateAuditContext({ tenantId: tenant.id });
      await record(tenant.id, 'tenant.created', { type: 'tenant', id: tenant.id }, { after: tenantDto(tenant) });
      return { ...json({ tenant: tenantDto(tenant) }, 201), tenantId: tenant.id };
    },
    listTenants: async (r) => {
      // Every tenant of the caller (API.md: the tenants the caller belongs to), not one page.
      const memberships = await tenancy.listAllTenantsForUser(claimsOf(r).sub);
      return json({ items: memberships.map((m) => tenantDto(m.tenant)) });
    },
    getTenant: async (r) => json({ tenant: tenantDto(await tenancy.getTenant(param(r, 'tenantId'))) }),
    updateTenant: async (r) => {
      const id = param(r, 'tenantId');
      const before = await tenancy.getTenant(id);
      const tenant = await tenancy.updateTenant(id, body(r));
      await record(
        id,
        'tenant.updated',
        { type: 'tenant', id },
        { before: tenantDto(before), after: tenantDto(tenant) },
      );
      return json({ tenant: tenantDto(tenant) });
    },
    deleteTenant: async (r) => {
      const id = param(r, 'tenantId');
      await record(id, 'tenant.deleted', { type: 'tenant', id });
      await audit.flush();
      await tenancy.deleteTenant(id);
      return empty();
    },
    listMembers: async (r) => {
      const { limit, cursor } = r.query as { limit: number; cursor?: string };
      const page = await tenancy.listMembers(param(r, 'tenantId'), { limit, cursor });
      const users = await Promise.all(page.items.map((m) => authStore.findUserById(m.userId)));
      return json({ items: page.items.map((m, i) => memberDto(m, users[i] ?? null)), nextCursor: page.nextCursor });
    },
    updateMember: async (r) => {
      const [tenantId, userId] = [param(r, 'tenantId'), param(r, 'userId')];
      const before = await tenancy.getMember(tenantId, userId);
      const member = await tenancy.changeMemberRole(tenantId, userId, body(r).role);
      await record(
        tenantId,
        'member.role_changed',
        { type: 'member', id: userId },
        { before: { role: before?.role ?? null }, after: { role: member.role } },
      );
      return json({ member: memberDto(member, await authStore.findUserById(userId)) });
    },
    removeMember: async (r) => {
      const [tenantId, userId] = [param(r, 'tenantId'), param(r, 'userId')];
      await tenancy.removeMember(tenantId, userId);
      await record(tenantId, 'member.removed', { type: 'member', id: userId });
      return empty();
    },
    createInvitation: async (r) => {
      const tenantId = param(r, 'tenantId');
      const { email, role } = body(r);
      const { invitation } = await tenancy.inviteMember(tenantId, { email, role, invitedBy: claimsOf(r).sub });
      await record(tenantId, 'member.invited', { type: 'invitation', id: invitation.id }, { after: { role } });
      return json({ invitation: invitationDto(invitation) }, 201);
    },
    listInvitations: async (r) =>
      json({ items: (await tenancy.listInvitations(param(r, 'tenantId'))).items.map(invitationDto) }),
    revokeInvitation: async (r) => {
      const [tenantId, id] = [param(r, 'tenantId'), param(r, 'invitationId')];
      await tenancy.revokeInvitation(tenantId, id);
      await record(tenantId, 'invitation.revoked', { type: 'invitation', id });
      return empty();
    },
    acceptInvitation: async (r) => {
      const user = await authStore.findUserById(claimsOf(r).sub);
      if (!user) throw new ApiProblem(401, 'unauthorized', 'authentication required');
      const member = await tenancy.acceptInvitation(body(r).token, {
        id: user.id,
        email: user.email,
        emailVerified: user.emailVerifiedAt !== null,
      });
      const tenant = await tenancy.getTenant(member.tenantId);
      await record(tenant.id, 'member.joined', { type: 'member', id: user.id }, { after: { role: member.role } });
      return {
        ...json({ membership: { tenantId: tenant.id, tenantName: tenant.name, role: member.role } }),
        tenantId: tenant.id,
      };
    },

    // --- files ------------------------------------------------------------------------------
    uploadFile: async (r) => {
      const tenantId = param(r, 'tenantId');
      if (!r.multipart) throw new ApiProblem(415, 'unsupported_media_type', 'send the file as multipart/form-data');
      const file = await receiveUpload(r.multipart(), {
        files,
        tenantId,
        createdBy: claimsOf(r).sub,
        maxSize: config.maxFileSize,
      });
      return uploaded(tenantId, file, 201);
    },
    createUpload: async (r) => {
      const created = await files.createUpload(param(r, 'tenantId'), { ...body(r), createdBy: claimsOf(r).sub });
      return json({ fileId: created.fileId, upload: created.upload, expiresAt: created.expiresAt.toISOString() }, 201);
    },
    completeUpload: async (r) => {
      const tenantId = param(r, 'tenantId');
      let completedHere = false;
      let file: Awaited<ReturnType<typeof files.completeUpload>>;
      try {
        file = await files.completeUpload(tenantId, param(r, 'fileId'), {
          onCompleted: () => {
            completedHere = true;
          },
        });
      } catch (err) {
        // API.md: bytes that are not what was announced answer 400 (the upload is removed), the
        // type and size checks included; an unknown file stays 404.
        if (isStorageError(err) && (err.code === 'type_not_allowed' || err.code === 'too_large')) {
          const why = err.code === 'too_large' ? 'larger than the limit' : 'of a type that is not allowed';
          throw new ApiProblem(400, 'validation_failed', `the uploaded file is ${why}; it was removed`);
        }
        throw err;
      }
      // Completing again (or after another instance did) answers the same file, recorded once.
      return completedHere ? uploaded(tenantId, file, 200) : json({ file: fileDto(file) });
    },
    listFiles: async (r) => {
      const q = r.query as { limit: number; cursor?: string; category?: string; tag?: string; q?: string };
      const page = await files.list(param(r, 'tenantId'), q);
      return json({ items: page.items.map(fileDto), nextCursor: page.nextCursor });
    },
    getFile: async (r) => json({ file: fileDto(await files.get(param(r, 'tenantId'), param(r, 'fileId'))) }),
    downloadFile: async (r) => {
      const result = await files.download(param(r, 'tenantId'), param(r, 'fileId'), {
        range: r.header('range') ?? null,
      });
      if (result.type === 'redirect') {
        return { type: 'redirect', status: 302, location: result.url, headers: { 'cache-control': 'no-store' } };
      }
      if (result.status === 416) {
        // RFC 9110: 416 with the file's size in Content-Range; the body is a problem like any error.
        throw new ApiProblem(416, 'validation_failed', 'the requested range is not satisfiable', {
          errors: [{ path: 'range', message: `no byte of the range is inside the file (${result.file.size} bytes)` }],
          headers: result.headers,
        });
      }
      if (!result.body) return { type: 'empty', status: result.status, headers: result.headers };
      return { type: 'stream', status: result.status, headers: result.headers, body: result.body };
    },
    deleteFile: async (r) => {
      const [tenantId, id] = [param(r, 'tenantId'), param(r, 'fileId')];
      await files.softDelete(tenantId, id);
      await record(tenantId, 'file.deleted', { type: 'file', id });
      return empty();
    },

    // --- audit ------------------------------------------------------------------------------
    listAuditEvents: async (r) => {
      const q = r.query;
      await audit.flush();
      const page = await audit.query({
        ...filters(q),
        tenantId: param(r, 'tenantId'),
        limit: q.limit as number,
        cursor: (q.cursor as string | undefined) ?? null,
      });
      return json({ items: page.items.map(auditEventDto), nextCursor: page.nextCursor });
    },
    exportAuditEvents: async (r) => {
      const tenantId = param(r, 'tenantId');
      const format = r.query.format === 'csv' ? 'csv' : 'ndjson';
      await audit.flush();
      return {
        type: 'stream',
        status: 200,
        headers: {
          'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
          'content-disposition': `attachment; filename="audit-${tenantId}.${format}"`,
        },
        body: audit.exportReadable({ ...filters(r.query), tenantId, format }),
      };
    },
    verifyAuditChain: async (r) => {
      await audit.flush();
      const result = await audit.verify({ tenantId: param(r, 'tenantId') });
      return json({
        valid: result.valid,
        count: result.count,
        headHash: result.count === 0 ? null : result.headHash,
        ...(result.valid ? {} : { firstBadEventId: result.eventId }),
      });
    },
  };
}
