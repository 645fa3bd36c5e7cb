import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createClient, type PortalkitClient } from '@portalkit/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, removeTemplates, SERVERS, startServer } from './harness.js';
import { tokenFromMail } from './mail.js';
import { MODES, type Mode, useModes } from './modes.js';

// The audit trail of a whole flow through each server in each mode: sign-up, failed and good
// sign-ins, refresh reuse, logout, session revocation, password change and reset, tenant, invitations,
// members and files. Each expected event is looked up by the x-request-id of the response that caused
// it and checked for action, trail (tenant or platform), actor, resource, before/after, ip and user
// agent: tenant events through the audit route as the tenant's admin, and in services mode also as the
// raw PostgreSQL row; platform events (tenantId null) have no route, so only there. The stored rows
// are then scanned for every secret the flow handled.
const modes = useModes();
afterAll(removeTemplates);

const PASSWORD = 'violet-otter-harbour-93';
const CHANGED_PASSWORD = 'amber-falcon-meadow-41';
const RESET_PASSWORD = 'copper-heron-lantern-57';
const LOOPBACK = /^(::ffff:127\.0\.0\.1|127\.0\.0\.1|::1)$/;

/** One HTTP exchange seen by the recording fetch. */
interface Call {
  method: string;
  path: string;
  status: number;
  requestId: string | null;
}

/** What the flow learnt: ids, the request id of each step, every secret that went over the wire. */
interface Flow {
  done: boolean;
  userAgent: string;
  tenantId: string;
  aliceId: string;
  bobId: string;
  invitationId: string;
  revokedInvitationId: string;
  fileId: string;
  directFileId: string;
  /** Session ids by step. */
  sessions: Record<string, string>;
  /** x-request-id of the response of each step. */
  requestIds: Record<string, string>;
  /** Passwords, access/refresh tokens, e-mailed tokens, and the hashes a store would keep of the tokens. */
  secrets: Set<string>;
}

type Trail = 'tenant' | 'platform';

