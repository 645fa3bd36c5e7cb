import {
  auditEventSchema,
  createProblem,
  createUploadBodySchema,
  fieldErrorsFromZod,
  fileSchema,
  listAuditEventsQuerySchema,
  listFilesQuerySchema,
  loginBodySchema,
  pageQuerySchema,
  problemCodes,
  problemSchema,
  problemStatus,
  registerBodySchema,
  routeList,
  routes,
  slugSchema,
  tokenResponseSchema,
  updateTenantBodySchema,
  uploadFieldsSchema,
} from '@portalkit/client/contract';
import { describe, expect, it } from 'vitest';

const iso = '2026-01-31T12:00:00.000Z';
const user = { id: 'u_1', email: 'ada@example.com', name: 'Ada', emailVerified: true, createdAt: iso };

describe('contract: request bodies', () => {
  it('rejects unknown JSON fields on every JSON body (strict objects)', () => {
    const valid: Record<string, unknown> = {
      register: { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' },
      verifyEmail: { token: 'abc' },
      resendVerification: { email: 'ada@example.com' },
      login: { email: 'ada@example.com', password: 'x' },
      refresh: { refreshToken: 'r'.repeat(43) },
      logout: { refreshToken: 'r'.repeat(43) },
      forgotPassword: { email: 'ada@example.com' },
      resetPassword: { token: 'abc', password: 'a new long password' },
      changePassword: { currentPassword: 'old', newPassword: 'a new long password' },
      createTenant: { name: 'Acme', slug: 'acme' },
      updateTenant: { name: 'Acme 2' },
      updateMember: { role: 'editor' },
      createInvitation: { email: 'bob@example.com', role: 'viewer' },
      acceptInvitation: { token: 'abc' },
      createUpload: { name: 'a.png', size: 10, contentType: 'image/png' },
    };
    const jsonRoutes = routeList.filter((r) => r.bodyType === 'json');
    expect(jsonRoutes.map((r) => r.name).sort()).toEqual(Object.keys(valid).sort());
    for (const route of jsonRoutes) {
      const body = valid[route.name] as Record<string, unknown>;
      expect(route.body?.safeParse(body).success, route.name).toBe(true);
      const extra = route.body?.safeParse({ ...body, isAdmin: true });
      expect(extra?.success, route.name).toBe(false);
      expect(fieldErrorsFromZod(extra!.error!)[0]?.message).toMatch(/isAdmin|unrecognized/i);
    }
  });

  it('validates e-mails, password floor, names and ids', () => {
    expect(registerBodySchema.safeParse({ email: 'nope', password: 'correct horse', name: 'A' }).success).toBe(false);
    const weak = registerBodySchema.safeParse({ email: 'a@example.com', password: 'short', name: 'A' });
    expect(weak.success).toBe(false);
    expect(fieldErrorsFromZod(weak.error!)).toEqual([{ path: 'password', message: 'must be at least 8 characters' }]);
    expect(registerBodySchema.safeParse({ email: 'a@example.com', password: 'long enough', name: '  ' }).success).toBe(
      false,
    );
    expect(loginBodySchema.safeParse({ email: 'a@example.com', password: 'x', tenantId: 'a/b' }).success).toBe(false);
    expect(loginBodySchema.parse({ email: 'a@example.com', password: 'x', tenantId: 't_1' }).tenantId).toBe('t_1');
  });

  it('enforces the slug rule (3..63, lowercase, single dashes)', () => {
    for (const ok of ['abc', 'acme-inc', 'a1-b2-c3', 'x'.repeat(63)])
      expect(slugSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['ab', 'Acme', '-acme', 'acme-', 'ac--me', 'a_b', 'x'.repeat(64)]) {
      expect(slugSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('needs at least one field to update a tenant', () => {
    expect(updateTenantBodySchema.safeParse({}).success).toBe(false);
    expect(updateTenantBodySchema.safeParse({ settings: { allowedOrigins: ['https://app.acme.com'] } }).success).toBe(
      true,
    );
  });

  it('takes the tenant settings the servers store, and rejects unknown or malformed ones', () => {
    const ok = updateTenantBodySchema.safeParse({
      settings: {
        branding: { displayName: 'Acme', logoUrl: 'https://acme.com/logo.png', primaryColor: '#1a2b3c' },
        allowedOrigins: ['https://app.acme.com', 'https://*.acme.com', 'http://localhost:5173'],
        customDomains: ['files.acme.com'],
        limits: { maxMembers: 50, maxStorageBytes: 0, maxFileSizeBytes: 1024 },
      },
    });
    expect(ok.success).toBe(true);
    for (const settings of [
      { theme: 'dark' },
      { branding: { colour: '#000000' } },
      { allowedOrigins: ['https://app.acme.com/path'] },
      { customDomains: ['Files.Acme.com'] },
      { branding: { logoUrl: 'http://acme.com/logo.png' } },
      { limits: { maxMembers: 0 } },
    ]) {
      const result = updateTenantBodySchema.safeParse({ settings });
      expect(result.success, JSON.stringify(settings)).toBe(false);
      expect(result.error?.issues[0]?.path[0]).toBe('settings');
    }
  });

  it('checks direct-upload announcements and multipart text fields', () => {
    expect(createUploadBodySchema.safeParse({ name: 'a', size: 0, contentType: 'image/png' }).success).toBe(false);
    expect(createUploadBodySchema.safeParse({ name: 'a', size: 1.5, contentType: 'image/png' }).success).toBe(false);
    expect(createUploadBodySchema.safeParse({ name: 'a', size: 1, contentType: 'png' }).success).toBe(false);
    expect(uploadFieldsSchema.parse({ category: 'invoices', tags: 'q1, paid,q1' })).toEqual({
      category: 'invoices',
      tags: ['q1', 'paid'],
    });
    expect(uploadFieldsSchema.parse({ tags: ['a', 'b'] })).toEqual({ tags: ['a', 'b'] });
    expect(uploadFieldsSchema.safeParse({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }).success).toBe(false);
    expect(uploadFieldsSchema.safeParse({ owner: 'x' }).success).toBe(false);
  });
});

describe('contract: queries', () => {
  it('coerces limit from the query string, defaults to 20 and bounds it to 1..100', () => {
    expect(pageQuerySchema.parse({})).toEqual({ limit: 20 });
    expect(pageQuerySchema.parse({ limit: '100', cursor: 'abc' })).toEqual({ limit: 100, cursor: 'abc' });
    for (const bad of ['0', '101', '2.5', 'ten', '-1'])
      expect(pageQuerySchema.safeParse({ limit: bad }).success).toBe(false);
    expect(listFilesQuerySchema.parse({ tag: 'q1', q: 'rep' })).toEqual({ limit: 20, tag: 'q1', q: 'rep' });
  });

  it('validates audit filters', () => {
    expect(
      listAuditEventsQuerySchema.parse({ action: 'file.uploaded', from: '2026-01-01T00:00:00+01:00' }),
    ).toMatchObject({
      action: 'file.uploaded',
      limit: 20,
    });
    expect(listAuditEventsQuerySchema.safeParse({ action: 'file.renamed' }).success).toBe(false);
    expect(listAuditEventsQuerySchema.safeParse({ from: 'yesterday' }).success).toBe(false);
    expect(routes.exportAuditEvents.query.parse({})).toEqual({ format: 'ndjson' });
    expect(routes.exportAuditEvents.query.safeParse({ format: 'xml' }).success).toBe(false);
  });

  it('rejects ids that are not opaque url-safe strings in path params', () => {
    expect(routes.getFile.params.safeParse({ tenantId: 't1', fileId: '../x' }).success).toBe(false);
    expect(routes.getFile.params.safeParse({ tenantId: 't1', fileId: '65a1f0c2e4b0a1b2c3d4e5f6' }).success).toBe(true);
  });
});

describe('contract: responses', () => {
  it('accepts the documented shapes and rejects wrong types', () => {
    const pair = { accessToken: 'a.b.c', refreshToken: 'r'.repeat(43), tokenType: 'Bearer', expiresIn: 900, user };
    expect(tokenResponseSchema.parse(pair)).toEqual(pair);
    expect(tokenResponseSchema.safeParse({ ...pair, tokenType: 'bearer' }).success).toBe(false);
    expect(tokenResponseSchema.safeParse({ ...pair, user: { ...user, createdAt: '31/01/2026' } }).success).toBe(false);
    const file = {
      id: 'f1',
      name: 'a.png',
      size: 3,
      contentType: 'image/png',
      checksum: 'a'.repeat(64),
      category: null,
      tags: [],
      status: 'ready',
      createdAt: iso,
      createdBy: 'u_1',
    };
    expect(fileSchema.parse(file)).toEqual(file);
    expect(fileSchema.safeParse({ ...file, size: '3' }).success).toBe(false);
    expect(routes.listFiles.response.parse({ items: [file], nextCursor: null })).toEqual({
      items: [file],
      nextCursor: null,
    });
    expect(routes.listFiles.response.safeParse({ items: [file] }).success).toBe(false);
  });

  it('does not leak unknown server fields to callers (responses strip them)', () => {
    const parsed = routes.me.response.parse({ user: { ...user, passwordHash: 'x' }, memberships: [] });
    expect(parsed.user).not.toHaveProperty('passwordHash');
  });

  it('describes audit events with chained hashes', () => {
    const event = {
      id: 'e1',
      tenantId: null,
      actor: { type: 'anonymous', id: null },
      action: 'auth.login_failed',
      resource: { type: 'user', id: null },
      ip: '127.0.0.1',
      userAgent: null,
      requestId: 'req-1',
      occurredAt: iso,
      hash: 'ab',
      prevHash: null,
    };
    expect(auditEventSchema.parse(event)).toEqual(event);
  });
});

describe('contract: problems', () => {
  it('builds problem bodies that match the problem schema for every code', () => {
    for (const code of problemCodes) {
      const problem = createProblem(code, 'details', { requestId: 'r1' });
      expect(problemSchema.parse(problem)).toMatchObject({ code, status: problemStatus[code], requestId: 'r1' });
    }
    expect(problemStatus.token_expired).toBe(401);
    expect(problemStatus.rate_limited).toBe(429);
    expect(problemSchema.safeParse({ type: 'x', title: 'x', status: 400, code: 'teapot' }).success).toBe(false);
  });
});

describe('contract: route table', () => {
  it('covers every route of API.md exactly once, with the role per route', () => {
    const table = routeList.map((r) => `${r.method} ${r.path} ${r.role ?? r.auth}`);
    expect(new Set(table.map((t) => t.split(' ').slice(0, 2).join(' '))).size).toBe(routeList.length);
    expect(table).toEqual([
      'GET /health none',
      'GET /ready none',
      'GET /openapi.json none',
      'GET /docs none',
      'GET /.well-known/jwks.json none',
      'POST /api/v1/auth/register none',
      'POST /api/v1/auth/verify-email none',
      'POST /api/v1/auth/resend-verification none',
      'POST /api/v1/auth/login none',
      'POST /api/v1/auth/refresh none',
      'POST /api/v1/auth/logout none',
      'POST /api/v1/auth/logout-all user',
      'POST /api/v1/auth/forgot-password none',
      'POST /api/v1/auth/reset-password none',
      'POST /api/v1/auth/change-password user',
      'GET /api/v1/auth/me user',
      'GET /api/v1/auth/sessions user',
      'DELETE /api/v1/auth/sessions/:sessionId user',
      'POST /api/v1/tenants verified',
      'GET /api/v1/tenants user',
      'GET /api/v1/tenants/:tenantId viewer',
      'PATCH /api/v1/tenants/:tenantId admin',
      'DELETE /api/v1/tenants/:tenantId admin',
      'GET /api/v1/tenants/:tenantId/members viewer',
      'PATCH /api/v1/tenants/:tenantId/members/:userId admin',
      'DELETE /api/v1/tenants/:tenantId/members/:userId admin',
      'POST /api/v1/tenants/:tenantId/invitations admin',
      'GET /api/v1/tenants/:tenantId/invitations admin',
      'DELETE /api/v1/tenants/:tenantId/invitations/:invitationId admin',
      'POST /api/v1/invitations/accept user',
      'POST /api/v1/tenants/:tenantId/files editor',
      'POST /api/v1/tenants/:tenantId/files/uploads editor',
      'POST /api/v1/tenants/:tenantId/files/:fileId/complete editor',
      'GET /api/v1/tenants/:tenantId/files viewer',
      'GET /api/v1/tenants/:tenantId/files/:fileId viewer',
      'GET /api/v1/tenants/:tenantId/files/:fileId/download viewer',
      'DELETE /api/v1/tenants/:tenantId/files/:fileId editor',
      'GET /api/v1/tenants/:tenantId/audit-events admin',
      'GET /api/v1/tenants/:tenantId/audit-events/export admin',
      'GET /api/v1/tenants/:tenantId/audit-events/verify admin',
    ]);
    expect(routes.removeMember.allowSelf).toBe(true);
  });

  it('gives every path parameter a schema and every route a name matching its key', () => {
    for (const [key, route] of Object.entries(routes)) {
      expect(route.name).toBe(key);
      const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      expect(Object.keys(route.params?.shape ?? {}).sort(), route.name).toEqual(names.sort());
      if (route.role) expect(names).toContain('tenantId');
      if (route.responseType === 'json') expect(route.response, route.name).not.toBeNull();
    }
  });
});
