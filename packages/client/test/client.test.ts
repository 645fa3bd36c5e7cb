import { ApiError, createClient, isApiError, memoryTokenStorage } from '@portalkit/client';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { BASE, fileRecord, problem, tokenPair, useMsw, user } from './fixtures.js';

const server = useMsw();

describe('typed calls', () => {
  it('logs in, stores the tokens and sends them as a bearer token afterwards', async () => {
    let loginBody: unknown;
    let authorization: string | null = null;
    server.use(
      http.post(`${BASE}/api/v1/auth/login`, async ({ request }) => {
        loginBody = await request.json();
        expect(request.headers.get('authorization')).toBeNull();
        return HttpResponse.json(tokenPair(1));
      }),
      http.get(`${BASE}/api/v1/auth/me`, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ user, memberships: [{ tenantId: 't1', tenantName: 'Acme', role: 'admin' }] });
      }),
    );
    const tokens = memoryTokenStorage();
    const client = createClient({ baseUrl: `${BASE}/`, tokens });
    const signedIn: unknown[] = [];
    client.on('signedIn', (event) => signedIn.push(event));
    const answer = await client.auth.login({ email: 'ada@example.com', password: 'pw' });
    expect(answer.user).toEqual(user);
    expect(loginBody).toEqual({ email: 'ada@example.com', password: 'pw' });
    expect(await tokens.get()).toMatchObject({ accessToken: 'access-1', refreshToken: tokenPair(1).refreshToken });
    expect(signedIn).toEqual([{ user }]);
    const me = await client.auth.me();
    expect(authorization).toBe('Bearer access-1');
    expect(me.memberships[0]?.role).toBe('admin');
  });

  it('encodes path parameters and query strings, skipping undefined filters', async () => {
    let url = '';
    server.use(
      http.get(`${BASE}/api/v1/tenants/:tenantId/files`, ({ request }) => {
        url = request.url;
        return HttpResponse.json({ items: [fileRecord('f1')], nextCursor: null });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    const page = await client.files.list('t 1', { limit: 5, tag: 'q1', category: undefined });
    expect(page.items[0]?.id).toBe('f1');
    expect(url).toBe(`${BASE}/api/v1/tenants/t%201/files?limit=5&tag=q1`);
  });

  it('calls every group with the right method and path', async () => {
    const seen: string[] = [];
    const record =
      (answer: () => Response) =>
      ({ request }: { request: Request }) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        return answer();
      };
    const tenant = { id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: '2026-01-31T12:00:00.000Z' };
    const member = { userId: 'u2', email: 'b@example.com', name: 'B', role: 'editor', joinedAt: tenant.createdAt };
    const invitation = { id: 'i1', email: 'c@example.com', role: 'viewer', expiresAt: tenant.createdAt };
    const empty = () => new HttpResponse(null, { status: 204 });
    server.use(
      http.post(
        `${BASE}/api/v1/tenants`,
        record(() => HttpResponse.json({ tenant }, { status: 201 })),
      ),
      http.patch(
        `${BASE}/api/v1/tenants/t1`,
        record(() => HttpResponse.json({ tenant })),
      ),
      http.delete(`${BASE}/api/v1/tenants/t1`, record(empty)),
      http.patch(
        `${BASE}/api/v1/tenants/t1/members/u2`,
        record(() => HttpResponse.json({ member })),
      ),
      http.delete(`${BASE}/api/v1/tenants/t1/members/u2`, record(empty)),
      http.post(
        `${BASE}/api/v1/tenants/t1/invitations`,
        record(() => HttpResponse.json({ invitation }, { status: 201 })),
      ),
      http.delete(`${BASE}/api/v1/tenants/t1/invitations/i1`, record(empty)),
      http.post(
        `${BASE}/api/v1/invitations/accept`,
        record(() => HttpResponse.json({ membership: { tenantId: 't1', tenantName: 'Acme', role: 'viewer' } })),
      ),
      http.delete(`${BASE}/api/v1/tenants/t1/files/f1`, record(empty)),
      http.get(
        `${BASE}/api/v1/tenants/t1/audit-events/verify`,
        record(() => HttpResponse.json({ valid: true, count: 3, headHash: 'ab' })),
      ),
      http.delete(`${BASE}/api/v1/auth/sessions/s1`, record(empty)),
      http.get(
        `${BASE}/health`,
        record(() => HttpResponse.json({ status: 'ok' })),
      ),
    );
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    expect((await client.tenants.create({ name: 'Acme', slug: 'acme' })).tenant.slug).toBe('acme');
    await client.tenants.update('t1', { name: 'Acme 2' });
    expect(await client.tenants.delete('t1')).toBeUndefined();
    expect((await client.members.update('t1', 'u2', { role: 'editor' })).member.role).toBe('editor');
    await client.members.remove('t1', 'u2');
    expect((await client.invitations.create('t1', { email: 'c@example.com', role: 'viewer' })).invitation.id).toBe(
      'i1',
    );
    await client.invitations.revoke('t1', 'i1');
    expect((await client.invitations.accept({ token: 'tok' })).membership.tenantId).toBe('t1');
    await client.files.delete('t1', 'f1');
    expect((await client.audit.verify('t1')).valid).toBe(true);
    await client.auth.revokeSession('s1');
    expect(await client.request('health', {})).toEqual({ status: 'ok' });
    expect(seen).toEqual([
      'POST /api/v1/tenants',
      'PATCH /api/v1/tenants/t1',
      'DELETE /api/v1/tenants/t1',
      'PATCH /api/v1/tenants/t1/members/u2',
      'DELETE /api/v1/tenants/t1/members/u2',
      'POST /api/v1/tenants/t1/invitations',
      'DELETE /api/v1/tenants/t1/invitations/i1',
      'POST /api/v1/invitations/accept',
      'DELETE /api/v1/tenants/t1/files/f1',
      'GET /api/v1/tenants/t1/audit-events/verify',
      'DELETE /api/v1/auth/sessions/s1',
      'GET /health',
    ]);
  });

  it('refuses authenticated calls without tokens, before any request', async () => {
    const client = createClient({ baseUrl: BASE });
    const error = await client.tenants.list().catch((e: unknown) => e);
    expect(isApiError(error) && error.code).toBe('not_signed_in');
  });
});

