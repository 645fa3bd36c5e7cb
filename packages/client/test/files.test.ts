import { Readable } from 'node:stream';
import { createClient, memoryTokenStorage, type UploadProgress } from '@portalkit/client';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { BASE, fileRecord, problem, useMsw } from './fixtures.js';

const server = useMsw();
const STORAGE = 'http://storage.test';
const signedIn = () => memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' });

interface Received {
  fields: Record<string, string>;
  fileName: string;
  fileType: string;
  bytes: string;
  contentType: string;
  authorization: string | null;
}

/** A multipart upload endpoint that parses the form like a server would. */
function uploadEndpoint() {
  const received: Received[] = [];
  server.use(
    http.post(`${BASE}/api/v1/tenants/:tenantId/files`, async ({ request }) => {
      const contentType = request.headers.get('content-type') ?? '';
      const form = await request.formData();
      const file = form.get('file') as File;
      const fields: Record<string, string> = {};
      for (const [key, value] of form.entries()) if (typeof value === 'string') fields[key] = value;
      received.push({
        fields,
        fileName: file.name,
        fileType: file.type,
        bytes: await file.text(),
        contentType,
        authorization: request.headers.get('authorization'),
      });
      return HttpResponse.json({ file: fileRecord('f1', { name: file.name }) }, { status: 201 });
    }),
  );
  return received;
}