/** An event the flow must have left, with the values it must carry. */
interface ExpectedEvent {
  action: string;
  trail: Trail;
  step: string;
  actor: { type: unknown; id: string | null };
  resource: { type: string; id: string | null };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** The shape both the API and a raw `audit_events` row are compared in. */
interface SeenEvent {
  tenantId: string | null;
  actor: { type: string; id: string | null };
  action: string;
  resource: { type: string; id: string | null };
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

const user = (id: string) => ({ type: 'user', id });
/** A request nobody is signed in to (a failed sign-in): not the account that was tried. */
const anonymous = { type: expect.stringMatching(/^(system|anonymous)$/), id: null };

/**
 * Every event the flow must leave (API.md, "Audit"): auth events in the trail of the session's
 * active tenant when there is one, else in the platform trail (tenantId null).
 */
const EXPECTED: Array<{ title: string; trail: Trail; expect: (f: Flow) => Omit<ExpectedEvent, 'trail'> }> = [
  {
    title: 'auth.registered (platform)',
    trail: 'platform',
    expect: (f) => ({
      action: 'auth.registered',
      step: 'register',
      actor: user(f.aliceId),
      resource: user(f.aliceId),
    }),
  },
  {
    title: 'auth.email_verified (platform)',
    trail: 'platform',
    expect: (f) => ({
      action: 'auth.email_verified',
      step: 'verify',
      actor: user(f.aliceId),
      resource: user(f.aliceId),
    }),
  },
  {
    title: 'auth.login_failed, wrong password: about the account, not by it (platform)',
    trail: 'platform',
    expect: (f) => ({
      action: 'auth.login_failed',
      step: 'loginWrongPassword',
      actor: anonymous,
      resource: user(f.aliceId),
      after: { reason: 'wrong_password' },
    }),
  },
  {
    title: 'auth.login_failed, unknown e-mail (platform)',
    trail: 'platform',
    expect: () => ({
      action: 'auth.login_failed',
      step: 'loginUnknownEmail',
      actor: anonymous,
      resource: { type: 'user', id: null },
      after: { reason: 'unknown_email' },
    }),
  },
  {
    title: 'auth.login_succeeded without a tenant (platform)',
    trail: 'platform',
    expect: (f) => ({
      action: 'auth.login_succeeded',
      step: 'login',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.login ?? null },
    }),
  },
  {
    title: 'auth.login_succeeded into a tenant (tenant)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.login_succeeded',
      step: 'loginReused',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.reused ?? null },
    }),
  },
  {
    title: 'tenant.created',
    trail: 'tenant',
    expect: (f) => ({
      action: 'tenant.created',
      step: 'createTenant',
      actor: user(f.aliceId),
      resource: { type: 'tenant', id: f.tenantId },
      after: { name: 'Audit Co' },
    }),
  },
  {
    title: 'tenant.updated with before/after',
    trail: 'tenant',
    expect: (f) => ({
      action: 'tenant.updated',
      step: 'updateTenant',
      actor: user(f.aliceId),
      resource: { type: 'tenant', id: f.tenantId },
      before: { name: 'Audit Co' },
      after: { name: 'Audit Co Renamed' },
    }),
  },
  {
    title: 'member.invited',
    trail: 'tenant',
    expect: (f) => ({
      action: 'member.invited',
      step: 'invite',
      actor: user(f.aliceId),
      resource: { type: 'invitation', id: f.invitationId },
      after: { role: 'viewer' },
    }),
  },
  {
    title: 'invitation.revoked',
    trail: 'tenant',
    expect: (f) => ({
      action: 'invitation.revoked',
      step: 'revokeInvitation',
      actor: user(f.aliceId),
      resource: { type: 'invitation', id: f.revokedInvitationId },
    }),
  },
  {
    title: 'member.joined (by the invitee)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'member.joined',
      step: 'accept',
      actor: user(f.bobId),
      resource: { type: 'member', id: f.bobId },
      after: { role: 'viewer' },
    }),
  },
  {
    title: 'member.role_changed with before/after',
    trail: 'tenant',
    expect: (f) => ({
      action: 'member.role_changed',
      step: 'changeRole',
      actor: user(f.aliceId),
      resource: { type: 'member', id: f.bobId },
      before: { role: 'viewer' },
      after: { role: 'editor' },
    }),
  },
  {
    title: 'file.uploaded (multipart)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'file.uploaded',
      step: 'upload',
      actor: user(f.bobId),
      resource: { type: 'file', id: f.fileId },
    }),
  },
  {
    title: 'file.uploaded (completed direct upload)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'file.uploaded',
      step: 'completeUpload',
      actor: user(f.bobId),
      resource: { type: 'file', id: f.directFileId },
    }),
  },
  {
    title: 'file.deleted',
    trail: 'tenant',
    expect: (f) => ({
      action: 'file.deleted',
      step: 'deleteFile',
      actor: user(f.bobId),
      resource: { type: 'file', id: f.directFileId },
    }),
  },
  {
    title: 'auth.refresh_reused (tenant of the session)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.refresh_reused',
      step: 'refreshReused',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.reused ?? null },
    }),
  },
  {
    title: 'auth.logout of one session (tenant of the session)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.logout',
      step: 'logout',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.loggedOut ?? null },
      after: { reason: 'single' },
    }),
  },
  {
    title: 'auth.session_revoked by the user (tenant of the session)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.session_revoked',
      step: 'revokeSession',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.revoked ?? null },
      after: { reason: 'user' },
    }),
  },
  {
    title: 'auth.password_changed (active tenant)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.password_changed',
      step: 'changePassword',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.main ?? null },
    }),
  },
  {
    title: 'auth.session_revoked of the other session by a password change (tenant of the session)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.session_revoked',
      step: 'changePassword',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.otherAtChange ?? null },
      after: { reason: 'password_changed' },
    }),
  },
  {
    title: 'auth.password_reset (platform: no session, no active tenant)',
    trail: 'platform',
    expect: (f) => ({
      action: 'auth.password_reset',
      step: 'resetPassword',
      actor: user(f.aliceId),
      resource: user(f.aliceId),
    }),
  },
  {
    title: 'auth.session_revoked of a session by a password reset (tenant of the session)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.session_revoked',
      step: 'resetPassword',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.main ?? null },
      after: { reason: 'password_reset' },
    }),
  },
  {
    title: 'member.removed',
    trail: 'tenant',
    expect: (f) => ({
      action: 'member.removed',
      step: 'removeMember',
      actor: user(f.aliceId),
      resource: { type: 'member', id: f.bobId },
    }),
  },
  {
    title: 'auth.logout of every session (tenant of the session)',
    trail: 'tenant',
    expect: (f) => ({
      action: 'auth.logout',
      step: 'logoutAll',
      actor: user(f.aliceId),
      resource: { type: 'session', id: f.sessions.logoutAll ?? null },
      after: { reason: 'all_sessions' },
    }),
  },
];

