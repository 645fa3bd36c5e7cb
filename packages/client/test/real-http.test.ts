// The same flows as the msw tests, over a real HTTP server on 127.0.0.1 and Node's own fetch
// (undici): proves the streamed multipart body, the Content-Length of the direct-upload PUT and
// redirect-following downloads on the real transport.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createClient, memoryTokenStorage, type UploadProgress } from '@portalkit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRecord } from './fixtures.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
const blobBytes = Buffer.from('0123456789'.repeat(20_000));

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'real-1' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'POST' && req.url === '/api/v1/tenants/t1/files') {
      const form = await new Response(body, {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      }).formData();
      const file = form.get('file') as File;
      return json(201, {
        file: fileRecord('f1', { name: file.name, size: file.size, tags: [String(form.get('tags'))] }),
      });
    }
    if (req.method === 'POST' && req.url === '/api/v1/tenants/t1/files/uploads') {
      return json(201, {
        fileId: 'f2',
        upload: { method: 'PUT', url: `${base}/provider/key?sig=1`, headers: { 'content-type': 'text/plain' } },
        expiresAt: '2026-01-31T12:15:00.000Z',
      });
    }
    if (req.method === 'PUT' && req.url === '/provider/key?sig=1') {
      res.writeHead(200);
      return res.end();
    }
    if (req.method === 'POST' && req.url === '/api/v1/tenants/t1/files/f2/complete') {
      return json(200, { file: fileRecord('f2') });
    }
    if (req.url === '/api/v1/tenants/t1/files/f1/download') {
      res.writeHead(302, { location: '/provider/blob' });
      return res.end();
    }
    if (req.url === '/provider/blob') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(blobBytes.length),
        'content-disposition': 'attachment; filename="blob.bin"',
      });
      return res.end(blobBytes);
    }
    json(404, { type: 'x', title: 'Not found', status: 404, code: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () =>
  createClient({ baseUrl: base, tokens: memoryTokenStorage({ accessToken: 'a', refreshToken: 'r' }) });

describe('over real HTTP (node:http + undici fetch)', () => {
  it('streams a Node stream as chunked multipart/form-data', async () => {
    const source = Readable.from(['part one, ', 'part two'].map((s) => Buffer.from(s)));
    const { file } = await client().files.upload('t1', source, {
      name: 'n.txt',
      contentType: 'text/plain',
      tags: ['t'],
    });
    expect(file).toMatchObject({ name: 'n.txt', size: 18, tags: ['t'] });
    const request = seen.at(-1)!;
    expect(request.headers['transfer-encoding']).toBe('chunked');
    expect(request.headers.authorization).toBe('Bearer a');
  });

  it('uploads a Node stream of strings (Readable.from(["..."])) as their UTF-8 bytes', async () => {
    const { file } = await client().files.upload('t1', Readable.from(['hello ', 'wörld']), {
      name: 's.txt',
      contentType: 'text/plain',
    });
    expect(file.size).toBe(Buffer.byteLength('hello wörld'));
  });

  it('PUTs a direct upload with Content-Length, progress and no API token', async () => {
    const progress: UploadProgress[] = [];
    const bytes = new Uint8Array(200 * 1024).fill(7);
    const { file } = await client().files.uploadDirect('t1', new Blob([bytes], { type: 'text/plain' }), {
      onProgress: (p) => progress.push(p),
    });
    expect(file.id).toBe('f2');
    const put = seen.find((s) => s.method === 'PUT')!;
    expect(put.headers['content-length']).toBe(String(bytes.length));
    expect(put.headers['transfer-encoding']).toBeUndefined();
    expect(put.headers.authorization).toBeUndefined();
    expect(put.body.equals(Buffer.from(bytes))).toBe(true);
    expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });
    expect(progress.length).toBeGreaterThan(2);
  });

  it('sends the per-call headers of a direct upload to the API calls, never to the provider', async () => {
    seen.length = 0;
    await client().files.uploadDirect('t1', new Blob(['hello'], { type: 'text/plain' }), {
      headers: { 'x-trace': 'trace-1' },
    });
    expect(seen.map((s) => [s.method, s.url, s.headers['x-trace']])).toEqual([
      ['POST', '/api/v1/tenants/t1/files/uploads', 'trace-1'],
      ['PUT', '/provider/key?sig=1', undefined],
      ['POST', '/api/v1/tenants/t1/files/f2/complete', 'trace-1'],
    ]);
  });

  it('follows the download redirect and streams the bytes', async () => {
    const download = await client().files.download('t1', 'f1');
    expect(download.fileName).toBe('blob.bin');
    expect(download.size).toBe(blobBytes.length);
    let received = 0;
    for await (const chunk of download.stream() as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
    expect(received).toBe(blobBytes.length);
  });

  it('maps a real 404 problem to not_found with the request id', async () => {
    await expect(client().tenants.get('nope')).rejects.toMatchObject({ code: 'not_found', requestId: 'real-1' });
  });
});
