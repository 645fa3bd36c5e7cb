import { updateAuditContext } from '@portalkit/audit';
import type { RequestContext } from '@portalkit/auth';
import type { Request, RequestHandler, Response } from 'express';
import type { Services } from './context.js';
import { auditEventDto, fileDto, invitationDto, memberDto, sessionDto, tenantDto, userDto } from './dto.js';
import { HttpProblem } from './problem.js';
import type { Handlers } from './routes.js';
import { multipartUpload } from './uploads.js';

// biome-ignore lint/suspicious/noExplicitAny: bodies were validated against the contract's schema just before.
type Body = any;

const ctx = (req: Request): RequestContext => ({ ip: req.ip, userAgent: req.get('user-agent') });
const claimsOf = (res: Response) => {
  if (!res.locals.claims) throw new HttpProblem(401, 'unauthorized', 'authentication required');
  return res.locals.claims;
};
const one = (fn: RequestHandler): RequestHandler[] => [fn];

/** The API's handlers, by route name of the contract: thin (parse, call a package, respond). */
export function createHandlers(services: Services): Handlers {
  const { auth, tenancy, audit, authStore, files } = services.platform;
  const input = (res: Response) => res.locals.input;
  const body = (res: Response): Body => res.locals.input.body;
  const tenantId = (res: Response) => input(res).params.tenantId!;

  const tokenResponse = (t: Awaited<ReturnType<typeof auth.login>>) => ({
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    tokenType: t.tokenType,
    expiresIn: t.expiresIn,
    user: userDto(t.user),
  });

  const record = (res: Response, action: string, resource: { type: string; id: string | null }, extra = {}) =>
    audit.record({ action, tenantId: res.locals.tenantId ?? null, resource, ...extra });

  return {
    jwks: one((_req, res) => {
      res.json(services.keySet.jwks());
    }),

    // --- auth -------------------------------------------------------------------------------
    register: one(async (req, res) => {
      res.status(202).json(await auth.register(body(res), ctx(req)));
    }),
    verifyEmail: one(async (req, res) => {
      const { user } = await auth.verifyEmail(body(res), ctx(req));
      res.json({ user: userDto(user) });
    }),
    resendVerification: one(async (req, res) => {
      res.status(202).json(await auth.resendVerification(body(res), ctx(req)));
    }),
    login: one(async (req, res) => {
      res.json(tokenResponse(await auth.login(body(res), ctx(req))));
    }),
    refresh: one(async (req, res) => {
      res.json(tokenResponse(await auth.refresh(body(res), ctx(req))));
    }),
    logout: one(async (req, res) => {
      await auth.logout(body(res), ctx(req));
      res.status(204).end();
    }),
    logoutAll: one(async (req, res) => {
      await auth.logoutAll(claimsOf(res), ctx(req));
      res.status(204).end();
    }),
    forgotPassword: one(async (req, res) => {
      res.status(202).json(await auth.forgotPassword(body(res), ctx(req)));
    }),
    resetPassword: one(async (req, res) => {
      await auth.resetPassword(body(res), ctx(req));
      res.status(204).end();
    }),
    changePassword: one(async (req, res) => {
      await auth.changePassword(claimsOf(res), body(res), ctx(req));
      res.status(204).end();
    }),
    me: one(async (_req, res) => {
      const me = await auth.me(claimsOf(res));
      res.json({
        user: userDto(me.user),
        memberships: me.memberships.map((m) => ({
          tenantId: m.tenantId,
          tenantName: m.tenantName ?? '',
          role: m.role,
        })),
      });
    }),
    listSessions: one(async (_req, res) => {
      res.json({ items: (await auth.listSessions(claimsOf(res))).map(sessionDto) });
    }),
    revokeSession: one(async (req, res) => {
      await auth.revokeSession(claimsOf(res), input(res).params.sessionId!, ctx(req));
      res.status(204).end();
    }),

    // --- tenants and members ----------------------------------------------------------------
    createTenant: one(async (_req, res) => {
      const tenant = await tenancy.createTenant(body(res), { userId: claimsOf(res).sub });
      res.locals.tenantId = tenant.id;
      updateAuditContext({ tenantId: tenant.id });
      await record(res, 'tenant.created', { type: 'tenant', id: tenant.id }, { after: tenantDto(tenant) });
      res.status(201).json({ tenant: tenantDto(tenant) });
    }),
    listTenants: one(async (_req, res) => {
      const page = await tenancy.listTenantsForUser(claimsOf(res).sub, { limit: 100 });
      res.json({ items: page.items.map((m) => tenantDto(m.tenant)) });
    }),
    getTenant: one(async (_req, res) => {
      res.json({ tenant: tenantDto(await tenancy.getTenant(tenantId(res))) });
    }),
    updateTenant: one(async (_req, res) => {
      const before = await tenancy.getTenant(tenantId(res));
      const tenant = await tenancy.updateTenant(tenantId(res), body(res));
      await record(
        res,
        'tenant.updated',
        { type: 'tenant', id: tenant.id },
        {
          before: tenantDto(before),
          after: tenantDto(tenant),
        },
      );
      res.json({ tenant: tenantDto(tenant) });
    }),
    deleteTenant: one(async (_req, res) => {
      const id = tenantId(res);
      await record(res, 'tenant.deleted', { type: 'tenant', id });
      await audit.flush();
      await tenancy.deleteTenant(id);
      res.status(204).end();
    }),
    listMembers: one(async (_req, res) => {
      const { limit, cursor } = input(res).query as { limit: number; cursor?: string };
      const page = await tenancy.listMembers(tenantId(res), { limit, cursor });
      const users = await Promise.all(page.items.map((m) => authStore.findUserById(m.userId)));
      res.json({ items: page.items.map((m, i) => memberDto(m, users[i] ?? null)), nextCursor: page.nextCursor });
    }),
    updateMember: one(async (_req, res) => {
      const userId = input(res).params.userId!;
      const before = await tenancy.getMember(tenantId(res), userId);
      const member = await tenancy.changeMemberRole(tenantId(res), userId, body(res).role);
      await record(
        res,
        'member.role_changed',
        { type: 'member', id: userId },
        {
          before: { role: before?.role ?? null },
          after: { role: member.role },
        },
      );
      res.json({ member: memberDto(member, await authStore.findUserById(userId)) });
    }),
    removeMember: one(async (_req, res) => {
      const userId = input(res).params.userId!;
      await tenancy.removeMember(tenantId(res), userId);
      await record(res, 'member.removed', { type: 'member', id: userId });
      res.status(204).end();
    }),
    createInvitation: one(async (_req, res) => {
      const { email, role } = body(res);
      const { invitation } = await tenancy.inviteMember(tenantId(res), { email, role, invitedBy: claimsOf(res).sub });
      await record(res, 'member.invited', { type: 'invitation', id: invitation.id }, { after: { role } });
      res.status(201).json({ invitation: invitationDto(invitation) });
    }),
    listInvitations: one(async (_req, res) => {
      const { items } = await tenancy.listInvitations(tenantId(res));
      res.json({ items: items.map(invitationDto) });
    }),
    revokeInvitation: one(async (_req, res) => {
      const id = input(res).params.invitationId!;
      await tenancy.revokeInvitation(tenantId(res), id);
      await record(res, 'invitation.revoked', { type: 'invitation', id });
      res.status(204).end();
    }),
    acceptInvitation: one(async (_req, res) => {
      const user = await authStore.findUserById(claimsOf(res).sub);
      if (!user) throw new HttpProblem(401, 'unauthorized', 'authentication required');
      const member = await tenancy.acceptInvitation(body(res).token, {
        id: user.id,
        email: user.email,
        emailVerified: user.emailVerifiedAt !== null,
      });
      const tenant = await tenancy.getTenant(member.tenantId);
      res.locals.tenantId = tenant.id;
      await record(res, 'member.joined', { type: 'member', id: user.id }, { after: { role: member.role } });
      res.json({ membership: { tenantId: tenant.id, tenantName: tenant.name, role: member.role } });
    }),

    // --- files ------------------------------------------------------------------------------
    uploadFile: one(async (req, res) => {
      const file = await multipartUpload(req, files, tenantId(res), claimsOf(res).sub, services.config.maxFileSize);
      await record(
        res,
        'file.uploaded',
        { type: 'file', id: file.id },
        { after: { name: file.name, size: file.size } },
      );
      res.status(201).json({ file: fileDto(file) });
    }),
    createUpload: one(async (_req, res) => {
      const created = await files.createUpload(tenantId(res), { ...body(res), createdBy: claimsOf(res).sub });
      res.status(201).json({
        fileId: created.fileId,
        upload: created.upload,
        expiresAt: created.expiresAt.toISOString(),
      });
    }),
    completeUpload: one(async (_req, res) => {
      const file = await files.completeUpload(tenantId(res), input(res).params.fileId!);
      await record(
        res,
        'file.uploaded',
        { type: 'file', id: file.id },
        { after: { name: file.name, size: file.size } },
      );
      res.json({ file: fileDto(file) });
    }),
    listFiles: one(async (_req, res) => {
      const q = input(res).query as { limit: number; cursor?: string; category?: string; tag?: string; q?: string };
      const page = await files.list(tenantId(res), q);
      res.json({ items: page.items.map(fileDto), nextCursor: page.nextCursor });
    }),
    getFile: one(async (_req, res) => {
      res.json({ file: fileDto(await files.get(tenantId(res), input(res).params.fileId!)) });
    }),
    downloadFile: one(async (req, res) => {
      const result = await files.download(tenantId(res), input(res).params.fileId!, {
        range: req.get('range') ?? null,
      });
      if (result.type === 'redirect') {
        res.setHeader('cache-control', 'no-store');
        res.redirect(302, result.url);
        return;
      }
      res.status(result.status).set(result.headers);
      if (!result.body) {
        res.end();
        return;
      }
      result.body.on('error', () => res.destroy());
      result.body.pipe(res);
    }),
    deleteFile: one(async (_req, res) => {
      const id = input(res).params.fileId!;
      await files.softDelete(tenantId(res), id);
      await record(res, 'file.deleted', { type: 'file', id });
      res.status(204).end();
    }),

    // --- audit ------------------------------------------------------------------------------
    listAuditEvents: one(async (_req, res) => {
      const q = input(res).query as Record<string, string | number | Date | undefined>;
      await audit.flush();
      const page = await audit.query({
        ...filters(q),
        tenantId: tenantId(res),
        limit: q.limit as number,
        cursor: (q.cursor as string) ?? null,
      });
      res.json({ items: page.items.map(auditEventDto), nextCursor: page.nextCursor });
    }),
    exportAuditEvents: one(async (_req, res) => {
      const q = input(res).query as Record<string, string | Date | undefined>;
      const format = q.format === 'csv' ? 'csv' : 'ndjson';
      await audit.flush();
      res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      res.setHeader(
        'content-disposition',
        `attachment; filename="audit-${tenantId(res)}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
      );
      const stream = audit.exportReadable({ ...filters(q), tenantId: tenantId(res), format });
      stream.on('error', (err) => {
        res.locals.log.error({ err }, 'audit export failed mid-stream');
        res.destroy();
      });
      stream.pipe(res);
    }),
    verifyAuditChain: one(async (_req, res) => {
      await audit.flush();
      const result = await audit.verify({ tenantId: tenantId(res) });
      res.json({
        valid: result.valid,
        count: result.count,
        headHash: result.count === 0 ? null : result.headHash,
        ...(result.valid ? {} : { firstBadEventId: result.eventId }),
      });
    }),
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
