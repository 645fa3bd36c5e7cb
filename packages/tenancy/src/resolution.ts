import type { TenantRef } from './context.js';
import { TenancyError } from './errors.js';

/**
 * What a resolution strategy found in a request: a tenant id, a slug or a host name, and where.
 *
 * @example
 * ```ts
 * const hint: TenantHint = { kind: 'slug', value: 'acme', source: 'subdomain' };
 * ```
 */
export interface TenantHint {
  /** What `value` is: a tenant id, a slug, or a custom domain (host name). */
  kind: 'id' | 'slug' | 'domain';
  /** The identifier as found in the request. */
  value: string;
  /** Which strategy found it. */
  source: 'path' | 'header' | 'subdomain' | 'custom-domain' | 'token';
}

/**
 * A resolution strategy: a function of a web `Request` that returns a {@link TenantHint} or `null`.
 *
 * @example
 * ```ts
 * const fromQuery: TenantResolver = (req) => {
 *   const t = new URL(req.url).searchParams.get('tenant');
 *   return t ? { kind: 'id', value: t, source: 'header' } : null;
 * };
 * ```
 */
export type TenantResolver = (request: Request) => TenantHint | null | Promise<TenantHint | null>;

function hostOf(request: Request): string | null {
  const raw = request.headers.get('host') ?? new URL(request.url).host;
  const host = raw.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return host.length > 0 ? host : null;
}

/**
 * Reads the tenant from a path parameter of a route template such as
 * `/api/v1/tenants/:tenantId`. The template matches a prefix of the path (sub-routes match too).
 *
 * @example
 * ```ts
 * const byPath = fromPathParam('/api/v1/tenants/:tenantId');
 * byPath(new Request('http://x/api/v1/tenants/t1/files')); // { kind: 'id', value: 't1', source: 'path' }
 * ```
 */
export function fromPathParam(
  template: string,
  options: { kind?: 'id' | 'slug' } = {},
): (request: Request) => TenantHint | null {
  const parts = template.split('/').filter(Boolean);
  const index = parts.findIndex((p) => p.startsWith(':'));
  if (index < 0) throw new TenancyError('invalid_input', `route template "${template}" has no :parameter`);
  return (request) => {
    const segments = new URL(request.url).pathname.split('/').filter(Boolean);
    if (segments.length < parts.length) return null;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (!part.startsWith(':') && part !== segments[i]) return null;
    }
    let value: string;
    try {
      value = decodeURIComponent(segments[index] as string);
    } catch {
      return null;
    }
    return value ? { kind: options.kind ?? 'id', value, source: 'path' } : null;
  };
}

/**
 * Reads the tenant id (or slug) from a request header.
 *
 * @example
 * ```ts
 * const byHeader = fromHeader('x-tenant-id');
 * ```
 */
export function fromHeader(
  name = 'x-tenant-id',
  options: { kind?: 'id' | 'slug' } = {},
): (request: Request) => TenantHint | null {
  return (request) => {
    const value = request.headers.get(name)?.trim();
    return value ? { kind: options.kind ?? 'id', value, source: 'header' } : null;
  };
}

/**
 * Reads a tenant slug from the first label of the host under `rootDomain`
 * (`acme.app.example.com` with root `app.example.com` gives `acme`). Deeper labels and reserved
 * labels (default `www`, `api`, `app`) give `null`.
 *
 * @example
 * ```ts
 * const bySubdomain = fromSubdomain({ rootDomain: 'example.com' });
 * ```
 */
export function fromSubdomain(options: {
  rootDomain: string;
  reserved?: string[];
}): (request: Request) => TenantHint | null {
  const root = options.rootDomain.toLowerCase().replace(/^\./, '');
  const reserved = new Set(options.reserved ?? ['www', 'api', 'app']);
  return (request) => {
    const host = hostOf(request);
    if (!host?.endsWith(`.${root}`)) return null;
    const label = host.slice(0, -(root.length + 1));
    if (!label || label.includes('.') || reserved.has(label)) return null;
    return { kind: 'slug', value: label, source: 'subdomain' };
  };
}

/**
 * Treats the request host as a tenant's custom domain (hosts in `ignore`, such as your own
 * domains, give `null`). Turn the hint into a tenant with `TenancyService.getTenantByDomain`.
 *
 * @example
 * ```ts
 * const byDomain = fromCustomDomain({ ignore: ['example.com', 'localhost'] });
 * ```
 */