describe('multipart upload', () => {
  it('uploads a File with category and tags', async () => {
    const received = uploadEndpoint();
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    const file = new File(['hello'], 'hello.txt', { type: 'text/plain' });
    const answer = await client.files.upload('t1', file, { category: 'notes', tags: ['a', 'b'] });
    expect(answer.file.name).toBe('hello.txt');
    expect(received).toEqual([
      {
        fields: { category: 'notes', tags: 'a,b' },
        fileName: 'hello.txt',
        fileType: 'text/plain',
        bytes: 'hello',
        contentType: expect.stringMatching(/^multipart\/form-data; boundary=/),
        authorization: 'Bearer a',
      },
    ]);
  });

  it('uploads a Buffer and a Uint8Array with the given name and type', async () => {
    const received = uploadEndpoint();
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    await client.files.upload('t1', Buffer.from('buffer bytes'), { name: 'b.bin' });
    await client.files.upload('t1', new TextEncoder().encode('{"a":1}'), {
      name: 'a.json',
      contentType: 'application/json',
    });
    expect(received.map((r) => [r.fileName, r.fileType, r.bytes])).toEqual([
      ['b.bin', 'application/octet-stream', 'buffer bytes'],
      ['a.json', 'application/json', '{"a":1}'],
    ]);
  });

  it('streams a ReadableStream and a Node stream without buffering them first', async () => {
    const received = uploadEndpoint();
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    let pulled = 0;
    const chunks = ['one ', 'two ', 'three'];
    const web = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks[pulled++];
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    await client.files.upload('t1', web, { name: 'web.txt', contentType: 'text/plain', tags: ['x'] });
    const node = Readable.from([Buffer.from('node '), Buffer.from('stream')]);
    await client.files.upload('t1', node, { name: 'node.txt', contentType: 'text/plain' });
    expect(received.map((r) => [r.fileName, r.fileType, r.bytes, r.fields])).toEqual([
      ['web.txt', 'text/plain', 'one two three', { tags: 'x' }],
      ['node.txt', 'text/plain', 'node stream', {}],
    ]);
  });

  it('surfaces 413 and 415 as typed errors', async () => {
    server.use(
      http.post(`${BASE}/api/v1/tenants/t1/files`, () => problem(413, 'payload_too_large', 'over 10 MB')),
      http.post(`${BASE}/api/v1/tenants/t2/files`, () => problem(415, 'unsupported_media_type', 'not allowed')),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    await expect(client.files.upload('t1', new Blob(['x']))).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(client.files.upload('t2', new Blob(['x']))).rejects.toMatchObject({ code: 'unsupported_media_type' });
  });
});

describe('direct upload', () => {
  it('announces, PUTs the bytes to the provider with progress and completes', async () => {
    const calls: string[] = [];
    let put: { body: Uint8Array; headers: Record<string, string> } | undefined;
    const size = 300 * 1024;
    server.use(
      http.post(`${BASE}/api/v1/tenants/t1/files/uploads`, async ({ request }) => {
        calls.push('create');
        expect(await request.json()).toEqual({ name: 'big.png', size, contentType: 'image/png' });
        return HttpResponse.json(
          {
            fileId: 'f9',
            upload: { method: 'PUT', url: `${STORAGE}/bucket/key?sig=abc`, headers: { 'content-type': 'image/png' } },
            expiresAt: '2026-01-31T12:15:00.000Z',
          },
          { status: 201 },
        );
      }),
      http.put(`${STORAGE}/bucket/key`, async ({ request }) => {
        calls.push('put');
        put = { body: new Uint8Array(await request.arrayBuffer()), headers: Object.fromEntries(request.headers) };
        return new HttpResponse(null, { status: 200, headers: { etag: '"x"' } });
      }),
      http.post(`${BASE}/api/v1/tenants/t1/files/f9/complete`, () => {
        calls.push('complete');
        return HttpResponse.json({ file: fileRecord('f9', { name: 'big.png', size, contentType: 'image/png' }) });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn(), headers: { 'x-app': 'web' } });
    const progress: UploadProgress[] = [];
    const bytes = new Uint8Array(size).map((_, i) => i % 251);
    const blob = new Blob([bytes], { type: 'image/png' });
    const { file } = await client.files.uploadDirect('t1', blob, {
      name: 'big.png',
      onProgress: (p) => progress.push(p),
    });
    expect(file.id).toBe('f9');
    expect(calls).toEqual(['create', 'put', 'complete']);
    expect(put?.body).toEqual(bytes);
    expect(put?.headers['content-type']).toBe('image/png');
    expect(put?.headers['content-length']).toBe(String(size));
    expect(put?.headers.authorization).toBeUndefined(); // the API token never goes to the provider
    expect(put?.headers['x-app']).toBeUndefined();
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((p) => p.total === size)).toBe(true);
    const loaded = progress.map((p) => p.loaded);
    expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
    expect(loaded.at(-1)).toBe(size);
  });

  it('reports a provider failure as an ApiError and does not complete', async () => {
    let completed = false;
    server.use(
      http.post(`${BASE}/api/v1/tenants/t1/files/uploads`, () =>
        HttpResponse.json(
          {
            fileId: 'f9',
            upload: { method: 'PUT', url: `${STORAGE}/bucket/key`, headers: {} },
            expiresAt: '2026-01-31T12:15:00.000Z',
          },
          { status: 201 },
        ),
      ),
      http.put(
        `${STORAGE}/bucket/key`,
        () => new HttpResponse('<Error>SignatureDoesNotMatch</Error>', { status: 403 }),
      ),
      http.post(`${BASE}/api/v1/tenants/t1/files/f9/complete`, () => {
        completed = true;
        return HttpResponse.json({});
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    await expect(client.files.uploadDirect('t1', new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: 'forbidden',
      status: 403,
    });
    expect(completed).toBe(false);
  });
});

describe('downloads', () => {
  it('follows the redirect to the provider and exposes the bytes as a stream, with the file name', async () => {
    let providerAuth: string | null = 'unset';
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1/files/f1/download`, () =>
        HttpResponse.redirect(`${STORAGE}/bucket/f1?sig=1`, 302),
      ),
      http.get(`${STORAGE}/bucket/f1`, ({ request }) => {
        providerAuth = request.headers.get('authorization');
        return new HttpResponse('file bytes', {
          headers: {
            'content-type': 'text/plain',
            'content-length': '10',
            'content-disposition': `attachment; filename="r_sum.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`,
          },
        });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    const download = await client.files.download('t1', 'f1');
    expect(download).toMatchObject({ status: 200, fileName: 'résumé.txt', contentType: 'text/plain', size: 10 });
    const text = await new Response(download.stream()).text();
    expect(text).toBe('file bytes');
    expect(providerAuth).toBeNull();
  });

  it('returns a Blob and sends Range for partial downloads', async () => {
    let range: string | null = null;
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1/files/f1/download`, ({ request }) => {
        range = request.headers.get('range');
        return new HttpResponse('ytes', {
          status: 206,
          headers: {
            'content-type': 'application/octet-stream',
            'content-disposition': 'attachment; filename="a.bin"',
          },
        });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    const download = await client.files.download('t1', 'f1', { range: { start: 1, end: 4 } });
    expect(range).toBe('bytes=1-4');
    expect(download.status).toBe(206);
    expect(download.fileName).toBe('a.bin');
    const blob = await download.blob();
    expect(await blob.text()).toBe('ytes');
  });

  it('streams an audit export with the format and filters in the query', async () => {
    let url = '';
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1/audit-events/export`, ({ request }) => {
        url = request.url;
        return new HttpResponse('{"id":"e1"}\n{"id":"e2"}\n', {
          headers: {
            'content-type': 'application/x-ndjson',
            'content-disposition': 'attachment; filename=audit.ndjson',
          },
        });
      }),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    const exported = await client.audit.export('t1', { format: 'ndjson', action: 'file.uploaded' });
    expect(new URL(url).searchParams.toString()).toBe('format=ndjson&action=file.uploaded');
    expect(exported.fileName).toBe('audit.ndjson');
    expect((await exported.text()).trim().split('\n')).toHaveLength(2);
  });

  it('turns a 404 download into a not_found ApiError', async () => {
    server.use(
      http.get(`${BASE}/api/v1/tenants/t1/files/f1/download`, () => problem(404, 'not_found', 'no such file')),
    );
    const client = createClient({ baseUrl: BASE, tokens: signedIn() });
    await expect(client.files.download('t1', 'f1')).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });
});

