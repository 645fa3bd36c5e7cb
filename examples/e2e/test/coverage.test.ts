import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RouteName, routeList } from '@portalkit/client/contract';
import { describe, expect, it } from 'vitest';
import { matrixRoutes, ROUTE_COVERAGE, signedInRoutes } from './route-matrix.js';

// The e2e suite covers every route of the contract (the code form of API.md's tables): each route
// has an entry in the registry of route-matrix.ts, whose tenant routes drive the generated role and
// cross-tenant tests of route-matrix-suite.ts (run by api.test.ts), and whose every entry names tests that exist. No
// server is started here: this fails at once when a route is added, renamed or re-roled without
// its tests.
const here = dirname(fileURLToPath(import.meta.url));
const source = (file: string) => readFileSync(join(here, file), 'utf8');

describe('e2e coverage of the contract', () => {
  it('every contract route has a registry entry, and the registry names no other route', () => {
    const names = routeList.map((r) => r.name).sort();
    expect(Object.keys(ROUTE_COVERAGE).sort()).toEqual(names);
    // API.md's tables: 4 health and docs rows, 14 auth, 12 tenants and members, 7 files, 3 audit.
    expect(names).toHaveLength(40);
  });

  it.each(routeList.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: the entry matches the route (auth, role, self) and tenant routes have a role-by-role case',
    (_, route) => {
      const coverage = ROUTE_COVERAGE[route.name as RouteName];
      if (route.role === null) {
        // Not a tenant route: its kind is the route's authentication.
        expect(coverage.kind).toBe(route.auth);
        expect(route.path).not.toContain(':tenantId');
        return;
      }
      expect(coverage.kind).toBe('tenant');
      if (coverage.kind !== 'tenant') return;
      expect(route.path).toMatch(/^\/api\/v1\/tenants\/:tenantId(\/|$)/);
      expect(route.auth).toBe('user');
      // The registry's role is API.md's role column: the contract must say the same.
      expect(route.role).toBe(coverage.role);
      expect(route.allowSelf).toBe(coverage.allowSelf === true);
      expect(typeof coverage.case.call).toBe('function');
    },
  );

  it('every test an entry names exists in the file it names', () => {
    const missing: string[] = [];
    for (const [name, coverage] of Object.entries(ROUTE_COVERAGE)) {
      expect(coverage.coveredBy.length, name).toBeGreaterThan(0);
      for (const ref of coverage.coveredBy) {
        const text = source(ref.file);
        // A test title is a string literal: the reference is its start (or all of it).
        if (![`'${ref.test}`, `"${ref.test}`, `\`${ref.test}`].some((quoted) => text.includes(quoted))) {
          missing.push(`${name}: ${ref.file} › ${ref.test}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('the matrix runs every tenant route, and the 401 checks every other signed-in route', () => {
    // Straight from the contract: every path under a tenant has a role and a generated test.
    const underTenant = routeList.filter((r) => r.path.includes(':tenantId')).map((r) => r.name);
    expect(matrixRoutes().map((r) => r.name)).toEqual(underTenant);
    expect(underTenant).toHaveLength(19);
    const signedIn = routeList.filter((r) => r.auth !== 'none' && !r.path.includes(':tenantId')).map((r) => r.name);
    expect(signedInRoutes().map((r) => r.name)).toEqual(signedIn);
    expect(signedIn.length).toBeGreaterThan(5);
  });
});