describe('errors', () => {
  it('turns problem+json into ApiError with status, code, detail, field errors and request id', async () => {
    server.use(
      http.post(`${BASE}/api/v1/auth/register`, () =>
        problem(400, 'validation_failed', 'The request body is invalid.', {
          errors: [{ path: 'password', message: 'too weak: add more words' }],
        }),
      ),
    );
    const client = createClient({ baseUrl: BASE });
    const error = await client.auth
      .register({ email: 'a@example.com', password: 'password1', name: 'A' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      status: 400,
      detail: 'The request body is invalid.',
      errors: [{ path: 'password', message: 'too weak: add more words' }],
      requestId: 'req-validation_failed',
    });
    expect((error as ApiError).message).toMatch(/^\[portalkit\/client\] POST \/api\/v1\/auth\/register answered 400/);
  });

  it('maps answers without a problem body by status, or to http_error', async () => {
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1`, () => new HttpResponse('<html>gone</html>', { status: 404 })),
      http.get(`${BASE}/api/v1/tenants/t2`, () => new HttpResponse('<html>teapot</html>', { status: 418 })),
    );
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    await expect(client.tenants.get('t1')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(client.tenants.get('t2')).rejects.toMatchObject({ code: 'http_error', status: 418 });
  });

  it('rejects answers that do not match the contract, unless validation is off', async () => {
    const bad = { tenant: { id: 't1', name: 'Acme', slug: 'acme', status: 'archived', createdAt: 'yesterday' } };
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1`, () => HttpResponse.json(bad, { headers: { 'x-request-id': 'r-9' } })),
    );
    const tokens = memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' });
    const strict = createClient({ baseUrl: BASE, tokens });
    const error = (await strict.tenants.get('t1').catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('invalid_response');
    expect(error.status).toBe(200);
    expect(error.requestId).toBe('r-9');
    expect(error.errors.map((e) => e.path).sort()).toEqual(['tenant.createdAt', 'tenant.status']);
    const lenient = createClient({ baseUrl: BASE, tokens, validateResponses: false });
    expect(await lenient.tenants.get('t1')).toEqual(bad);
  });

  it('reports a non-JSON success body as invalid_response', async () => {
    server.use(http.get(`${BASE}/health`, () => new HttpResponse('ok', { status: 200 })));
    const client = createClient({ baseUrl: BASE });
    await expect(client.request('health', {})).rejects.toMatchObject({ code: 'invalid_response' });
  });
});

describe('bad input', () => {
  it('throws a clear error for an empty path parameter, before any request', async () => {
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    await expect(client.files.get('t1', '')).rejects.toThrow(/getFile: the path parameter "fileId" is missing/);
  });
});
