import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createClient, isApiError, type PortalkitClient } from '@portalkit/client';
import { routeList } from '@portalkit/client/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, removeTemplates, SERVERS, startServer } from './harness.js';
import { readMails, tokenFromMail } from './mail.js';
import { MODES, useModes } from './modes.js';
import { routeMatrixSuite } from './route-matrix-suite.js';

const modes = useModes();
afterAll(removeTemplates);

const PASSWORD = 'violet-otter-harbour-93';
const PASSWORD_2 = 'indigo-walrus-canyon-58';

/** Whether a mail is addressed to exactly `address` (not merely to an address ending with it). */
function isTo(mail: { to: string }, address: string): boolean {
  return mail.to === address || mail.to.endsWith(`<${address}>`);
}

/** The API error code of a rejected call (fails the test when the call succeeded). */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (isApiError(err)) return `${err.status} ${err.code}`;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe.each(SERVERS)('%s', (name) => {
  describe.each(MODES)('API (%s)', (mode) => {
    let server: RunningServer;
    let mailDir: string;
    const client = (): PortalkitClient => createClient({ baseUrl: server.url, retry: false });

    /** Registers, verifies through the e-mail link and signs in; returns the signed-in client. */
    async function signUp(email: string, displayName: string): Promise<PortalkitClient> {
      const c = client();
      expect(await c.auth.register({ email, password: PASSWORD, name: displayName })).toEqual({
        status: 'verification_sent',
      });
      const token = await tokenFromMail(mailDir, email, /verify/i);
      const { user } = await c.auth.verifyEmail({ token });
      expect(user.emailVerified).toBe(true);
      await c.auth.login({ email, password: PASSWORD });
      return c;
    }

    /** Status the server gives the client's current access and refresh tokens (raw HTTP, no client logic). */
    async function tokenStatus(c: PortalkitClient): Promise<{ access: number; refresh: number }> {
      const tokens = await c.tokens.get();
      if (!tokens) throw new Error('client has no tokens');
      const me = await fetch(`${server.url}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      const refresh = await fetch(`${server.url}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: tokens.refreshToken }),
      });
      return { access: me.status, refresh: refresh.status };
    }

    beforeAll(async () => {
      if (!modes.available(mode)) return;
      server = await startServer(name, { ...modes.env(mode), STORAGE_MAX_FILE_SIZE: String(1024 * 1024) });
      mailDir = join(server.dataDir, 'mail');
    });
    afterAll(async () => {
      if (!server) return;
      expect(await server.stop()).toBe(0);
      // No secret ever reaches the logs.
      const logs = JSON.stringify(server.logs);
      expect(logs).not.toContain(PASSWORD);
      expect(logs).not.toMatch(/Bearer ey|refreshToken|"token"/);
    });

    const run = it.skipIf(!modes.available(mode));
    const suffix = `${name}-${mode}`.replace(/[^a-z0-9]/g, '');
    const alice = `alice.${suffix}@example.com`;
    const bob = `bob.${suffix}@example.com`;
    let a: PortalkitClient;
    let b: PortalkitClient;
    let tenantA = '';
    let tenantB = '';
    let bobId = '';

    run('register, verify by e-mail, login; no enumeration; weak passwords refused', async () => {
      const first = client();
      await first.auth.register({ email: alice, password: PASSWORD, name: 'Alice' });
      const verifyToken = await tokenFromMail(mailDir, alice, /verify/i);
      expect((await first.auth.verifyEmail({ token: verifyToken })).user.emailVerified).toBe(true);
      // The verification link is single-use.
      expect(await codeOf(first.auth.verifyEmail({ token: verifyToken }))).toBe('401 unauthorized');
      a = client();
      await a.auth.login({ email: alice, password: PASSWORD });
      // Same answer for a taken address (in any case), and its owner gets a notice instead; nothing
      // about the account changes (the password and the name stay hers).
      expect(await client().auth.register({ email: alice.toUpperCase(), password: PASSWORD_2, name: 'X' })).toEqual({
        status: 'verification_sent',
      });
      const notices = async () =>
        (await readMails(mailDir)).filter((m) => m.to.includes(alice) && /tried to sign up/i.test(m.subject));
      await vi.waitFor(async () => expect(await notices()).toHaveLength(1));
      expect((await notices())[0]?.text).not.toMatch(/[?&]token=/);
      expect(await codeOf(client().auth.login({ email: alice, password: PASSWORD_2 }))).toBe('401 invalid_credentials');
      expect((await client().auth.login({ email: alice, password: PASSWORD })).user.name).toBe('Alice');
      // A weak password is refused saying why, on the password field.
      const weak = await client()
        .auth.register({ email: `w.${alice}`, password: 'password123', name: 'W' })
        .catch((err: unknown) => err);
      expect(isApiError(weak) && [weak.status, weak.code]).toEqual([400, 'validation_failed']);
      expect(isApiError(weak) && weak.errors.map((e) => e.path)).toEqual(['password']);
      expect(isApiError(weak) && weak.errors[0]?.message).toMatch(/\w{4,}/);
      expect(await codeOf(client().auth.login({ email: alice, password: 'wrong-password-1' }))).toBe(
        '401 invalid_credentials',
      );
      expect(await codeOf(client().auth.login({ email: `nobody.${alice}`, password: 'wrong-password-1' }))).toBe(
        '401 invalid_credentials',
      );
      // resend-verification answers the same for known and unknown addresses.
      expect(await client().auth.resendVerification({ email: alice })).toEqual({ status: 'verification_sent' });
      expect(await client().auth.resendVerification({ email: `ghost.${alice}` })).toEqual({
        status: 'verification_sent',
      });
      const unverified = client();
      await unverified.auth.register({ email: `late.${alice}`, password: PASSWORD, name: 'Late' });
      expect(await codeOf(unverified.auth.login({ email: `late.${alice}`, password: PASSWORD }))).toBe(
        '403 email_not_verified',
      );
      // resend-verification sends a new link to an unverified account, nothing to a verified one.
      const verifyMails = async (to: string) =>
        (await readMails(mailDir)).filter((m) => isTo(m, to) && /verify/i.test(m.subject)).length;
      await vi.waitFor(async () => expect(await verifyMails(`late.${alice}`)).toBe(1));
      const alicesVerifyMails = await verifyMails(alice);
      await client().auth.resendVerification({ email: alice });
      await client().auth.resendVerification({ email: `late.${alice}` });
      await vi.waitFor(async () => expect(await verifyMails(`late.${alice}`)).toBe(2));
      expect(await verifyMails(alice)).toBe(alicesVerifyMails);
      const me = await a.auth.me();
      expect(me.user.email).toBe(alice);
      expect(me.memberships).toEqual([]);
      const sessions = await a.auth.sessions();
      expect(sessions.items.filter((s) => s.current)).toHaveLength(1);
    });

    run('tenants: create (caller is admin), slug conflict, switch the active tenant by refresh', async () => {
      const { tenant } = await a.tenants.create({ name: 'Acme', slug: `acme-${suffix}` });
      tenantA = tenant.id;
      expect(tenant).toMatchObject({ name: 'Acme', status: 'active' });
      expect(await codeOf(a.tenants.create({ name: 'Again', slug: `acme-${suffix}` }))).toBe('409 conflict');
      // The current token was minted without this tenant: it does not read it (404, not 403).
      expect(await codeOf(a.tenants.get(tenantA))).toBe('404 not_found');
      await a.auth.refresh({ tenantId: tenantA });
      expect((await a.tenants.get(tenantA)).tenant.id).toBe(tenantA);
      expect((await a.tenants.list()).items.map((t) => t.id)).toEqual([tenantA]);
      const updated = await a.tenants.update(tenantA, {
        name: 'Acme Inc',
        settings: { allowedOrigins: ['https://app.acme.test'] },
      });
      expect(updated.tenant.name).toBe('Acme Inc');
      // CORS per tenant, from its settings.
      const token = (await a.tokens.get())?.accessToken;
      const allowed = await fetch(`${server.url}/api/v1/tenants/${tenantA}`, {
        headers: { authorization: `Bearer ${token}`, origin: 'https://app.acme.test' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.acme.test');
      const other = await fetch(`${server.url}/api/v1/tenants/${tenantA}`, {
        headers: { authorization: `Bearer ${token}`, origin: 'https://evil.test' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${server.url}/api/v1/tenants/${tenantA}/files`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.acme.test', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
      // Settings are checked field by field against the contract (400 naming each field), and
      // nothing of a refused change is stored.
      const refused = await fetch(`${server.url}/api/v1/tenants/${tenantA}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Renamed',
          settings: { theme: 'dark', allowedOrigins: ['https://app.acme.test/path'] },
        }),
      });
      expect(refused.status).toBe(400);
      const problem = (await refused.json()) as { code: string; errors: Array<{ path: string }> };
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((e) => e.path)).toEqual(
        expect.arrayContaining(['settings', 'settings.allowedOrigins.0']),
      );
      expect((await a.tenants.get(tenantA)).tenant).toMatchObject({
        name: 'Acme Inc',
        settings: { allowedOrigins: ['https://app.acme.test'] },
      });
    });

    run('invitations: admin invites, the invitee accepts with a matching verified e-mail', async () => {
      const { invitation } = await a.invitations.create(tenantA, { email: bob, role: 'viewer' });
      expect(invitation).toMatchObject({ email: bob, role: 'viewer' });
      expect((await a.invitations.list(tenantA)).items.map((i) => i.id)).toContain(invitation.id);
      const invitationToken = await tokenFromMail(mailDir, bob, /invited/i);
      const carol = `carol.${suffix}@example.com`;
      const { invitation: revoked } = await a.invitations.create(tenantA, { email: carol, role: 'editor' });
      await a.invitations.revoke(tenantA, revoked.id);
      expect((await a.invitations.list(tenantA)).items.map((i) => i.id)).not.toContain(revoked.id);
      b = await signUp(bob, 'Bob');
      bobId = (await b.auth.me()).user.id;
      const { membership } = await b.invitations.accept({ token: invitationToken });
      expect(membership).toMatchObject({ tenantId: tenantA, role: 'viewer', tenantName: 'Acme Inc' });
      expect(await codeOf(b.invitations.accept({ token: invitationToken }))).toBe('404 not_found');
      // The list holds pending invitations only: accepted (and revoked) ones leave it.
      expect((await a.invitations.list(tenantA)).items.map((i) => i.id)).not.toContain(invitation.id);
      await b.auth.refresh({ tenantId: tenantA });
      const members = await a.members.list(tenantA);
      expect(members.items.map((m) => [m.email, m.role]).sort()).toEqual([
        [alice, 'admin'],
        [bob, 'viewer'],
      ]);
    });

    run('roles: a viewer reads but cannot manage; promotion takes effect at once; last admin kept', async () => {
      expect((await b.tenants.get(tenantA)).tenant.id).toBe(tenantA);
      expect(await codeOf(b.tenants.update(tenantA, { name: 'Hijacked' }))).toBe('403 forbidden');
      expect(await codeOf(b.invitations.create(tenantA, { email: 'x@example.com', role: 'admin' }))).toBe(
        '403 forbidden',
      );
      expect(await codeOf(b.audit.list(tenantA))).toBe('403 forbidden');
      expect(await codeOf(b.files.upload(tenantA, new Blob(['hi'], { type: 'text/plain' }), { name: 'a.txt' }))).toBe(
        '403 forbidden',
      );
      await a.members.update(tenantA, bobId, { role: 'admin' });
      expect((await b.invitations.list(tenantA)).items).toBeDefined();
      await a.members.update(tenantA, bobId, { role: 'editor' });
      expect(await codeOf(b.invitations.list(tenantA))).toBe('403 forbidden');
      const aliceId = (await a.auth.me()).user.id;
      expect(await codeOf(a.members.update(tenantA, aliceId, { role: 'viewer' }))).toBe('409 conflict');
      expect(await codeOf(a.members.remove(tenantA, aliceId))).toBe('409 conflict');
    });

    run(
      'files: multipart upload sniffed by bytes, list/filter, Range download, direct upload, soft delete',
      async () => {
        const png = Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
          'base64',
        );
        // bob is an editor now: editors upload.
        const { file } = await b.files.upload(tenantA, new Blob([png], { type: 'image/png' }), {
          name: 'Logo (final) é.png',
          category: 'branding',
          tags: ['logo', 'v1'],
        });
        expect(file).toMatchObject({
          name: 'Logo (final) é.png',
          size: png.length,
          contentType: 'image/png',
          status: 'ready',
        });
        expect(file.checksum).toBe(createHash('sha256').update(png).digest('hex'));
        expect(file.tags.sort()).toEqual(['logo', 'v1']);
        expect(file.createdBy).toBe(bobId);
        // The type is judged by the bytes, not the name or the declared type.
        const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(256)]);
        expect(await codeOf(b.files.upload(tenantA, new Blob([elf], { type: 'image/png' }), { name: 'x.png' }))).toBe(
          '415 unsupported_media_type',
        );
        const big = Buffer.alloc(1024 * 1024 + 1, 'a');
        expect(
          await codeOf(b.files.upload(tenantA, new Blob([big], { type: 'text/plain' }), { name: 'big.txt' })),
        ).toBe('413 payload_too_large');
        const listed = await a.files.list(tenantA, { tag: 'logo' });
        expect(listed.items.map((f) => f.id)).toEqual([file.id]);
        // The request's log line carries its request id, tenant and user.
        const requestId = `files-list-${suffix}`;
        const logged = await fetch(`${server.url}/api/v1/tenants/${tenantA}/files?limit=5`, {
          headers: { authorization: `Bearer ${(await a.tokens.get())?.accessToken}`, 'x-request-id': requestId },
        });
        expect(logged.status).toBe(200);
        const aliceId = (await a.auth.me()).user.id;
        await vi.waitFor(() => {
          const lines = server.logs.filter((l) => l.requestId === requestId);
          expect(lines).toEqual([
            expect.objectContaining({
              msg: 'request completed',
              tenantId: tenantA,
              userId: aliceId,
              method: 'GET',
              path: `/api/v1/tenants/${tenantA}/files`,
              status: 200,
            }),
          ]);
        });
        expect((await a.files.list(tenantA, { q: 'final' })).items).toHaveLength(1);
        expect((await a.files.list(tenantA, { q: 'nothing-like-it' })).items).toHaveLength(0);
        expect((await a.files.get(tenantA, file.id)).file.id).toBe(file.id);

        const whole = await a.files.download(tenantA, file.id);
        expect(Buffer.from(await (await whole.blob()).arrayBuffer())).toEqual(png);
        // The original name, safely encoded, whoever serves the bytes (this server, or S3 by redirect).
        expect(whole.response.headers.get('content-disposition')).toMatch(/^attachment;.*filename\*=UTF-8''Logo/);
        const part = await a.files.download(tenantA, file.id, { range: { start: 0, end: 3 } });
        expect(part.status).toBe(206);
        expect(part.response.headers.get('content-range')).toBe(`bytes 0-3/${png.length}`);
        expect(Buffer.from(await (await part.blob()).arrayBuffer())).toEqual(png.subarray(0, 4));
        const raw = await fetch(`${server.url}/api/v1/tenants/${tenantA}/files/${file.id}/download`, {
          headers: { authorization: `Bearer ${(await a.tokens.get())?.accessToken}` },
          redirect: 'manual',
        });
        if (mode !== 'embedded') {
          // S3-compatible storage: the download is a redirect to a presigned URL.
          expect(raw.status).toBe(302);
        } else {
          expect(raw.status).toBe(200);
          expect(raw.headers.get('content-disposition')).toMatch(/^attachment;.*filename\*=UTF-8''/);
        }

        const text = new TextEncoder().encode('hello direct upload\n');
        const direct = await b.files.uploadDirect(tenantA, text, { name: 'notes.txt', contentType: 'text/plain' });
        expect(direct.file).toMatchObject({ name: 'notes.txt', size: text.length, status: 'ready' });
        // Completing again answers the same file and records no second file.uploaded (checked below).
        expect((await b.files.completeUpload(tenantA, direct.file.id)).file).toEqual(direct.file);
        // Bytes that never arrived, or of a type not allowed: 400, and the upload is gone (404 after).
        const ghost = await b.files.createUpload(tenantA, { name: 'ghost.txt', size: 5, contentType: 'text/plain' });
        // A signed URL on this server for local disk; a presigned PUT to the provider for S3.
        expect(ghost.upload.method).toBe('PUT');
        expect(new URL(ghost.upload.url).origin === server.url).toBe(mode === 'embedded');
        expect(await codeOf(b.files.completeUpload(tenantA, ghost.fileId))).toBe('400 validation_failed');
        expect(await codeOf(b.files.completeUpload(tenantA, ghost.fileId))).toBe('404 not_found');
        const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00]);
        const fake = await b.files.createUpload(tenantA, {
          name: 'pic.png',
          size: exe.length,
          contentType: 'image/png',
        });
        const put = await fetch(fake.upload.url, { method: 'PUT', headers: fake.upload.headers, body: exe });
        expect(put.ok).toBe(true);
        expect(await codeOf(b.files.completeUpload(tenantA, fake.fileId))).toBe('400 validation_failed');
        expect(await codeOf(b.files.get(tenantA, fake.fileId))).toBe('404 not_found');

        await b.files.delete(tenantA, direct.file.id);
        expect(await codeOf(a.files.get(tenantA, direct.file.id))).toBe('404 not_found');
        expect((await a.files.list(tenantA)).items.map((f) => f.id)).toEqual([file.id]);
        const uploads = await a.audit.list(tenantA, { action: 'file.uploaded' });
        expect(uploads.items).toHaveLength(2);
      },
    );

    run('cross-tenant: every tenant route answers 404 for a tenant the caller does not belong to', async () => {
      const { tenant } = await b.tenants.create({ name: 'Bobco', slug: `bobco-${suffix}` });
      tenantB = tenant.id;
      expect(await codeOf(a.auth.refresh({ tenantId: tenantB }))).toMatch(/^(403|404) /);
      const token = (await a.tokens.get())?.accessToken;
      const tenantRoutes = routeList.filter((r) => r.path.includes(':tenantId'));
      expect(tenantRoutes.length).toBeGreaterThan(15);
      for (const route of tenantRoutes) {
        const path = route.path.replace(':tenantId', tenantB).replace(/:[A-Za-z]+/g, bobId);
        const res = await fetch(`${server.url}${path}`, {
          method: route.method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
        });
        expect(`${route.method} ${route.path} -> ${res.status}`).toBe(`${route.method} ${route.path} -> 404`);
      }
      // Bob's tenant is untouched.
      expect((await b.tenants.list()).items.map((t) => t.id).sort()).toEqual([tenantA, tenantB].sort());
    });

    run('audit: tenant events recorded with actor and request id; export; verify', async () => {
      const page = await a.audit.list(tenantA, { limit: 100 });
      const actions = page.items.map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'tenant.created',
          'tenant.updated',
          'member.invited',
          'member.joined',
          'member.role_changed',
        ]),
      );
      const created = page.items.find((e) => e.action === 'tenant.created');
      expect(created?.actor.type).toBe('user');
      expect(created?.requestId).toEqual(expect.any(String));
      const roleChanges = await a.audit.list(tenantA, { action: 'member.role_changed' });
      expect(roleChanges.items.every((e) => e.action === 'member.role_changed')).toBe(true);
      // Newest first, and each filter narrows to what it names.
      const times = page.items.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      const byBob = await a.audit.list(tenantA, { actorId: bobId, limit: 100 });
      expect(byBob.items.map((e) => e.action)).toEqual(expect.arrayContaining(['member.joined', 'file.uploaded']));
      expect(byBob.items.every((e) => e.actor.id === bobId)).toBe(true);
      const fileEvents = await a.audit.list(tenantA, { resourceType: 'file', limit: 100 });
      expect(fileEvents.items.map((e) => e.action).sort()).toEqual(['file.deleted', 'file.uploaded', 'file.uploaded']);
      const deleted = fileEvents.items.find((e) => e.action === 'file.deleted')!;
      const aboutDeleted = await a.audit.list(tenantA, { resourceId: deleted.resource.id!, limit: 100 });
      expect(aboutDeleted.items.map((e) => e.action).sort()).toEqual(['file.deleted', 'file.uploaded']);
      const at = (e: { occurredAt: string }, ms: number) => new Date(Date.parse(e.occurredAt) + ms).toISOString();
      const [newest, oldest] = [page.items[0]!, page.items.at(-1)!];
      expect((await a.audit.list(tenantA, { from: at(oldest, -1), to: at(newest, 1), limit: 100 })).items).toHaveLength(
        page.items.length,
      );
      expect((await a.audit.list(tenantA, { from: at(newest, 1) })).items).toEqual([]);
      expect((await a.audit.list(tenantA, { to: at(oldest, -1) })).items).toEqual([]);
      const firstFile = fileEvents.items.at(-1)!;
      const since = await a.audit.list(tenantA, { from: at(firstFile, -1), limit: 100 });
      expect(since.items.map((e) => e.action)).toEqual(expect.arrayContaining(['file.uploaded', 'file.deleted']));
      expect(since.items.map((e) => e.action)).not.toContain('tenant.created');
      // The export takes the same filters.
      const fileLines = (await (await a.audit.export(tenantA, { format: 'ndjson', resourceType: 'file' })).text())
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id);
      expect(fileLines.sort()).toEqual(fileEvents.items.map((e) => e.id).sort());
      const exported = await a.audit.export(tenantA, { format: 'ndjson' });
      const lines = (await exported.text()).trim().split('\n');
      expect(lines.length).toBe(page.items.length);
      expect(JSON.stringify(lines)).not.toMatch(/password|refreshToken/i);
      const csv = await (await a.audit.export(tenantA, { format: 'csv' })).text();
      expect(csv.split('\n')[0]).toMatch(/action/);
      expect(await a.audit.verify(tenantA)).toMatchObject({ valid: true, count: page.items.length });
      expect(actions).toContain('invitation.revoked');
      if (mode === 'services') {
        // Tamper with one stored event behind the API's back: verify names it.
        const db = new pg.Client({ connectionString: modes.env('services').DATABASE_URL });
        await db.connect();
        const victim = page.items.find((e) => e.action === 'member.invited')!;
        await db.query(`UPDATE audit_events SET action = 'member.removed' WHERE id = $1`, [victim.id]);
        const tampered = await a.audit.verify(tenantA);
        await db.query(`UPDATE audit_events SET action = 'member.invited' WHERE id = $1`, [victim.id]);
        await db.end();
        expect(tampered).toMatchObject({ valid: false, firstBadEventId: victim.id });
        expect((await a.audit.verify(tenantA)).valid).toBe(true);
      }
    });

    run('refresh rotation: reusing a spent refresh token kills the session (401 token_reused)', async () => {
      const c = client();
      const first = await c.auth.login({ email: alice, password: PASSWORD });
      const post = (refreshToken: string) =>
        fetch(`${server.url}/api/v1/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken }),
        });
      const second = await post(first.refreshToken);
      expect(second.status).toBe(200);
      const { refreshToken: next } = await second.json();
      const reused = await post(first.refreshToken);
      expect(reused.status).toBe(401);
      expect((await reused.json()).code).toBe('token_reused');
      expect((await post(next)).status).toBe(401);
    });

    run('forgot-password answers the same for an unknown address', async () => {
      const known = await client().auth.forgotPassword({ email: alice });
      const unknown = await client().auth.forgotPassword({ email: `ghost.${alice}` });
      expect(unknown).toEqual(known);
      await tokenFromMail(mailDir, alice, /reset/i);
      expect((await readMails(mailDir)).filter((m) => m.to.includes(`ghost.${alice}`))).toEqual([]);
    });

    run('logout, sessions, password change and reset revoke what they should', async () => {
      const c = client();
      await c.auth.login({ email: bob, password: PASSWORD });
      const other = client();
      await other.auth.login({ email: bob, password: PASSWORD });
      const sessions = await c.auth.sessions();
      const otherSession = sessions.items.find((s) => !s.current);
      expect(otherSession).toBeDefined();
      const otherTokens = await other.tokens.get();
      await c.auth.revokeSession(otherSession!.id);
      await other.tokens.set(otherTokens);
      // Revocation stops the access token at once, not at its expiry, and kills the refresh token.
      expect(await tokenStatus(other)).toEqual({ access: 401, refresh: 401 });

      const newPassword = 'amber-falcon-meadow-41';
      // A wrong current password changes nothing; the right one revokes the other sessions only.
      expect(await codeOf(c.auth.changePassword({ currentPassword: 'not-it-at-all-1', newPassword }))).toBe(
        '401 invalid_credentials',
      );
      const third = client();
      await third.auth.login({ email: bob, password: PASSWORD });
      const thirdTokens = await third.tokens.get();
      await c.auth.changePassword({ currentPassword: PASSWORD, newPassword });
      await third.tokens.set(thirdTokens);
      expect(await tokenStatus(third)).toEqual({ access: 401, refresh: 401 });
      expect((await c.auth.me()).user.email).toBe(bob);
      await c.auth.forgotPassword({ email: bob });
      const resetToken = await tokenFromMail(mailDir, bob, /reset/i);
      await client().auth.resetPassword({ token: resetToken, password: PASSWORD });
      expect(await tokenStatus(c)).toEqual({ access: 401, refresh: 401 });
      expect(await codeOf(client().auth.resetPassword({ token: resetToken, password: newPassword }))).toMatch(
        /^4\d\d /,
      );
      b = client();
      await b.auth.login({ email: bob, password: PASSWORD, tenantId: tenantA });
      const before = await b.tokens.get();
      await b.auth.logout();
      await b.tokens.set(before);
      expect((await tokenStatus(b)).refresh).toBe(401);
      b = client();
      await b.auth.login({ email: bob, password: PASSWORD, tenantId: tenantA });
    });

    run('members: a removed member loses access at once; a member may leave by themself', async () => {
      await a.members.remove(tenantA, bobId);
      expect(await codeOf(b.tenants.get(tenantA))).toBe('404 not_found');
      expect((await a.members.list(tenantA)).items.map((m) => m.email)).toEqual([alice]);
      // Invited back, bob leaves by himself (his token for the tenant works again once he is in).
      await a.invitations.create(tenantA, { email: bob, role: 'viewer' });
      await b.invitations.accept({ token: await tokenFromMail(mailDir, bob, /invited/i) });
      expect((await b.tenants.get(tenantA)).tenant.id).toBe(tenantA);
      await b.members.remove(tenantA, bobId);
      expect(await codeOf(b.tenants.get(tenantA))).toBe('404 not_found');
      expect((await a.members.list(tenantA)).items.map((m) => m.email)).toEqual([alice]);
    });

    run('login failures are rate limited per account and IP (429 with Retry-After)', async () => {
      const c = client();
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i++) {
        const res = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `late.${alice}`, password: 'not-the-password-1' }),
        });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.slice(0, 5).every((s) => s === 401 || s === 403)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(c).toBeDefined();
    });

    run('delete tenant: 204, then gone; logout-all ends every session', async () => {
      await a.tenants.delete(tenantA);
      expect(await codeOf(a.tenants.get(tenantA))).toBe('404 not_found');
      expect((await a.auth.me()).memberships.map((m) => m.tenantId)).not.toContain(tenantA);
      if (mode === 'services') {
        // Its files are deleted with it: soft-deleted at once, their objects left to the sweeper
        // after the grace period (platform README; sweeper.test.ts watches a purge).
        const db = new pg.Client({ connectionString: modes.env('services').DATABASE_URL });
        await db.connect();
        const rows = await db.query<{ live: string; all: string }>(
          'select count(*) filter (where deleted_at is null) as live, count(*) as all from storage_files where tenant_id = $1',
          [tenantA],
        );
        // The deletion is recorded in the tenant's trail (kept for the export window).
        const trail = await db.query(
          "select count(*) as n from audit_events where tenant_id = $1 and action = 'tenant.deleted'",
          [tenantA],
        );
        await db.end();
        expect(rows.rows[0]).toMatchObject({ live: '0' });
        expect(Number(rows.rows[0]?.all)).toBeGreaterThan(0);
        expect(trail.rows).toEqual([{ n: '1' }]);
      }
      const before = await a.tokens.get();
      await a.auth.logoutAll();
      await a.tokens.set(before);
      expect(await tokenStatus(a)).toEqual({ access: 401, refresh: 401 });
    });
  });

  // Every tenant route role by role and across tenants, on its own server per mode (route-matrix.ts).
  describe.each(MODES)('route matrix (%s)', (mode) => routeMatrixSuite(name, mode, modes));
});
