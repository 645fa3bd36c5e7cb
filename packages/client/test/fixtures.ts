// Shared fixtures of the client tests: contract-shaped answers and an msw server per file.
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const BASE = 'http://api.test';
export const iso = '2026-01-31T12:00:00.000Z';
export const user = { id: 'u_1', email: 'ada@example.com', name: 'Ada', emailVerified: true, createdAt: iso };

export function tokenPair(n: number) {
  return {
    accessToken: `access-${n}`,
    refreshToken: `refresh-token-number-${n}-xxxxxxxxxxxxxxxx`,
    tokenType: 'Bearer' as const,
    expiresIn: 900,
    user,
  };
}

export function fileRecord(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `${id}.txt`,
    size: 3,
    contentType: 'text/plain',
    checksum: 'a'.repeat(64),
    category: null,
    tags: [],
    status: 'ready',
    createdAt: iso,
    createdBy: 'u_1',
    ...extra,
  };
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  return HttpResponse.json(
    { type: `https://portalkit.dev/problems/${code}`, title: code, status, detail, code, ...extra },
    { status, headers: { 'content-type': 'application/problem+json', 'x-request-id': `req-${code}` } },
  );
}

/** Starts an msw server for the test file; handlers are added per test with `server.use()`. */
export function useMsw() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
