import { Readable } from 'node:stream';
import { updateAuditContext } from '@portalkit/audit';
import type { AccessTokenClaims, RequestContext } from '@portalkit/auth';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import type { Handlers } from './app.js';
import type { AppEnv, Services } from './context.js';
import { auditEventDto, fileDto, invitationDto, memberDto, sessionDto, tenantDto, userDto } from './dto.js';
import { HttpProblem } from './problem.js';
import { multipartUpload } from './uploads.js';

type C = Context<AppEnv>;
// biome-ignore lint/suspicious/noExplicitAny: bodies were validated against the contract's schema just before.
type Body = any;

const ctx = (c: C): RequestContext => ({ ip: c.var.clientIp, userAgent: c.req.header('user-agent') });
const claimsOf = (c: C): AccessTokenClaims => {
  if (!c.var.claims) throw new HttpProblem(401, 'unauthorized', 'authentication required');
  return c.var.claims;
};
const body = (c: C): Body => c.var.input.body;
const param = (c: C, name: string) => c.var.input.params[name]!;

/** The API's handlers, by route name of the contract: thin (parse, call a package, respond). */
export function createHandlers(services: Services): Handlers {
  const { auth, tenancy, audit, authStore, files } = services.platform;

  const tokens = (t: Awaited<ReturnType<typeof auth.login>>) => ({
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    tokenType: t.tokenType,
    expiresIn: t.expiresIn,
    user: userDto(t.user),
  });
  const record = (c: C, action: string, resource: { type: string; id: string | null }, extra = {}) =>
    audit.record({ action, tenantId: c.var.tenantId ?? null, resource, ...extra });

  return {
    jwks: [(c) => c.json(services.keySet.jwks())],

    // --- auth -------------------------------------------------------------------------------
    register: [async (c) => c.json(await auth.register(body(c), ctx(c)), 202)],
    verifyEmail: [async (c) => c.json({ user: userDto((await auth.verifyEmail(body(c), ctx(c))).user) })],
    resendVerification: [async (c) => c.json(await auth.resendVerification(body(c), ctx(c)), 202)],
    login: [async (c) => c.json(tokens(await auth.login(body(c), ctx(c))))],
    refresh: [async (c) => c.json(tokens(await auth.refresh(body(c), ctx(c))))],
    logout: [
      async (c) => {
        await auth.logout(body(c), ctx(c));
        return c.body(null, 204);
      },
    ],
    logoutAll: [
      async (c) => {
        await auth.logoutAll(claimsOf(c), ctx(c));
        return c.body(null, 204);
      },
    ],
    forgotPassword: [async (c) => c.json(await auth.forgotPassword(body(c), ctx(c)), 202)],
    resetPassword: [
      async (c) => {
        await auth.resetPassword(body(c), ctx(c));
        return c.body(null, 204);
      },
    ],
    changePassword: [
      async (c) => {
        await auth.changePassword(claimsOf(c), body(c), ctx(c));
        return c.body(null, 204);
      },
    ],
    me: [
      async (c) => {
        const me = await auth.me(claimsOf(c));
        return c.json({
          user: userDto(me.user),
          memberships: me.memberships.map((m) => ({
            tenantId: m.tenantId,
            tenantName: m.tenantName ?? '',
            role: m.role,
          })),
        });
      },
    ],
    listSessions: [async (c) => c.json({ items: (await auth.listSessions(claimsOf(c))).map(sessionDto) })],
    revokeSession: [
      async (c) => {
        await auth.revokeSession(claimsOf(c), param(c, 'sessionId'), ctx(c));
        return c.body(null, 204);
      },
    ],

    // --- tenants and members ----------------------------------------------------------------
    createTenant: [
      async (c) => {
        const tenant = await tenancy.createTenant(body(c), { userId: claimsOf(c).sub });
        c.set('tenantId', tenant.id);
        updateAuditContext({ tenantId: tenant.id });
        await record(c, 'tenant.created', { type: 'tenant', id: tenant.id }, { after: tenantDto(tenant) });
        return c.json({ tenant: tenantDto(tenant) }, 201);
      },
    ],
    listTenants: [
      async (c) => {
        const page = await tenancy.listTenantsForUser(claimsOf(c).sub, { limit: 100 });
        return c.json({ items: page.items.map((m) => tenantDto(m.tenant)) });
      },
    ],
    getTenant: [async (c) => c.json({ tenant: tenantDto(await tenancy.getTenant(param(c, 'tenantId'))) })],
    updateTenant: [
      async (c) => {
        const before = await tenancy.getTenant(param(c, 'tenantId'));
        const tenant = await tenancy.updateTenant(param(c, 'tenantId'), body(c));
        await record(
          c,
          'tenant.updated',
          { type: 'tenant', id: tenant.id },
          {
            before: tenantDto(before),
            after: tenantDto(tenant),
          },
        );
        return c.json({ tenant: tenantDto(tenant) });
      },
    ],
    deleteTenant: [
      async (c) => {
        const id = param(c, 'tenantId');
        await record(c, 'tenant.deleted', { type: 'tenant', id });
        await audit.flush();
        await tenancy.deleteTenant(id);
        return c.body(null, 204);
      },
    ],
    listMembers: [
      async (c) => {
        const { limit, cursor } = c.var.input.query as { limit: number; cursor?: string };
        const page = await tenancy.listMembers(param(c, 'tenantId'), { limit, cursor });
        const users = await Promise.all(page.items.map((m) => authStore.findUserById(m.userId)));
        return c.json({
          items: page.items.map((m, i) => memberDto(m, users[i] ?? null)),
          nextCursor: page.nextCursor,
        });
      },
    ],
    updateMember: [
      async (c) => {
        const [tenantId, userId] = [param(c, 'tenantId'), param(c, 'userId')];
        const before = await tenancy.getMember(tenantId, userId);
        const member = await tenancy.changeMemberRole(tenantId, userId, body(c).role);
        await record(
          c,
          'member.role_changed',
          { type: 'member', id: userId },
          {
            before: { role: before?.role ?? null },
            after: { role: member.role },
          },
        );
        return c.json({ member: memberDto(member, await authStore.findUserById(userId)) });
      },
    ],
    removeMember: [
      async (c) => {
        const userId = param(c, 'userId');
        await tenancy.removeMember(param(c, 'tenantId'), userId);
        await record(c, 'member.removed', { type: 'member', id: userId });
        return c.body(null, 204);
      },
    ],
    createInvitation: [
      async (c) => {
        const { email, role } = body(c);
        const { invitation } = await tenancy.inviteMember(param(c, 'tenantId'), {
          email,
          role,
          invitedBy: claimsOf(c).sub,
        });
        await record(c, 'member.invited', { type: 'invitation', id: invitation.id }, { after: { role } });
        return c.json({ invitation: invitationDto(invitation) }, 201);
      },
    ],
    listInvitations: [
      async (c) => c.json({ items: (await tenancy.listInvitations(param(c, 'tenantId'))).items.map(invitationDto) }),
    ],
    revokeInvitation: [
      async (c) => {
        const id = param(c, 'invitationId');
        await tenancy.revokeInvitation(param(c, 'tenantId'), id);
        await record(c, 'invitation.revoked', { type: 'invitation', id });
        return c.body(null, 204);
      },
    ],
    acceptInvitation: [
      async (c) => {
        const user = await authStore.findUserById(claimsOf(c).sub);
        if (!user) throw new HttpProblem(401, 'unauthorized', 'authentication required');
        const member = await tenancy.acceptInvitation(body(c).token, {
          id: user.id,
          email: user.email,
          emailVerified: user.emailVerifiedAt !== null,
        });
        const tenant = await tenancy.getTenant(member.tenantId);
        c.set('tenantId', tenant.id);
        await record(c, 'member.joined', { type: 'member', id: user.id }, { after: { role: member.role } });
        return c.json({ membership: { tenantId: tenant.id, tenantName: tenant.name, role: member.role } });
      },
    ],

    // --- files ------------------------------------------------------------------------------
    uploadFile: [
      async (c) => {
        const file = await multipartUpload(
          c,
          files,
          param(c, 'tenantId'),
          claimsOf(c).sub,
          services.config.maxFileSize,
        );
        await record(
          c,
          'file.uploaded',
          { type: 'file', id: file.id },
          { after: { name: file.name, size: file.size } },
        );
        return c.json({ file: fileDto(file) }, 201);
      },
    ],
    createUpload: [
      async (c) => {
        const created = await files.createUpload(param(c, 'tenantId'), { ...body(c), createdBy: claimsOf(c).sub });
        return c.json(
          { fileId: created.fileId, upload: created.upload, expiresAt: created.expiresAt.toISOString() },
          201,
        );
      },
    ],
    completeUpload: [
      async (c) => {
        const file = await files.completeUpload(param(c, 'tenantId'), param(c, 'fileId'));
        await record(
          c,
          'file.uploaded',
          { type: 'file', id: file.id },
          { after: { name: file.name, size: file.size } },
        );
        return c.json({ file: fileDto(file) });
      },
    ],
    listFiles: [
      async (c) => {
        const q = c.var.input.query as { limit: number; cursor?: string; category?: string; tag?: string; q?: string };
        const page = await files.list(param(c, 'tenantId'), q);
        return c.json({ items: page.items.map(fileDto), nextCursor: page.nextCursor });
      },
    ],
    getFile: [async (c) => c.json({ file: fileDto(await files.get(param(c, 'tenantId'), param(c, 'fileId'))) })],
    downloadFile: [
      async (c) => {
        const result = await files.download(param(c, 'tenantId'), param(c, 'fileId'), {
          range: c.req.header('range') ?? null,
        });
        if (result.type === 'redirect') {
          c.header('cache-control', 'no-store');
          return c.redirect(result.url, 302);
        }
        if (!result.body) return c.body(null, result.status, result.headers);
        return c.body(
          Readable.toWeb(result.body) as unknown as ReadableStream<Uint8Array>,
          result.status,
          result.headers,
        );
      },
    ],
    deleteFile: [
      async (c) => {
        const id = param(c, 'fileId');
        await files.softDelete(param(c, 'tenantId'), id);
        await record(c, 'file.deleted', { type: 'file', id });
        return c.body(null, 204);
      },
    ],

    // --- audit ------------------------------------------------------------------------------
    listAuditEvents: [
      async (c) => {
        const q = c.var.input.query;
        await audit.flush();
        const page = await audit.query({
          ...filters(q),
          tenantId: param(c, 'tenantId'),
          limit: q.limit as number,
          cursor: (q.cursor as string | undefined) ?? null,
        });
        return c.json({ items: page.items.map(auditEventDto), nextCursor: page.nextCursor });
      },
    ],
    exportAuditEvents: [
      async (c) => {
        const q = c.var.input.query;
        const format = q.format === 'csv' ? 'csv' : 'ndjson';
        const tenantId = param(c, 'tenantId');
        await audit.flush();
        c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
        c.header('content-disposition', `attachment; filename="audit-${tenantId}.${format}"`);
        return stream(c, async (out) => {
          for await (const chunk of audit.export({ ...filters(q), tenantId, format })) await out.write(chunk);
        });
      },
    ],
    verifyAuditChain: [
      async (c) => {
        await audit.flush();
        const result = await audit.verify({ tenantId: param(c, 'tenantId') });
        return c.json({
          valid: result.valid,
          count: result.count,
          headHash: result.count === 0 ? null : result.headHash,
          ...(result.valid ? {} : { firstBadEventId: result.eventId }),
        });
      },
    ],
  };
}

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
