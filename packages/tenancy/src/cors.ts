import type { TenantSettings } from './settings.js';

function parseOrigin(value: string): { scheme: string; host: string; port: string } | null {
  if (value === 'null') return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    if (value.replace(/\/$/, '') !== url.origin && value.toLowerCase().replace(/\/$/, '') !== url.origin) return null;
    return { scheme: url.protocol, host: url.hostname, port: url.port };
  } catch {
    return null;
  }
}

/**
 * Decides whether a browser `Origin` may call the API on behalf of a tenant, from the tenant's
 * `settings.allowedOrigins`. Exact origins match scheme, host and port; `https://*.example.com`
 * matches any subdomain of example.com (not example.com itself) with the same scheme and port.
 * The `null` origin, malformed values and tenants without allowed origins are refused.
 *
 * @example
 * ```ts
 * if (isOriginAllowed(tenant.settings, request.headers.get('origin'))) {
 *   headers.set('access-control-allow-origin', request.headers.get('origin')!);
 *   headers.append('vary', 'Origin');
 * }
 * ```
 */
export function isOriginAllowed(
  settings: Pick<TenantSettings, 'allowedOrigins'> | null | undefined,
  origin: string | null | undefined,
): boolean {
  if (!origin || !settings?.allowedOrigins?.length) return false;
  const candidate = parseOrigin(origin.trim());
  if (!candidate) return false;
  for (const allowed of settings.allowedOrigins) {
    const wildcard = allowed.includes('://*.');
    const rule = parseOrigin(wildcard ? allowed.replace('://*.', '://') : allowed);
    if (!rule || rule.scheme !== candidate.scheme || rule.port !== candidate.port) continue;
    if (wildcard ? candidate.host.endsWith(`.${rule.host}`) : candidate.host === rule.host) return true;
  }
  return false;
}

/**
 * CORS response headers for a tenant-scoped request: the echoed origin with `Vary: Origin` when
 * allowed, only `Vary: Origin` otherwise (so caches never serve one tenant's answer to another).
 *
 * @example
 * ```ts
 * for (const [k, v] of Object.entries(tenantCorsHeaders(tenant.settings, req.headers.get('origin')))) res.setHeader(k, v);
 * ```
 */
export function tenantCorsHeaders(
  settings: Pick<TenantSettings, 'allowedOrigins'> | null | undefined,
  origin: string | null | undefined,
): Record<string, string> {
  if (!origin || !isOriginAllowed(settings, origin)) return { vary: 'Origin' };
  return { 'access-control-allow-origin': origin.trim(), 'access-control-allow-credentials': 'true', vary: 'Origin' };
}