export function fromCustomDomain(options: { ignore?: string[] } = {}): (request: Request) => TenantHint | null {
  const ignore = (options.ignore ?? []).map((h) => h.toLowerCase());
  return (request) => {
    const host = hostOf(request);
    if (!host || ignore.some((h) => host === h || host.endsWith(`.${h}`))) return null;
    return { kind: 'domain', value: host, source: 'custom-domain' };
  };
}

/**
 * Reads the tenant id from a claim of an ALREADY VERIFIED token: `claims(request)` returns the
 * verified payload (e.g. what your auth middleware stored), never an unverified decode.
 *
 * @example
 * ```ts
 * const verified = new WeakMap<Request, Record<string, unknown>>();
 * const byToken = fromTokenClaim({ claims: (req) => verified.get(req) ?? null });
 * ```
 */
export function fromTokenClaim(options: {
  /** Returns the verified claims of the request's token, or `null` without one. */
  claims: (
    request: Request,
  ) => Record<string, unknown> | null | undefined | Promise<Record<string, unknown> | null | undefined>;
  /** Claim name. @default 'tid' */
  claim?: string;
}): TenantResolver {
  const claim = options.claim ?? 'tid';
  return async (request) => {
    const claims = await options.claims(request);
    const value = claims?.[claim];
    return typeof value === 'string' && value.length > 0 ? { kind: 'id', value, source: 'token' } : null;
  };
}

/**
 * Composes strategies: the first that returns a hint wins.
 *
 * @example
 * ```ts
 * const resolver = firstMatch(fromPathParam('/api/v1/tenants/:tenantId'), fromHeader('x-tenant-id'));
 * ```
 */
export function firstMatch(...resolvers: TenantResolver[]): TenantResolver {
  return async (request) => {
    for (const resolve of resolvers) {
      const hint = await resolve(request);
      if (hint) return hint;
    }
    return null;
  };
}

/**
 * Options of {@link createTenantResolver}.
 *
 * @example
 * ```ts
 * const options: TenantResolutionOptions<Tenant> = { strategies: [fromHeader()], lookup: (h) => tenancy.findTenant(h) };
 * ```
 */
export interface TenantResolutionOptions<T extends TenantRef> {
  /** Strategies tried in order; the first hint wins. */
  strategies: TenantResolver[];
  /** Turns a hint into a tenant (e.g. `(hint) => tenancy.findTenant(hint)`), `null` when unknown. */
  lookup: (hint: TenantHint) => Promise<T | null> | T | null;
  /**
   * Optional token strategy (usually {@link fromTokenClaim}): when both the request and its token
   * name a tenant, they must be the same tenant, otherwise `tenant_mismatch` is thrown. When only
   * the token names one, it is used.
   */
  token?: TenantResolver;
}

/**
 * Builds the request -> tenant function: runs the strategies, looks the hint up, and enforces
 * the rule that a token's tenant must match the resolved one (`TenancyError('tenant_mismatch')`).
 * Returns `null` when no strategy found a tenant, throws `not_found` when a hint names none.
 *
 * @example
 * ```ts
 * const resolveTenant = createTenantResolver({
 *   strategies: [fromPathParam('/api/v1/tenants/:tenantId')],
 *   token: fromTokenClaim({ claims: (req) => verifiedClaims.get(req) ?? null }),
 *   lookup: (hint) => tenancy.findTenant(hint),
 * });
 * const tenant = await resolveTenant(request);
 * ```
 */
export function createTenantResolver<T extends TenantRef>(
  options: TenantResolutionOptions<T>,
): (request: Request) => Promise<T | null> {
  const strategies = firstMatch(...options.strategies);
  return async (request) => {
    const hint = await strategies(request);
    const tokenHint = options.token ? await options.token(request) : null;
    if (!hint && !tokenHint) return null;
    const tenant = hint ? await options.lookup(hint) : null;
    if (hint && !tenant) throw new TenancyError('not_found', `no tenant matches the request's ${hint.source}`);
    if (!tokenHint) return tenant;
    const tokenTenant =
      tenant && tokenHint.kind === 'id' && tokenHint.value === tenant.id ? tenant : await options.lookup(tokenHint);
    if (!tokenTenant) throw new TenancyError('not_found', "the token's tenant does not exist");
    if (tenant && tenant.id !== tokenTenant.id) {
      throw new TenancyError(
        'tenant_mismatch',
        "the token was issued for another tenant than the request's (switch tenant to get a new token)",
      );
    }
    return tenant ?? tokenTenant;
  };
}
