import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { join } from 'node:path';
import { createClient, isApiError, type PortalkitClient } from '@portalkit/client';
import { type RouteDefinition, type RouteName, roles, routeDocs, routeList } from '@portalkit/client/contract';
import { realMongo } from '@portalkit/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningServer, type ServerName, startServer } from './harness.js';
import { readMails, tokenFromMail } from './mail.js';
import type { Mode, useModes } from './modes.js';
import { type MatrixFixture, matrixRoutes, ROUTE_COVERAGE, signedInRoutes, type TenantIds } from './route-matrix.js';

const PASSWORD = 'violet-otter-harbour-93';
const FILE_TEXT = 'matrix bytes\n';

type Label = string;
type Modes = ReturnType<typeof useModes>;

/** The access-token claims of a client (decoded, not verified: the server did that). */
async function claimsOf(c: PortalkitClient): Promise<{ sub: string; tid?: string; role?: string }> {
  const token = (await c.tokens.get())?.accessToken ?? '';
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/**
 * Verifies an access token as a third party would: by the `kid` of its header, against the key
 * published at /.well-known/jwks.json (EdDSA or ES256), with nothing of the server's code.
 */
async function verifiedClaims(baseUrl: string, token: string): Promise<Record<string, unknown>> {
  const [head = '', payload = '', signature = ''] = token.split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg: string; kid: string };
  const jwks = (await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json()) as {
    keys: Array<JsonWebKey & { kid: string; alg: string }>;
  };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  expect(jwk?.alg).toBe(header.alg);
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const data = Buffer.from(`${head}.${payload}`);
  const sig = Buffer.from(signature, 'base64url');
  const ok =
    header.alg === 'EdDSA'
      ? verify(null, data, key, sig)
      : verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  expect(ok, 'the signature verifies with the published key').toBe(true);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** The route's path with the given tenant's resource ids in its parameters. */
function pathOf(route: RouteDefinition, ids: TenantIds): string {
  const values: Record<string, string> = {
    tenantId: ids.tenantId,
    userId: ids.memberId,
    invitationId: ids.invitationId,
    fileId: route.name === 'completeUpload' ? ids.pendingFileId : ids.fileId,
    sessionId: 'no-such-session',
  };
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(values[name] ?? name));
}

const hasResourceParam = (route: RouteDefinition) => /:(?!tenantId\b)[A-Za-z]+/.test(route.path);

/**
 * Registers, inside a describe block, the role-by-role and cross-tenant tests of every tenant route
 * of the contract, generated from the registry in route-matrix.ts (see there for the callers and the
 * expectations), through @portalkit/client against one server in one mode. Two tenants: A (admin,
 * editor, viewer and a target member) and B (its admin, with A's admin as a viewer); plus a
 * signed-in user who belongs to no tenant. api.test.ts calls it for both servers in every mode
 * (there, to share the file's PGlite template with the other servers it starts).
 */
