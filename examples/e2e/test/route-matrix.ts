import type { PortalkitClient } from '@portalkit/client';
import { type Role, type RouteDefinition, type RouteName, routeList } from '@portalkit/client/contract';
import { expect } from 'vitest';

// The coverage registry of the e2e suite: one entry per route of the contract (the code form of
// API.md), checked by coverage.test.ts against `routeList` and against the test files it names.
//
// - A tenant route carries a `TenantRouteCase`: how to call it through @portalkit/client. The
//   role-by-role and cross-tenant tests of route-matrix-suite.ts (run by api.test.ts) are generated
//   from these, for both servers in every mode: viewer, editor and admin of the tenant (allowed: the route's success
//   status; below the role: 403), the member themself where API.md allows it, an anonymous caller
//   (401), a signed-in non-member (404), another tenant's admin (404), a member of both tenants
//   holding a token for the other one (404), and the other tenant's admin using this tenant's
//   resource ids under their own tenant's path (404).
// - Every other route names the tests that cover its row of API.md (`coveredBy`); routes that need
//   a signed-in user also get a generated anonymous-401 test.
//
// A route added to the contract without an entry here fails the typecheck (the registry is keyed by
// `RouteName`) and coverage.test.ts; a tenant route without a case cannot be registered.

/** The routes route-matrix-suite.ts generates a role-by-role and cross-tenant test for: every tenant route. */
export const matrixRoutes = (): RouteDefinition[] => routeList.filter((r) => r.role !== null);

/** The routes it generates an anonymous-401 test for: every other route that needs a signed-in user. */
export const signedInRoutes = (): RouteDefinition[] => routeList.filter((r) => r.auth !== 'none' && r.role === null);

/** The tenant's resources a call can target (one set per tenant of the fixture). */
export interface TenantIds {
  tenantId: string;
  /** A member who holds no role of the matrix (the target of the member routes). */
  memberId: string;
  /** A pending invitation. */
  invitationId: string;
  /** A ready file. */
  fileId: string;
  /** A direct upload whose bytes are at the provider but which is not completed. */
  pendingFileId: string;
}

/** What a case's `fresh` and `check` may use: tenant A and its admin. */
export interface MatrixFixture {
  /** A's admin (token for A). */
  admin: PortalkitClient;
  /** Tenant A's standing resources. */
  a: TenantIds;
  /** Makes the target member (`a.memberId`) a viewer of A again if they left, holding a token for A. */
  ensureTarget(): Promise<void>;
  /** A new direct upload into A with its bytes put but not completed; returns its file id. */
  pendingUpload(): Promise<string>;
  /** A new tenant whose only member is A's admin, and a client of theirs holding a token for it. */
  throwawayTenant(): Promise<{ client: PortalkitClient; tenantId: string }>;
  /** A name unique within the run (e-mails, file names). */
  unique(prefix: string): string;
}

/** How to call one tenant route through @portalkit/client, and how to check a successful answer. */
export interface TenantRouteCase {
  /** Calls the route on `ids.tenantId` with `ids`' resources. Resolves with the client's answer. */
  call(c: PortalkitClient, ids: TenantIds): Promise<unknown>;
  /**
   * Makes what a successful call consumes (a file to delete, an invitation to revoke, ...): runs
   * before each call that is expected to succeed. `client` replaces the caller's client.
   */
  fresh?(fx: MatrixFixture): Promise<{ ids?: Partial<TenantIds>; client?: PortalkitClient }>;
  /** Checks the answer (and its effect) of a call that succeeded as expected. */
  check?(answer: unknown, ids: TenantIds, fx: MatrixFixture): Promise<void> | void;
}

/** A test that covers (part of) a route's row of API.md: its file under test/ and its title. */
export interface TestRef {
  file: string;
  test: string;
}