describe('direct upload in browsers (XMLHttpRequest)', () => {
  /** A stand-in for the browser's XMLHttpRequest: real HTTP through fetch, progress in two steps. */
  class FakeXhr {
    static sent: Array<{ url: string; headers: Record<string, string>; size: number }> = [];
    timeout = 0;
    status = 0;
    upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private url = '';
    private headers: Record<string, string> = {};
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value;
    }
    abort() {
      this.onabort?.();
    }
    send(body: Blob) {
      FakeXhr.sent.push({ url: this.url, headers: this.headers, size: body.size });
      this.upload.onprogress?.({ loaded: Math.floor(body.size / 2) });
      this.upload.onprogress?.({ loaded: body.size });
      fetch(this.url, { method: 'PUT', body, headers: this.headers }).then(
        (response) => {
          this.status = response.status;
          this.onload?.();
        },
        () => this.onerror?.(),
      );
    }
  }

  it('uses XMLHttpRequest for real upload progress, without Content-Length or the API token', async () => {
    const g = globalThis as { XMLHttpRequest?: unknown };
    g.XMLHttpRequest = FakeXhr;
    try {
      server.use(
        http.post(`${BASE}/api/v1/tenants/t1/files/uploads`, () =>
          HttpResponse.json(
            {
              fileId: 'f9',
              upload: { method: 'PUT', url: `${STORAGE}/k`, headers: { 'content-type': 'text/plain' } },
              expiresAt: '2026-01-31T12:15:00.000Z',
            },
            { status: 201 },
          ),
        ),
        http.put(`${STORAGE}/k`, () => new HttpResponse(null, { status: 200 })),
        http.post(`${BASE}/api/v1/tenants/t1/files/f9/complete`, () => HttpResponse.json({ file: fileRecord('f9') })),
      );
      const client = createClient({ baseUrl: BASE, tokens: signedIn() });
      const progress: number[] = [];
      const { file } = await client.files.uploadDirect('t1', new Blob(['0123456789'], { type: 'text/plain' }), {
        onProgress: (p) => progress.push(p.loaded),
      });
      expect(file.id).toBe('f9');
      expect(FakeXhr.sent).toEqual([{ url: `${STORAGE}/k`, headers: { 'content-type': 'text/plain' }, size: 10 }]);
      expect(progress).toEqual([5, 10, 10]);
    } finally {
      delete g.XMLHttpRequest;
    }
  });
});

describe('streamed uploads and expired tokens', () => {
  it('refreshes a token known to be expired before sending a stream it could not replay', async () => {
    const order: string[] = [];
    server.use(
      http.post(`${BASE}/api/v1/auth/refresh`, () => {
        order.push('refresh');
        return HttpResponse.json({
          accessToken: 'fresh',
          refreshToken: 'refresh-token-fresh-xxxxxxxxxxxx',
          tokenType: 'Bearer',
          expiresIn: 900,
          user: {
            id: 'u_1',
            email: 'ada@example.com',
            name: 'Ada',
            emailVerified: true,
            createdAt: '2026-01-31T12:00:00.000Z',
          },
        });
      }),
      http.post(`${BASE}/api/v1/tenants/t1/files`, async ({ request }) => {
        order.push(`upload ${request.headers.get('authorization')}`);
        await request.arrayBuffer();
        return HttpResponse.json({ file: fileRecord('f1') }, { status: 201 });
      }),
    );
    const tokens = memoryTokenStorage({
      accessToken: 'stale',
      refreshToken: 'r'.repeat(20),
      expiresAt: Date.now() - 1,
    });
    const client = createClient({ baseUrl: BASE, tokens });
    await client.files.upload('t1', Readable.from([Buffer.from('x')]), { name: 'x.txt' });
    expect(order).toEqual(['refresh', 'upload Bearer fresh']);
  });
});