export function routeMatrixSuite(name: ServerName, mode: Mode, modes: Modes): void {
  const run = it.skipIf(!modes.available(mode));
  const suffix = `${name}-${mode}`.replace(/[^a-z0-9]/g, '');
  const email = (who: string) => `${who}.matrix.${suffix}@example.com`;
  let server: RunningServer;
  let mailDir: string;
  /** The HTTP status of each client's latest answer from the server. */
  const lastStatus = new Map<PortalkitClient, { status: number }>();
  const seenTokens = new Set<string>();
  let serial = 0;

  let aAdmin: PortalkitClient;
  let aEditor: PortalkitClient;
  let aViewer: PortalkitClient;
  let target: PortalkitClient;
  let bAdmin: PortalkitClient;
  let outsider: PortalkitClient;
  let fx: MatrixFixture;
  let b: TenantIds;
  /** Tenant B as its admin saw it after the setup. */
  let bBefore: unknown;

  function newClient(): PortalkitClient {
    const holder = { status: 0 };
    const c = createClient({
      baseUrl: server.url,
      retry: false,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (String(input).startsWith(server.url)) holder.status = res.status;
        return res;
      },
    });
    lastStatus.set(c, holder);
    return c;
  }

  /** The token of a mail to `to` matching `subject` that no earlier call took. */
  async function newMailToken(to: string, subject: RegExp): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      for (const mail of await readMails(mailDir)) {
        const token = mail.to.includes(to) && subject.test(mail.subject) && /[?&]token=([^\s&]+)/.exec(mail.text)?.[1];
        if (token && !seenTokens.has(token)) {
          seenTokens.add(token);
          return decodeURIComponent(token);
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`[portalkit/e2e] no new mail to ${to} matching ${subject}`);
  }

  async function signUp(who: string): Promise<PortalkitClient> {
    const c = newClient();
    await c.auth.register({ email: email(who), password: PASSWORD, name: who });
    await c.auth.verifyEmail({ token: await tokenFromMail(mailDir, email(who), /verify/i) });
    await c.auth.login({ email: email(who), password: PASSWORD });
    return c;
  }

  /** `admin` invites `who` into `tenantId` with `role`; `who` accepts (their tokens stay as they were). */
  async function invite(
    admin: PortalkitClient,
    tenantId: string,
    who: string,
    invitee: PortalkitClient,
    role: 'viewer' | 'editor',
  ) {
    await admin.invitations.create(tenantId, { email: email(who), role });
    await invitee.invitations.accept({ token: await newMailToken(email(who), /invited/i) });
  }

  async function pendingUpload(c: PortalkitClient, tenantId: string): Promise<string> {
    const created = await c.files.createUpload(tenantId, {
      name: 'pending.txt',
      size: FILE_TEXT.length,
      contentType: 'text/plain',
    });
    const put = await fetch(created.upload.url, { method: 'PUT', headers: created.upload.headers, body: FILE_TEXT });
    expect(put.ok).toBe(true);
    return created.fileId;
  }

  /** A tenant's resources and state as its admin reads them (to see that nothing changed). */
  async function snapshot(admin: PortalkitClient, ids: TenantIds) {
    return {
      tenant: (await admin.tenants.get(ids.tenantId)).tenant,
      members: (await admin.members.list(ids.tenantId, { limit: 100 })).items,
      invitations: (await admin.invitations.list(ids.tenantId)).items,
      files: (await admin.files.list(ids.tenantId, { limit: 100 })).items,
      file: (await admin.files.get(ids.tenantId, ids.fileId)).file,
      audit: (await admin.audit.verify(ids.tenantId)).count,
    };
  }

  /** The status (success) or `status code` (API error) of a call, and its answer. */
  async function outcome(
    c: PortalkitClient,
    call: () => Promise<unknown>,
  ): Promise<{ label: Label; answer?: unknown }> {
    const holder = lastStatus.get(c);
    if (!holder) throw new Error('a client of the fixture is needed');
    holder.status = 0;
    try {
      const answer = await call();
      return { label: String(holder.status), answer };
    } catch (err) {
      if (isApiError(err)) return { label: `${err.status} ${err.code}` };
      throw err;
    }
  }

  /** The answer to a raw request without a token (valid-looking body where the route takes one). */
  async function anonymous(route: RouteDefinition, ids: TenantIds, authorization?: string): Promise<Label> {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    let body: BodyInit | null = null;
    if (route.bodyType === 'json') {
      headers['content-type'] = 'application/json';
      body = '{}';
    } else if (route.bodyType === 'multipart') {
      const form = new FormData();
      form.append('file', new Blob([FILE_TEXT], { type: 'text/plain' }), 'anonymous.txt');
      body = form;
    }
    const res = await fetch(`${server.url}${pathOf(route, ids)}`, { method: route.method, headers, body });
    const problem = (await res.json()) as { code?: string; status?: number; type?: string; title?: string };
    // Every error is an RFC 9457 problem, and every answer carries x-request-id.
    const flaws = [
      /^application\/problem\+json/.test(res.headers.get('content-type') ?? '') ? '' : ' (not problem+json)',
      problem.status === res.status && problem.type && problem.title ? '' : ' (incomplete problem)',
      res.headers.get('x-request-id') ? '' : ' (no x-request-id)',
    ];
    return `${res.status} ${problem.code}${flaws.join('')}`;
  }

  beforeAll(async () => {
    if (!modes.available(mode)) return;
    const env = modes.env(mode);
    // Its own rate-limit budget per server (six sign-ups each from 127.0.0.1, 10 an hour per IP).
    if (env.REDIS_PREFIX) env.REDIS_PREFIX = `${env.REDIS_PREFIX}matrix-${name}:`;
    server = await startServer(name, env);
    mailDir = join(server.dataDir, 'mail');
    [aAdmin, aEditor, aViewer, target, bAdmin, outsider] = await Promise.all([
      signUp('a-admin'),
      signUp('a-editor'),
      signUp('a-viewer'),
      signUp('a-target'),
      signUp('b-admin'),
      signUp('outsider'),
    ]);
    const [tenantA, tenantB] = await Promise.all([
      aAdmin.tenants.create({ name: 'Matrix A', slug: `matrix-a-${suffix}` }),
      bAdmin.tenants.create({ name: 'Matrix B', slug: `matrix-b-${suffix}` }),
    ]);
    const [a, bId] = [tenantA.tenant.id, tenantB.tenant.id];
    await Promise.all([aAdmin.auth.refresh({ tenantId: a }), bAdmin.auth.refresh({ tenantId: bId })]);
    await Promise.all([
      invite(aAdmin, a, 'a-editor', aEditor, 'editor'),
      invite(aAdmin, a, 'a-viewer', aViewer, 'viewer'),
      invite(aAdmin, a, 'a-target', target, 'viewer'),
      // A's admin is a viewer of B too: their token for A must still not reach B.
      invite(bAdmin, bId, 'a-admin', aAdmin, 'viewer'),
    ]);
    await Promise.all([aEditor, aViewer, target].map((c) => c.auth.refresh({ tenantId: a })));
    expect(await claimsOf(aAdmin)).toMatchObject({ tid: a, role: 'admin' });

    const standing = async (
      label: string,
      admin: PortalkitClient,
      tenantId: string,
      memberId: string,
    ): Promise<TenantIds> => ({
      tenantId,
      memberId,
      invitationId: (await admin.invitations.create(tenantId, { email: email(`standing-${label}`), role: 'viewer' }))
        .invitation.id,
      fileId: (
        await admin.files.upload(tenantId, new Blob([FILE_TEXT], { type: 'text/plain' }), { name: 'standing.txt' })
      ).file.id,
      pendingFileId: await pendingUpload(admin, tenantId),
    });
    const [aIds, bIds] = await Promise.all([
      standing('a', aAdmin, a, (await claimsOf(target)).sub),
      standing('b', bAdmin, bId, (await claimsOf(aAdmin)).sub),
    ]);
    b = bIds;
    fx = {
      admin: aAdmin,
      a: aIds,
      unique: (prefix) => `${prefix}-${suffix}-${++serial}`,
      pendingUpload: () => pendingUpload(aAdmin, aIds.tenantId),
      ensureTarget: async () => {
        const { items } = await aAdmin.members.list(aIds.tenantId, { limit: 100 });
        if (items.some((m) => m.userId === aIds.memberId)) return;
        await invite(aAdmin, aIds.tenantId, 'a-target', target, 'viewer');
      },
      throwawayTenant: async () => {
        const c = newClient();
        await c.auth.login({ email: email('a-admin'), password: PASSWORD });
        const { tenant } = await c.tenants.create({ name: 'Throwaway', slug: `throwaway-${suffix}-${++serial}` });
        await c.auth.refresh({ tenantId: tenant.id });
        return { client: c, tenantId: tenant.id };
      },
    };
    bBefore = await snapshot(bAdmin, b);
  });
  afterAll(async () => {
    if (!server) return;
    expect(await server.stop()).toBe(0);
  });

  const actors = () => ({ viewer: aViewer, editor: aEditor, admin: aAdmin });

  // Every route with a tenant role gets its test; one without a case in the registry fails here.
  for (const route of matrixRoutes()) {
    const coverage = ROUTE_COVERAGE[route.name as RouteName];
    run(`${route.method} ${route.path}: ${route.role} and up, every role, and cross-tenant 404`, async () => {
      if (coverage?.kind !== 'tenant') throw new Error(`no role-by-role case for ${route.name} in route-matrix.ts`);
      const { case: c } = coverage;
      const expected: Record<string, Label> = {};
      const actual: Record<string, Label> = {};
      const success = String(route.status);
      const attempt = async (who: string, caller: PortalkitClient, ids: TenantIds, want: Label) => {
        expected[who] = want;
        let client = caller;
        let targetIds = ids;
        if (want === success && c.fresh) {
          const made = await c.fresh(fx);
          client = made.client ?? caller;
          targetIds = { ...ids, ...made.ids };
        }
        const got = await outcome(client, () => c.call(client, targetIds));
        actual[who] = got.label;
        if (got.label === want && want === success) await c.check?.(got.answer, targetIds, fx);
      };

      for (const [role, client] of Object.entries(actors())) {
        const allowed = roles.indexOf(role as never) >= roles.indexOf(coverage.role);
        await attempt(role, client, fx.a, allowed ? success : '403 forbidden');
      }
      if (coverage.allowSelf) await attempt('the member themself', target, fx.a, success);

      expected.anonymous = '401 unauthorized';
      actual.anonymous = await anonymous(route, fx.a);
      expected['forged token'] = '401 unauthorized';
      actual['forged token'] = await anonymous(route, fx.a, 'Bearer a.b.c');

      // Cross-tenant: never 403, never the resource (API.md: existence is not revealed).
      await attempt('signed-in member of no tenant', outsider, fx.a, '404 not_found');
      await attempt("B's admin on A", bAdmin, fx.a, '404 not_found');
      await attempt("A's admin (also in B) with a token for A, on B's ids", aAdmin, b, '404 not_found');
      if (hasResourceParam(route)) {
        await attempt(
          "B's admin with A's resource ids under B's path",
          bAdmin,
          { ...fx.a, tenantId: b.tenantId },
          '404 not_found',
        );
      }
      expect(actual).toEqual(expected);
    });
  }

  run('the cross-tenant attempts changed nothing in B, and A kept its standing resources', async () => {
    expect(await snapshot(bAdmin, b)).toEqual(bBefore);
    expect((await aAdmin.files.get(fx.a.tenantId, fx.a.fileId)).file.status).toBe('ready');
    expect((await aAdmin.invitations.list(fx.a.tenantId)).items.map((i) => i.id)).toContain(fx.a.invitationId);
    // A's pending upload survived the completions tried under B's path: it still completes in A.
    expect((await aAdmin.files.completeUpload(fx.a.tenantId, fx.a.pendingFileId)).file.status).toBe('ready');
    const members = (await aAdmin.members.list(fx.a.tenantId, { limit: 100 })).items;
    expect(members.map((m) => m.role).sort()).toEqual(['admin', 'editor', 'viewer', 'viewer']);
  });

  // Routes for any signed-in user: no token, or a forged one, is 401.
  for (const route of signedInRoutes()) {
    run(`${route.method} ${route.path}: 401 without a valid token`, async () => {
      expect([await anonymous(route, fx.a), await anonymous(route, fx.a, 'Bearer a.b.c')]).toEqual([
        '401 unauthorized',
        '401 unauthorized',
      ]);
    });
  }

  // CongoDB (the stand-in MongoDB when MONGODB_URL is unset) sorts strings by locale but compares
  // them bytewise in $gt, so a keyset page after a mixed-case id repeats or skips items there; a real
  // MongoDB compares the same way in both, as the store relies on.
  it.skipIf(!modes.available(mode) || (mode === 'mongo' && !realMongo()))(
    'pages: limit and cursor walk every item once, nextCursor null at the end; default 20, limit 1..100',
    async () => {
      type Page = { items: Array<{ id?: string; userId?: string }>; nextCursor: string | null };
      const walk = async (page: (limit: number, cursor?: string) => Promise<Page>, limit: number) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 1000; pages++) {
          const p = await page(limit, cursor);
          expect(p.items.length).toBeLessThanOrEqual(limit);
          seen.push(...p.items.map((i) => i.id ?? i.userId ?? ''));
          if (p.nextCursor === null) return seen;
          cursor = p.nextCursor;
        }
        throw new Error('the pages never end');
      };
      const t = fx.a.tenantId;
      const lists: Record<string, (limit: number, cursor?: string) => Promise<Page>> = {
        members: (limit, cursor) => aAdmin.members.list(t, { limit, ...(cursor ? { cursor } : {}) }),
        files: (limit, cursor) => aAdmin.files.list(t, { limit, ...(cursor ? { cursor } : {}) }),
        audit: (limit, cursor) => aAdmin.audit.list(t, { limit, ...(cursor ? { cursor } : {}) }),
      };
      for (const [what, list] of Object.entries(lists)) {
        const all = await walk(list, 100);
        expect(all.length, what).toBeGreaterThan(3);
        const small = await walk(list, 3);
        expect(small, what).toEqual(all);
        expect(new Set(small).size, what).toBe(small.length);
        for (const limit of [0, 101]) {
          expect((await outcome(aAdmin, () => list(limit))).label, `${what} limit ${limit}`).toBe(
            '400 validation_failed',
          );
        }
      }
      // Without ?limit=, a page holds 20 (the matrix left A more events than that).
      const { count } = await aAdmin.audit.verify(t);
      expect(count).toBeGreaterThan(20);
      const first = await aAdmin.audit.list(t);
      expect(first.items).toHaveLength(20);
      expect(first.nextCursor).not.toBeNull();
    },
  );

  run('a wrong e-mail and a wrong password answer alike, in about the same time', async () => {
    const attempt = async (address: string) => {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: address, password: 'not-the-password-1' }),
      });
      const body = (await res.json()) as { code: string; detail: string };
      return { answer: `${res.status} ${body.code} ${body.detail}`, ms: performance.now() - started };
    };
    // One failure per account (far from any lockout), interleaved with unknown addresses.
    const known: Array<{ answer: string; ms: number }> = [];
    const unknown: Array<{ answer: string; ms: number }> = [];
    for (const who of ['a-editor', 'a-viewer', 'a-target', 'outsider', 'b-admin']) {
      unknown.push(await attempt(email(`nobody-${who}`)));
      known.push(await attempt(email(who)));
    }
    expect(new Set([...known, ...unknown].map((a) => a.answer))).toEqual(new Set([known[0]!.answer]));
    expect(known[0]!.answer).toMatch(/^401 invalid_credentials /);
    // Same work for an unknown address (a password hash is checked either way): were it skipped,
    // the unknown addresses would answer in a small fraction of the time.
    const median = (xs: Array<{ ms: number }>) => xs.map((x) => x.ms).sort((x, y) => x - y)[2]!;
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
  });

  run('every JSON route refuses an unknown field with 400 naming it on the body, and does nothing', async () => {
    const token = (await aAdmin.tokens.get())?.accessToken ?? '';
    const before = await snapshot(aAdmin, fx.a);
    const answers: Record<string, string> = {};
    const jsonRoutes = routeList.filter((r) => r.bodyType === 'json');
    expect(jsonRoutes.length).toBeGreaterThan(10);
    for (const route of jsonRoutes) {
      // The route's documented example (the OpenAPI document shows it), plus one field too many.
      const example = routeDocs[route.name as RouteName].example;
      expect(example, `${route.name} has a documented example body`).toEqual(expect.any(Object));
      const res = await fetch(`${server.url}${pathOf(route, fx.a)}`, {
        method: route.method,
        headers: {
          'content-type': 'application/json',
          ...(route.auth === 'none' ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ ...(example as object), unexpectedField: true }),
      });
      const problem = (await res.json()) as { code?: string; errors?: Array<{ path: string; message: string }> };
      // The unknown key is reported on the object holding it (here the body), by name.
      const errors = (problem.errors ?? []).map(
        (e) => `${e.path}: ${/unexpectedField/.test(e.message) ? 'names it' : e.message}`,
      );
      answers[route.name] = `${res.status} ${problem.code} ${errors.join('; ')}`;
    }
    expect(answers).toEqual(
      Object.fromEntries(jsonRoutes.map((r) => [r.name, '400 validation_failed body: names it'])),
    );
    expect(await snapshot(aAdmin, fx.a)).toEqual(before);
  });

  run(
    'login and refresh into a tenant: the only membership becomes active; a tenant one is not in is refused alike whether it exists or not',
    async () => {
      // A's viewer belongs to A only: a login without tenantId makes A active.
      const viewer = newClient();
      const login = await viewer.auth.login({ email: email('a-viewer'), password: PASSWORD });
      expect(login).toMatchObject({ tokenType: 'Bearer', user: { email: email('a-viewer'), emailVerified: true } });
      // A JWT a third party verifies with the published key, carrying what API.md lists; the
      // refresh token is an opaque random string of at least 256 bits.
      const claims = await verifiedClaims(server.url, login.accessToken);
      expect(claims).toMatchObject({
        sub: login.user.id,
        tid: fx.a.tenantId,
        role: 'viewer',
        sid: expect.any(String),
        iss: expect.any(String),
        aud: expect.anything(),
      });
      expect(Number(claims.exp) - Number(claims.iat)).toBe(login.expiresIn);
      expect(login.expiresIn).toBe(15 * 60);
      expect(login.refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(login.refreshToken).not.toContain('.');
      expect((await viewer.tenants.get(fx.a.tenantId)).tenant.id).toBe(fx.a.tenantId);
      // A's admin belongs to A and B: no tenant is chosen for them.
      const both = newClient();
      await both.auth.login({ email: email('a-admin'), password: PASSWORD });
      expect((await claimsOf(both)).tid).toBeUndefined();
      await both.auth.login({ email: email('a-admin'), password: PASSWORD, tenantId: b.tenantId });
      expect(await claimsOf(both)).toMatchObject({ tid: b.tenantId, role: 'viewer' });
      const me = await both.auth.me();
      expect(me.memberships.map((m) => [m.tenantId, m.role]).sort()).toEqual(
        [
          [fx.a.tenantId, 'admin'],
          [b.tenantId, 'viewer'],
        ].sort(),
      );
      expect(me.memberships.find((m) => m.tenantId === b.tenantId)?.tenantName).toBe('Matrix B');
      // A's editor is not in B: B and a tenant that does not exist answer the same.
      const editor = newClient();
      await editor.auth.login({ email: email('a-editor'), password: PASSWORD });
      const refused = async (tenantId: string) => [
        (await outcome(editor, () => editor.auth.login({ email: email('a-editor'), password: PASSWORD, tenantId })))
          .label,
        (await outcome(editor, () => editor.auth.refresh({ tenantId }))).label,
      ];
      const other = await refused(b.tenantId);
      expect(other[0]).toMatch(/^(403 forbidden|404 not_found)$/);
      expect(other).toEqual([other[0], other[0]]);
      expect(await refused('no-such-tenant-0000')).toEqual(other);
    },
  );

  run("a user cannot revoke another user's session: 404, and the session lives on", async () => {
    const own = (await aViewer.auth.sessions()).items.find((s) => s.current);
    expect(own).toBeDefined();
    expect((await outcome(outsider, () => outsider.auth.revokeSession(own!.id))).label).toBe('404 not_found');
    expect((await aViewer.auth.me()).user.email).toBe(email('a-viewer'));
    expect((await aViewer.auth.sessions()).items.map((s) => s.id)).toContain(own!.id);
  });

  run('creating a tenant: the caller is its admin; a malformed slug is 400, a taken one 409', async () => {
    const created = await outsider.tenants.create({ name: 'Own', slug: `own-${suffix}` });
    expect(created.tenant).toMatchObject({ name: 'Own', slug: `own-${suffix}`, status: 'active' });
    expect((await outsider.auth.me()).memberships).toEqual([
      { tenantId: created.tenant.id, tenantName: 'Own', role: 'admin' },
    ]);
    for (const slug of ['Has-Caps', 'a--b', '-lead', 'ab', 'x'.repeat(64)]) {
      expect((await outcome(outsider, () => outsider.tenants.create({ name: 'Bad', slug }))).label, slug).toBe(
        '400 validation_failed',
      );
    }
    expect(
      (await outcome(outsider, () => outsider.tenants.create({ name: 'B again', slug: `matrix-b-${suffix}` }))).label,
    ).toBe('409 conflict');
    await outsider.auth.refresh({ tenantId: created.tenant.id });
    await outsider.tenants.delete(created.tenant.id);
  });

  run('lists only the tenants the caller belongs to', async () => {
    const ids = async (c: PortalkitClient) => (await c.tenants.list()).items.map((t) => t.id).sort();
    expect(await ids(outsider)).toEqual([]);
    expect(await ids(aViewer)).toEqual([fx.a.tenantId]);
    expect(await ids(bAdmin)).toEqual([b.tenantId]);
    expect(await ids(aAdmin)).toEqual([fx.a.tenantId, b.tenantId].sort());
  });

  run("an invitation is accepted only by its e-mail's verified account (403), and stays usable", async () => {
    const { invitation } = await bAdmin.invitations.create(b.tenantId, { email: email('outsider'), role: 'viewer' });
    const token = await newMailToken(email('outsider'), /invited/i);
    expect((await outcome(aViewer, () => aViewer.invitations.accept({ token }))).label).toBe('403 forbidden');
    expect((await bAdmin.invitations.list(b.tenantId)).items.map((i) => i.id)).toContain(invitation.id);
    expect((await aViewer.tenants.list()).items.map((t) => t.id)).toEqual([fx.a.tenantId]);
    // An unknown token is 404 (an invitation that does not exist).
    expect((await outcome(aViewer, () => aViewer.invitations.accept({ token: 'x'.repeat(43) }))).label).toBe(
      '404 not_found',
    );
    await bAdmin.invitations.revoke(b.tenantId, invitation.id);
  });
}