/** The registry entry of one route. */
export type RouteCoverage =
  | {
      kind: 'tenant';
      /** The role column of API.md (checked against the contract's `role`). */
      role: Role;
      /** API.md: "(or the member themself)". */
      allowSelf?: true;
      case: TenantRouteCase;
      /** Tests asserting the row's answer details beyond the role matrix. */
      coveredBy: TestRef[];
    }
  | {
      /** `none`: public; `user`: signed in; `verified`: signed in with a verified e-mail. */
      kind: 'none' | 'user' | 'verified';
      coveredBy: TestRef[];
    };

const api = (test: string): TestRef => ({ file: 'api.test.ts', test });
const platform = (test: string): TestRef => ({ file: 'platform.test.ts', test });
const audit = (test: string): TestRef => ({ file: 'auth-audit.test.ts', test });
const hardening = (test: string): TestRef => ({ file: 'hardening.test.ts', test });
const matrix = (test: string): TestRef => ({ file: 'route-matrix-suite.ts', test });
const instances = (test: string): TestRef => ({ file: 'access-instances.test.ts', test });
const paging = matrix('pages: limit and cursor walk every item once');

const FILE_TEXT = 'matrix bytes\n';
const text = () => new Blob([FILE_TEXT], { type: 'text/plain' });

/** Expects a call to fail with the given API status and code (an assertion, not an outcome). */
async function rejectsWith(call: Promise<unknown>, status: number, code: string): Promise<void> {
  await expect(call).rejects.toMatchObject({ status, code });
}