/** The session id (`sid`) of the client's current access token. */
async function sessionOf(c: PortalkitClient): Promise<string> {
  const token = (await c.tokens.get())?.accessToken ?? '';
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sid?: string };
  if (!payload.sid) throw new Error('access token without sid');
  return payload.sid;
}

/** The value, and the SHA-256 (base64url and hex) a store would keep instead of it. */
function withHashes(secret: string): string[] {
  const digest = createHash('sha256').update(secret, 'utf8').digest();
  return [secret, digest.toString('base64url'), digest.toString('hex')];
}

/** Names the first secret found in the text (or null): a value of the flow, a bearer header, a password hash. */
function secretIn(text: string, secrets: Set<string>): string | null {
  for (const secret of secrets) if (text.includes(secret)) return `secret value ${secret.slice(0, 6)}…`;
  if (/Bearer\s+[A-Za-z0-9._~+/-]{8,}/i.test(text)) return 'an Authorization bearer value';
  if (/"authorization"\s*:\s*"(?!\[REDACTED\])/i.test(text)) return 'an authorization field';
  if (/\$argon2|\$2[aby]\$\d\d\$|\$scrypt\$/.test(text)) return 'a password hash';
  if (/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./.test(text)) return 'a JWT';
  return null;
}

const fromRow = (r: Record<string, unknown>): SeenEvent => ({
  tenantId: (r.tenant_id as string | null) ?? null,
  actor: { type: r.actor_type as string, id: (r.actor_id as string | null) ?? null },
  action: r.action as string,
  resource: { type: r.resource_type as string, id: (r.resource_id as string | null) ?? null },
  before: r.before ?? null,
  after: r.after ?? null,
  ip: (r.ip as string | null) ?? null,
  userAgent: (r.user_agent as string | null) ?? null,
  requestId: (r.request_id as string | null) ?? null,
});

describe.each(SERVERS)('%s', (name) => {
  describe.each(MODES)('audit trail of auth events and state changes (%s)', (mode: Mode) => {
    let server: RunningServer;
    let mailDir: string;
    let db: pg.Client | null = null;
    const calls: Call[] = [];
    const flow: Flow = {
      done: false,
      userAgent: `portalkit-e2e-audit/${name}-${mode}`,
      tenantId: '',
      aliceId: '',
      bobId: '',
      invitationId: '',
      revokedInvitationId: '',
      fileId: '',
      directFileId: '',
      sessions: {},
      requestIds: {},
      secrets: new Set([PASSWORD, CHANGED_PASSWORD, RESET_PASSWORD]),
    };
    /** Tenant events as the audit route lists them, after the flow. */
    let listed: SeenEvent[] = [];

    /** fetch that keeps every exchange's request id and every token the server hands out. */
    const recordingFetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
      const res = await fetch(input, init);
      const path = new URL(input).pathname;
      calls.push({
        method: init.method ?? 'GET',
        path,
        status: res.status,
        requestId: res.headers.get('x-request-id'),
      });
      if (res.ok && /^\/api\/v1\/auth\/(login|refresh)$/.test(path)) {
        const body = (await res.clone().json()) as { accessToken: string; refreshToken: string };
        for (const value of [body.accessToken, body.refreshToken])
          for (const s of withHashes(value)) flow.secrets.add(s);
      }
      return res;
    };
    const client = (): PortalkitClient =>
      createClient({
        baseUrl: server.url,
        retry: false,
        fetch: recordingFetch,
        headers: { 'user-agent': flow.userAgent },
      });
    /** Stores the x-request-id of the newest exchange `METHOD /path` matching as the step's. */
    const step = (key: string, route: RegExp) => {
      const call = calls.filter((c) => route.test(`${c.method} ${c.path}`)).at(-1);
      if (!call?.requestId) throw new Error(`no exchange matching ${route} for step ${key}`);
      flow.requestIds[key] = call.requestId;
    };
    const mailToken = async (to: string, subject: RegExp) => {
      const token = await tokenFromMail(mailDir, to, subject);
      for (const s of withHashes(token)) flow.secrets.add(s);
      return token;
    };

    beforeAll(async () => {
      if (!modes.available(mode)) return;
      server = await startServer(name, modes.env(mode));
      mailDir = join(server.dataDir, 'mail');
      if (mode === 'services') {
        db = new pg.Client({ connectionString: modes.env('services').DATABASE_URL });
        await db.connect();
      }
    });
    afterAll(async () => {
      await db?.end();
      await server?.stop();
    });

    const run = it.skipIf(!modes.available(mode));
    const suffix = `${name}-${mode}`.replace(/[^a-z0-9]/g, '');
    const alice = `alice.audit.${suffix}@example.com`;
    const bob = `bob.audit.${suffix}@example.com`;

    run('flow: sign-up, sign-in failures, tenant, members, files, sessions, passwords', async () => {
      // Alice signs up and fails to sign in twice before she succeeds (no tenant yet: platform trail).
      let a = client();
      await a.auth.register({ email: alice, password: PASSWORD, name: 'Alice' });
      step('register', /^POST \/api\/v1\/auth\/register$/);
      flow.aliceId = (await a.auth.verifyEmail({ token: await mailToken(alice, /verify/i) })).user.id;
      step('verify', /^POST \/api\/v1\/auth\/verify-email$/);
      await expect(a.auth.login({ email: alice, password: 'not-her-password-1' })).rejects.toMatchObject({
        status: 401,
      });
      step('loginWrongPassword', /^POST \/api\/v1\/auth\/login$/);
      await expect(a.auth.login({ email: `nobody.${alice}`, password: 'not-her-password-1' })).rejects.toMatchObject({
        status: 401,
      });
      step('loginUnknownEmail', /^POST \/api\/v1\/auth\/login$/);
      await a.auth.login({ email: alice, password: PASSWORD });
      step('login', /^POST \/api\/v1\/auth\/login$/);
      flow.sessions.login = await sessionOf(a);

      // Her tenant.
      flow.tenantId = (await a.tenants.create({ name: 'Audit Co', slug: `audit-${suffix}` })).tenant.id;
      step('createTenant', /^POST \/api\/v1\/tenants$/);
      await a.auth.refresh({ tenantId: flow.tenantId });
      flow.sessions.main = await sessionOf(a);
      await a.tenants.update(flow.tenantId, { name: 'Audit Co Renamed' });
      step('updateTenant', /^PATCH \/api\/v1\/tenants\/[^/]+$/);

      // Invitations: one revoked, one accepted by Bob (who signs up first).
      flow.invitationId = (await a.invitations.create(flow.tenantId, { email: bob, role: 'viewer' })).invitation.id;
      step('invite', /^POST \/api\/v1\/tenants\/[^/]+\/invitations$/);
      const invitationToken = await mailToken(bob, /invited/i);
      const carol = `carol.audit.${suffix}@example.com`;
      flow.revokedInvitationId = (
        await a.invitations.create(flow.tenantId, { email: carol, role: 'editor' })
      ).invitation.id;
      await mailToken(carol, /invited/i);
      await a.invitations.revoke(flow.tenantId, flow.revokedInvitationId);
      step('revokeInvitation', /^DELETE \/api\/v1\/tenants\/[^/]+\/invitations\/[^/]+$/);
      const b = client();
      await b.auth.register({ email: bob, password: PASSWORD, name: 'Bob' });
      flow.bobId = (await b.auth.verifyEmail({ token: await mailToken(bob, /verify/i) })).user.id;
      await b.auth.login({ email: bob, password: PASSWORD });
      await b.invitations.accept({ token: invitationToken });
      step('accept', /^POST \/api\/v1\/invitations\/accept$/);
      await b.auth.refresh({ tenantId: flow.tenantId });
      await a.members.update(flow.tenantId, flow.bobId, { role: 'editor' });
      step('changeRole', /^PATCH \/api\/v1\/tenants\/[^/]+\/members\/[^/]+$/);

      // Bob (editor now) uploads twice and deletes one file.
      flow.fileId = (
        await b.files.upload(flow.tenantId, new Blob(['audited bytes\n'], { type: 'text/plain' }), {
          name: 'audited.txt',
        })
      ).file.id;
      step('upload', /^POST \/api\/v1\/tenants\/[^/]+\/files$/);
      flow.directFileId = (
        await b.files.uploadDirect(flow.tenantId, new TextEncoder().encode('direct bytes\n'), {
          name: 'direct.txt',
          contentType: 'text/plain',
        })
      ).file.id;
      step('completeUpload', /^POST \/api\/v1\/tenants\/[^/]+\/files\/[^/]+\/complete$/);
      await b.files.delete(flow.tenantId, flow.directFileId);
      step('deleteFile', /^DELETE \/api\/v1\/tenants\/[^/]+\/files\/[^/]+$/);

      // A session into the tenant whose spent refresh token is presented again.
      const reused = client();
      await reused.auth.login({ email: alice, password: PASSWORD, tenantId: flow.tenantId });
      step('loginReused', /^POST \/api\/v1\/auth\/login$/);
      flow.sessions.reused = await sessionOf(reused);
      const spent = (await reused.tokens.get())?.refreshToken ?? '';
      await reused.auth.refresh();
      const replay = await recordingFetch(`${server.url}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': flow.userAgent },
        body: JSON.stringify({ refreshToken: spent }),
      });
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as { code: string }).code).toBe('token_reused');
      step('refreshReused', /^POST \/api\/v1\/auth\/refresh$/);

      // Logout of one session; revocation of another by the user.
      const leaving = client();
      await leaving.auth.login({ email: alice, password: PASSWORD, tenantId: flow.tenantId });
      flow.sessions.loggedOut = await sessionOf(leaving);
      await leaving.auth.logout();
      step('logout', /^POST \/api\/v1\/auth\/logout$/);
      const revoked = client();
      await revoked.auth.login({ email: alice, password: PASSWORD, tenantId: flow.tenantId });
      flow.sessions.revoked = await sessionOf(revoked);
      await a.auth.revokeSession(flow.sessions.revoked);
      step('revokeSession', /^DELETE \/api\/v1\/auth\/sessions\/[^/]+$/);

      // Password change (revokes the other live session), then a reset (revokes every session).
      const other = client();
      await other.auth.login({ email: alice, password: PASSWORD, tenantId: flow.tenantId });
      flow.sessions.otherAtChange = await sessionOf(other);
      await a.auth.changePassword({ currentPassword: PASSWORD, newPassword: CHANGED_PASSWORD });
      step('changePassword', /^POST \/api\/v1\/auth\/change-password$/);
      await client().auth.forgotPassword({ email: alice });
      await client().auth.resetPassword({ token: await mailToken(alice, /reset/i), password: RESET_PASSWORD });
      step('resetPassword', /^POST \/api\/v1\/auth\/reset-password$/);

      // Signed in again: Bob is removed; then every session of Alice ends.
      a = client();
      await a.auth.login({ email: alice, password: RESET_PASSWORD, tenantId: flow.tenantId });
      await a.members.remove(flow.tenantId, flow.bobId);
      step('removeMember', /^DELETE \/api\/v1\/tenants\/[^/]+\/members\/[^/]+$/);
      const all = client();
      await all.auth.login({ email: alice, password: RESET_PASSWORD, tenantId: flow.tenantId });
      flow.sessions.logoutAll = await sessionOf(all);
      await all.auth.logoutAll();
      step('logoutAll', /^POST \/api\/v1\/auth\/logout-all$/);

      // The tenant trail as its admin reads it.
      a = client();
      await a.auth.login({ email: alice, password: RESET_PASSWORD, tenantId: flow.tenantId });
      listed = [];
      for await (const e of a.audit.iterate(flow.tenantId, { limit: 100 })) listed.push(e as SeenEvent);
      const verified = await a.audit.verify(flow.tenantId);
      expect(verified).toMatchObject({ valid: true, count: listed.length });
      const exported = await (await a.audit.export(flow.tenantId, { format: 'ndjson' })).text();
      expect(exported.trim().split('\n')).toHaveLength(listed.length);
      const leak = secretIn(exported + JSON.stringify(listed), flow.secrets);
      expect(leak, 'a secret in the tenant trail (audit route and export)').toBeNull();
      flow.done = true;
    });

    /** The event the expectation names: from the audit route (tenant trail) or the database (both trails). */
    async function find(expected: ExpectedEvent, where: 'api' | 'db'): Promise<SeenEvent[]> {
      const requestId = flow.requestIds[expected.step];
      if (!flow.done || !requestId) throw new Error('the flow did not complete: see its failure above');
      if (where === 'api') {
        return listed.filter((e) => e.action === expected.action && e.requestId === requestId);
      }
      const rows = await db!.query('select * from audit_events where action = $1 and request_id = $2', [
        expected.action,
        requestId,
      ]);
      return rows.rows.map(fromRow);
    }

    function check(found: SeenEvent[], expected: ExpectedEvent): void {
      const requestId = flow.requestIds[expected.step];
      const matching = found.filter((e) => e.resource.id === expected.resource.id);
      expect(
        matching,
        `${expected.action} with request id ${requestId} about ${expected.resource.type} ${expected.resource.id} (found: ${JSON.stringify(found.map((e) => ({ tenantId: e.tenantId, resource: e.resource })))})`,
      ).toHaveLength(1);
      const event = matching[0]!;
      expect(event).toMatchObject({
        tenantId: expected.trail === 'tenant' ? flow.tenantId : null,
        action: expected.action,
        actor: expected.actor,
        resource: expected.resource,
        requestId,
        userAgent: flow.userAgent,
        ...(expected.before ? { before: expect.objectContaining(expected.before) } : {}),
        ...(expected.after ? { after: expect.objectContaining(expected.after) } : {}),
      });
      expect(event.ip ?? '').toMatch(LOOPBACK);
    }

    for (const { title, trail, expect: expectedOf } of EXPECTED) {
      // The platform trail has no route: it is read from PostgreSQL, so only in services mode.
      it.skipIf(!modes.available(mode) || (trail === 'platform' && mode === 'embedded'))(
        `records ${title}`,
        async () => {
          const expected = { ...expectedOf(flow), trail };
          // The raw row first (it shows where an event went when it is not where expected), then the route.
          if (mode === 'services') check(await find(expected, 'db'), expected);
          if (trail === 'tenant') check(await find(expected, 'api'), expected);
        },
      );
    }

    run('every event of the tenant trail comes from a request of the flow, with its ip and user agent', () => {
      if (!flow.done) throw new Error('the flow did not complete: see its failure above');
      const requestIds = new Set(calls.map((c) => c.requestId));
      const strays = listed.filter(
        (e) => !requestIds.has(e.requestId) || e.userAgent !== flow.userAgent || !LOOPBACK.test(e.ip ?? ''),
      );
      expect(strays.map((e) => [e.action, e.requestId, e.ip, e.userAgent])).toEqual([]);
      expect(listed.length).toBeGreaterThanOrEqual(EXPECTED.filter((x) => x.trail === 'tenant').length);
    });

    it.skipIf(!modes.available('services') || mode !== 'services')(
      'no stored audit row (either trail) holds a password, token, token hash or authorization header',
      async () => {
        if (!flow.done) throw new Error('the flow did not complete: see its failure above');
        const rows = await db!.query<{ id: string; action: string; raw: string }>(
          'select id, action, row_to_json(e)::text as raw from audit_events e',
        );
        // Passwords, plus every access/refresh/mail token of the flow with its hashes.
        expect(flow.secrets.size).toBeGreaterThan(3 + 3 * 20);
        const ours = rows.rows.filter((r) => r.raw.includes(flow.aliceId) || r.raw.includes(flow.bobId));
        expect(ours.length).toBeGreaterThan(listed.length);
        const leaks = rows.rows
          .map((r) => ({ id: r.id, action: r.action, leak: secretIn(r.raw, flow.secrets) }))
          .filter((r) => r.leak !== null);
        expect(leaks).toEqual([]);
      },
    );
  });
});
