import {
  createTenantResolver,
  firstMatch,
  fromCustomDomain,
  fromHeader,
  fromPathParam,
  fromSubdomain,
  fromTokenClaim,
  isOriginAllowed,
  type TenantHint,
  tenantCorsHeaders,
} from '@portalkit/tenancy';
import { describe, expect, it } from 'vitest';

const req = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

describe('resolution strategies', () => {
  it('path parameter', () => {
    const r = fromPathParam('/api/v1/tenants/:tenantId');
    expect(r(req('http://x/api/v1/tenants/t%201/files/9'))).toEqual({ kind: 'id', value: 't 1', source: 'path' });
    expect(r(req('http://x/api/v1/tenants'))).toBeNull();
    expect(r(req('http://x/api/v2/tenants/t1'))).toBeNull();
    expect(r(req('http://x/api/v1/tenants/%E0%A4%A'))).toBeNull();
    expect(() => fromPathParam('/api/v1/tenants')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('header', () => {
    expect(fromHeader()(req('http://x/', { 'x-tenant-id': ' t1 ' }))).toEqual({
      kind: 'id',
      value: 't1',
      source: 'header',
    });
    expect(fromHeader('x-org', { kind: 'slug' })(req('http://x/', { 'x-org': 'acme' }))?.kind).toBe('slug');
    expect(fromHeader()(req('http://x/'))).toBeNull();
  });

  it('subdomain', () => {
    const r = fromSubdomain({ rootDomain: 'example.com' });
    expect(r(req('http://acme.example.com:8080/x'))).toEqual({ kind: 'slug', value: 'acme', source: 'subdomain' });
    expect(r(req('http://x/', { host: 'ACME.example.com' }))?.value).toBe('acme');
    expect(r(req('http://example.com/'))).toBeNull();
    expect(r(req('http://www.example.com/'))).toBeNull();
    expect(r(req('http://a.b.example.com/'))).toBeNull();
    expect(r(req('http://acme.evil-example.com/'))).toBeNull();
  });

  it('custom domain', () => {
    const r = fromCustomDomain({ ignore: ['example.com', 'localhost'] });
    expect(r(req('https://files.acme.io/'))).toEqual({
      kind: 'domain',
      value: 'files.acme.io',
      source: 'custom-domain',
    });
    expect(r(req('https://app.example.com/'))).toBeNull();
    expect(r(req('http://localhost:3000/'))).toBeNull();
  });

  it('token claim (from verified claims only) and composition', async () => {
    const claims = new WeakMap<Request, Record<string, unknown>>();
    const byToken = fromTokenClaim({ claims: (r) => claims.get(r) ?? null });
    const a = req('http://x/');
    claims.set(a, { tid: 't1' });
    expect(await byToken(a)).toEqual({ kind: 'id', value: 't1', source: 'token' });
    expect(await byToken(req('http://x/'))).toBeNull();
    const both = firstMatch(fromPathParam('/t/:id'), fromHeader());
    expect(await both(req('http://x/t/p1', { 'x-tenant-id': 'h1' }))).toMatchObject({ value: 'p1', source: 'path' });
    expect(await both(req('http://x/other', { 'x-tenant-id': 'h1' }))).toMatchObject({ value: 'h1', source: 'header' });
    expect(await both(req('http://x/other'))).toBeNull();
  });
});

describe('createTenantResolver', () => {
  const tenants = [
    { id: 't1', slug: 'acme' },
    { id: 't2', slug: 'globex' },
  ];
  const lookup = (h: TenantHint) => tenants.find((t) => (h.kind === 'id' ? t.id : t.slug) === h.value) ?? null;
  const claims = new WeakMap<Request, Record<string, unknown>>();
  const resolve = createTenantResolver({
    strategies: [fromSubdomain({ rootDomain: 'example.com' }), fromPathParam('/api/v1/tenants/:tenantId')],
    token: fromTokenClaim({ claims: (r) => claims.get(r) ?? null }),
    lookup,
  });
  const withToken = (url: string, tid?: string) => {
    const r = req(url);
    if (tid) claims.set(r, { tid });
    return r;
  };

  it('accepts a token whose tenant matches the resolved one', async () => {
    expect(await resolve(withToken('http://acme.example.com/', 't1'))).toEqual(tenants[0]);
    expect(await resolve(withToken('http://x/api/v1/tenants/t2', 't2'))).toEqual(tenants[1]);
  });

  it("refuses a token minted for another tenant than the request's", async () => {
    await expect(resolve(withToken('http://acme.example.com/', 't2'))).rejects.toMatchObject({
      code: 'tenant_mismatch',
    });
    await expect(resolve(withToken('http://x/api/v1/tenants/t1', 't2'))).rejects.toMatchObject({
      code: 'tenant_mismatch',
    });
  });

  it('falls back to the token, and reports unknown or absent tenants', async () => {
    expect(await resolve(withToken('http://x/me', 't2'))).toEqual(tenants[1]);
    expect(await resolve(withToken('http://x/me'))).toBeNull();
    await expect(resolve(withToken('http://nope.example.com/'))).rejects.toMatchObject({ code: 'not_found' });
    await expect(resolve(withToken('http://x/me', 'gone'))).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('per-tenant CORS', () => {
  const settings = { allowedOrigins: ['https://app.acme.com', 'https://*.acme.io', 'http://localhost:5173'] };
  it('allows exact and wildcard-subdomain origins only', () => {
    expect(isOriginAllowed(settings, 'https://app.acme.com')).toBe(true);
    expect(isOriginAllowed(settings, 'https://APP.acme.com')).toBe(true);
    expect(isOriginAllowed(settings, 'https://x.acme.io')).toBe(true);
    expect(isOriginAllowed(settings, 'http://localhost:5173')).toBe(true);
    for (const bad of [
      'http://app.acme.com',
      'https://app.acme.com:444',
      'https://acme.io',
      'https://evilacme.io',
      'https://app.acme.com.evil.com',
      'http://localhost:5174',
      'null',
      '',
      'https://app.acme.com/path',
      'not a url',
    ]) {
      expect(isOriginAllowed(settings, bad), bad).toBe(false);
    }
    expect(isOriginAllowed({}, 'https://app.acme.com')).toBe(false);
    expect(isOriginAllowed(null, 'https://app.acme.com')).toBe(false);
  });

  it('answers headers that vary on Origin', () => {
    expect(tenantCorsHeaders(settings, 'https://app.acme.com')).toEqual({
      'access-control-allow-origin': 'https://app.acme.com',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    expect(tenantCorsHeaders(settings, 'https://evil.com')).toEqual({ vary: 'Origin' });
  });
});
