import { createClient, memoryTokenStorage, paginate } from '@portalkit/client';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { BASE, fileRecord, useMsw } from './fixtures.js';

const server = useMsw();

function pagedFiles(total: number) {
  const requests: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/api/v1/tenants/t1/files`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      requests.push(params);
      const limit = Number(params.get('limit') ?? 20);
      const start = Number(params.get('cursor') ?? 0);
      const end = Math.min(start + limit, total);
      const items = Array.from({ length: end - start }, (_, i) => fileRecord(`f${start + i}`));
      return HttpResponse.json({ items, nextCursor: end < total ? String(end) : null });
    }),
  );
  return requests;
}

describe('pagination', () => {
  it('iterates every item across pages, keeping the filters on every page', async () => {
    const requests = pagedFiles(7);
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    const ids: string[] = [];
    for await (const file of client.files.iterate('t1', { limit: 3, tag: 'q1' })) ids.push(file.id);
    expect(ids).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
    expect(requests.map((r) => r.toString())).toEqual([
      'limit=3&tag=q1',
      'limit=3&tag=q1&cursor=3',
      'limit=3&tag=q1&cursor=6',
    ]);
  });

  it('fetches no further page after the loop breaks', async () => {
    const requests = pagedFiles(100);
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    for await (const file of client.files.iterate('t1', { limit: 10 })) {
      if (file.id === 'f12') break;
    }
    expect(requests).toHaveLength(2);
  });

  it('paginate() works over any page function and honours maxPages', async () => {
    pagedFiles(50);
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    const seen: string[] = [];
    for await (const file of paginate((cursor) => client.files.list('t1', { limit: 20, cursor }), { maxPages: 2 })) {
      seen.push(file.id);
    }
    expect(seen).toHaveLength(40);
    const empty: unknown[] = [];
    for await (const item of paginate(async () => ({ items: [], nextCursor: null }))) empty.push(item);
    expect(empty).toEqual([]);
  });
});

describe('audit and member iterators', () => {
  it('walks audit events with filters, and members', async () => {
    const seen: string[] = [];
    const event = (id: string) => ({
      id,
      tenantId: 't1',
      actor: { type: 'user', id: 'u1' },
      action: 'file.uploaded',
      resource: { type: 'file', id: 'f1' },
      ip: null,
      userAgent: null,
      requestId: null,
      occurredAt: '2026-01-31T12:00:00.000Z',
      hash: 'b'.repeat(64),
      prevHash: 'a'.repeat(64),
    });
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1/audit-events`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        seen.push(params.toString());
        return params.get('cursor')
          ? HttpResponse.json({ items: [event('e3')], nextCursor: null })
          : HttpResponse.json({ items: [event('e1'), event('e2')], nextCursor: 'c2' });
      }),
      http.get(`${BASE}/api/v1/tenants/t1/members`, () =>
        HttpResponse.json({
          items: [
            { userId: 'u1', email: 'a@example.com', name: 'A', role: 'admin', joinedAt: '2026-01-31T12:00:00.000Z' },
          ],
          nextCursor: null,
        }),
      ),
    );
    const client = createClient({ baseUrl: BASE, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });
    const ids: string[] = [];
    for await (const e of client.audit.iterate('t1', { action: 'file.uploaded' })) ids.push(e.id);
    expect(ids).toEqual(['e1', 'e2', 'e3']);
    expect(seen).toEqual(['action=file.uploaded', 'action=file.uploaded&cursor=c2']);
    const members: string[] = [];
    for await (const m of client.members.iterate('t1')) members.push(m.userId);
    expect(members).toEqual(['u1']);
  });
});