/** Every route of the contract, with the tests that cover it. */
export const ROUTE_COVERAGE: { readonly [N in RouteName]: RouteCoverage } = {
  // --- Health and docs -------------------------------------------------------------------------
  health: { kind: 'none', coveredBy: [platform('GET /health answers 200 {status:"ok"} with an x-request-id')] },
  ready: {
    kind: 'none',
    coveredBy: [
      platform('GET /ready checks database, storage and cache'),
      platform('GET /ready answers 503 naming the failing check'),
    ],
  },
  openapi: { kind: 'none', coveredBy: [platform('GET /openapi.json serves the OpenAPI 3.1 document of the contract')] },
  docs: {
    kind: 'none',
    coveredBy: [
      platform('/docs renders with assets served locally (no CDN)'),
      hardening('looks docs assets up by their own names only'),
    ],
  },

  // --- Auth ------------------------------------------------------------------------------------
  jwks: {
    kind: 'none',
    coveredBy: [platform('GET /.well-known/jwks.json publishes the public signing key with its kid')],
  },
  register: {
    kind: 'none',
    coveredBy: [
      api('register, verify by e-mail, login; no enumeration; weak passwords refused'),
      platform('validates input against the contract before anything else runs'),
    ],
  },
  verifyEmail: { kind: 'none', coveredBy: [api('register, verify by e-mail, login; no enumeration')] },
  resendVerification: { kind: 'none', coveredBy: [api('register, verify by e-mail, login; no enumeration')] },
  login: {
    kind: 'none',
    coveredBy: [
      api('register, verify by e-mail, login; no enumeration'),
      api('login failures are rate limited per account and IP (429 with Retry-After)'),
      matrix('login and refresh into a tenant'),
      matrix('a wrong e-mail and a wrong password answer alike, in about the same time'),
    ],
  },
  refresh: {
    kind: 'none',
    coveredBy: [
      api('refresh rotation: reusing a spent refresh token kills the session (401 token_reused)'),
      matrix('login and refresh into a tenant'),
    ],
  },
  logout: { kind: 'none', coveredBy: [api('logout, sessions, password change and reset revoke what they should')] },
  logoutAll: { kind: 'user', coveredBy: [api('delete tenant: 204, then gone; logout-all ends every session')] },
  forgotPassword: {
    kind: 'none',
    coveredBy: [
      api('logout, sessions, password change and reset revoke what they should'),
      api('forgot-password answers the same for an unknown address'),
    ],
  },
  resetPassword: {
    kind: 'none',
    coveredBy: [api('logout, sessions, password change and reset revoke what they should')],
  },
  changePassword: {
    kind: 'user',
    coveredBy: [api('logout, sessions, password change and reset revoke what they should')],
  },
  me: {
    kind: 'user',
    coveredBy: [api('register, verify by e-mail, login'), matrix('login and refresh into a tenant')],
  },
  listSessions: {
    kind: 'user',
    coveredBy: [api('logout, sessions, password change and reset revoke what they should')],
  },
  revokeSession: {
    kind: 'user',
    coveredBy: [
      api('logout, sessions, password change and reset revoke what they should'),
      matrix("a user cannot revoke another user's session"),
    ],
  },

  // --- Tenants and members ---------------------------------------------------------------------
  createTenant: {
    kind: 'verified',
    coveredBy: [api('tenants: create (caller is admin), slug conflict'), matrix('creating a tenant')],
  },
  listTenants: {
    kind: 'user',
    coveredBy: [api('tenants: create (caller is admin)'), matrix('lists only the tenants')],
  },
  getTenant: {
    kind: 'tenant',
    role: 'viewer',
    coveredBy: [api('tenants: create (caller is admin), slug conflict, switch the active tenant by refresh')],
    case: {
      call: (c, ids) => c.tenants.get(ids.tenantId),
      check: (answer, ids) => {
        expect((answer as { tenant: { id: string } }).tenant.id).toBe(ids.tenantId);
      },
    },
  },
  updateTenant: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [api('tenants: create (caller is admin), slug conflict, switch the active tenant by refresh')],
    case: {
      call: (c, ids) => c.tenants.update(ids.tenantId, { name: 'Renamed by the matrix' }),
      check: (answer) => {
        expect((answer as { tenant: { name: string } }).tenant.name).toBe('Renamed by the matrix');
      },
    },
  },
  deleteTenant: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [api('delete tenant: 204, then gone')],
    case: {
      call: (c, ids) => c.tenants.delete(ids.tenantId),
      // Deleting A would end the run: the admin deletes a tenant of their own instead.
      fresh: async (fx) => {
        const { client, tenantId } = await fx.throwawayTenant();
        return { client, ids: { tenantId } };
      },
      check: async (_answer, ids, fx) => {
        expect((await fx.admin.tenants.list()).items.map((t) => t.id)).not.toContain(ids.tenantId);
        expect((await fx.admin.auth.me()).memberships.map((m) => m.tenantId)).not.toContain(ids.tenantId);
      },
    },
  },
  listMembers: {
    kind: 'tenant',
    role: 'viewer',
    coveredBy: [api('invitations: admin invites, the invitee accepts with a matching verified e-mail'), paging],
    case: {
      call: (c, ids) => c.members.list(ids.tenantId, { limit: 100 }),
      check: (answer, ids) => {
        const page = answer as { items: Array<{ userId: string; role: string }>; nextCursor: string | null };
        expect(page.items).toContainEqual(expect.objectContaining({ userId: ids.memberId, role: 'viewer' }));
        expect(page.nextCursor).toBeNull();
      },
    },
  },
  updateMember: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [
      api('roles: a viewer reads but cannot manage; promotion takes effect at once; last admin kept'),
      instances('a demotion ends admin power on the other instance at once'),
    ],
    case: {
      call: (c, ids) => c.members.update(ids.tenantId, ids.memberId, { role: 'viewer' }),
      check: (answer, ids) => {
        expect((answer as { member: unknown }).member).toMatchObject({ userId: ids.memberId, role: 'viewer' });
      },
    },
  },
  removeMember: {
    kind: 'tenant',
    role: 'admin',
    allowSelf: true,
    coveredBy: [
      api('members: a removed member loses access at once; a member may leave by themself'),
      instances('a removal ends all access on the other instance at once'),
    ],
    case: {
      call: (c, ids) => c.members.remove(ids.tenantId, ids.memberId),
      fresh: async (fx) => {
        await fx.ensureTarget();
        return {};
      },
      check: async (_answer, ids, fx) => {
        const { items } = await fx.admin.members.list(ids.tenantId, { limit: 100 });
        expect(items.map((m) => m.userId)).not.toContain(ids.memberId);
        await fx.ensureTarget();
      },
    },
  },
  createInvitation: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [api('invitations: admin invites')],
    case: {
      call: (c, ids) =>
        c.invitations.create(ids.tenantId, { email: `invitee.${ids.tenantId}@example.com`, role: 'viewer' }),
      check: (answer, ids) => {
        const { invitation } = answer as { invitation: { email: string; role: string; expiresAt: string } };
        expect(invitation).toMatchObject({ email: `invitee.${ids.tenantId}@example.com`, role: 'viewer' });
        // API.md: 7 days.
        const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
        expect(days).toBeGreaterThan(6.9);
        expect(days).toBeLessThanOrEqual(7);
      },
    },
  },
  listInvitations: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [api('invitations: admin invites')],
    case: {
      call: (c, ids) => c.invitations.list(ids.tenantId),
      check: (answer, ids) => {
        expect((answer as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(ids.invitationId);
      },
    },
  },
  revokeInvitation: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [api('invitations: admin invites')],
    case: {
      call: (c, ids) => c.invitations.revoke(ids.tenantId, ids.invitationId),
      fresh: async (fx) => {
        const email = `${fx.unique('revoked')}@example.com`;
        const { invitation } = await fx.admin.invitations.create(fx.a.tenantId, { email, role: 'editor' });
        return { ids: { invitationId: invitation.id } };
      },
      check: async (_answer, ids, fx) => {
        const { items } = await fx.admin.invitations.list(ids.tenantId);
        expect(items.map((i) => i.id)).not.toContain(ids.invitationId);
        expect(items.map((i) => i.id)).toContain(fx.a.invitationId);
      },
    },
  },
  acceptInvitation: {
    kind: 'user',
    coveredBy: [api('invitations: admin invites, the invitee accepts'), matrix('an invitation is accepted only')],
  },

  // --- Files -----------------------------------------------------------------------------------
  uploadFile: {
    kind: 'tenant',
    role: 'editor',
    coveredBy: [
      api('files: multipart upload sniffed by bytes'),
      hardening('refuses a form whose fields come after the file'),
    ],
    case: {
      call: (c, ids) => c.files.upload(ids.tenantId, text(), { name: 'matrix.txt', category: 'matrix' }),
      check: (answer) => {
        expect((answer as { file: unknown }).file).toMatchObject({
          name: 'matrix.txt',
          size: FILE_TEXT.length,
          contentType: 'text/plain',
          category: 'matrix',
          status: 'ready',
        });
      },
    },
  },
  createUpload: {
    kind: 'tenant',
    role: 'editor',
    coveredBy: [api('files: multipart upload sniffed by bytes, list/filter, Range download, direct upload')],
    case: {
      call: (c, ids) =>
        c.files.createUpload(ids.tenantId, { name: 'direct.txt', size: FILE_TEXT.length, contentType: 'text/plain' }),
      check: (answer) => {
        const created = answer as { fileId: string; upload: { method: string; url: string }; expiresAt: string };
        expect(created.upload.method).toBe('PUT');
        expect(created.upload.url).toMatch(/^https?:\/\//);
        expect(Date.parse(created.expiresAt)).toBeGreaterThan(Date.now());
      },
    },
  },
  completeUpload: {
    kind: 'tenant',
    role: 'editor',
    coveredBy: [api('files: multipart upload sniffed by bytes, list/filter, Range download, direct upload')],
    case: {
      call: (c, ids) => c.files.completeUpload(ids.tenantId, ids.pendingFileId),
      fresh: async (fx) => ({ ids: { pendingFileId: await fx.pendingUpload() } }),
      check: (answer, ids) => {
        expect((answer as { file: unknown }).file).toMatchObject({
          id: ids.pendingFileId,
          size: FILE_TEXT.length,
          status: 'ready',
        });
      },
    },
  },
  listFiles: {
    kind: 'tenant',
    role: 'viewer',
    coveredBy: [api('files: multipart upload sniffed by bytes, list/filter'), paging],
    case: {
      call: (c, ids) => c.files.list(ids.tenantId, { q: 'standing' }),
      check: (answer, ids) => {
        expect((answer as { items: Array<{ id: string }> }).items.map((f) => f.id)).toEqual([ids.fileId]);
      },
    },
  },
  getFile: {
    kind: 'tenant',
    role: 'viewer',
    coveredBy: [api('files: multipart upload sniffed by bytes')],
    case: {
      call: (c, ids) => c.files.get(ids.tenantId, ids.fileId),
      check: (answer, ids) => {
        expect((answer as { file: unknown }).file).toMatchObject({ id: ids.fileId, name: 'standing.txt' });
      },
    },
  },
  downloadFile: {
    kind: 'tenant',
    role: 'viewer',
    coveredBy: [
      api('files: multipart upload sniffed by bytes, list/filter, Range download'),
      hardening('answers an unsatisfiable range with a 416 problem carrying the size'),
    ],
    case: {
      call: (c, ids) => c.files.download(ids.tenantId, ids.fileId),
      check: async (answer) => {
        expect(await (answer as { text(): Promise<string> }).text()).toBe(FILE_TEXT);
      },
    },
  },
  deleteFile: {
    kind: 'tenant',
    role: 'editor',
    coveredBy: [
      api('files: multipart upload sniffed by bytes, list/filter, Range download, direct upload, soft delete'),
    ],
    case: {
      call: (c, ids) => c.files.delete(ids.tenantId, ids.fileId),
      fresh: async (fx) => {
        const { file } = await fx.admin.files.upload(fx.a.tenantId, text(), { name: 'doomed.txt' });
        return { ids: { fileId: file.id } };
      },
      check: async (_answer, ids, fx) => {
        await rejectsWith(fx.admin.files.get(ids.tenantId, ids.fileId), 404, 'not_found');
        await rejectsWith(fx.admin.files.download(ids.tenantId, ids.fileId), 404, 'not_found');
      },
    },
  },

  // --- Audit -----------------------------------------------------------------------------------
  listAuditEvents: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [
      api('audit: tenant events recorded with actor and request id; export; verify'),
      audit('records '),
      paging,
    ],
    case: {
      call: (c, ids) => c.audit.list(ids.tenantId, { action: 'tenant.created' }),
      check: (answer, ids) => {
        const { items } = answer as { items: Array<{ tenantId: string; action: string }> };
        expect(items).toEqual([expect.objectContaining({ tenantId: ids.tenantId, action: 'tenant.created' })]);
      },
    },
  },
  exportAuditEvents: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [api('audit: tenant events recorded with actor and request id; export; verify')],
    case: {
      call: (c, ids) => c.audit.export(ids.tenantId, { format: 'ndjson', action: 'tenant.created' }),
      check: async (answer, ids) => {
        const download = answer as { response: Response; text(): Promise<string> };
        expect(download.response.headers.get('content-disposition')).toMatch(/^attachment;/);
        const lines = (await download.text()).trim().split('\n');
        expect(lines.map((l) => JSON.parse(l) as { tenantId: string; action: string })).toEqual([
          expect.objectContaining({ tenantId: ids.tenantId, action: 'tenant.created' }),
        ]);
      },
    },
  },
  verifyAuditChain: {
    kind: 'tenant',
    role: 'admin',
    coveredBy: [api('audit: tenant events recorded with actor and request id; export; verify')],
    case: {
      call: (c, ids) => c.audit.verify(ids.tenantId),
      check: (answer) => {
        expect(answer).toMatchObject({ valid: true, count: expect.any(Number), headHash: expect.any(String) });
      },
    },
  },
};
