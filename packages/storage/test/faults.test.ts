import { Readable } from 'node:stream';
import { createStorage, type S3Storage } from '@portalkit/storage';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, patternStream } from './conformance/provider-suite.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ENDPOINT = 'https://s3.fault.test';
const make = (maxAttempts = 3) =>
  createStorage({
    provider: 's3-compatible',
    endpoint: ENDPOINT,
    bucket: 'bkt',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts,
    partSize: 5 * 1024 * 1024,
    queueSize: 1,
  }) as S3Storage;

const xmlError = (status: number, code: string) =>
  new HttpResponse(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    {
      status,
      headers: { 'content-type': 'application/xml' },
    },
  );

const head = () =>
  http.head(
    `${ENDPOINT}/bkt/*`,
    () => new HttpResponse(null, { status: 200, headers: { 'content-length': '2', etag: '"e"' } }),
  );

describe('fault injection (msw)', () => {
  it('retries 503 SlowDown and succeeds', async () => {
    let puts = 0;
    server.use(
      http.put(`${ENDPOINT}/bkt/a.txt`, () => {
        puts++;
        return puts === 1
          ? xmlError(503, 'SlowDown')
          : new HttpResponse(null, { status: 200, headers: { etag: '"e"' } });
      }),
      head(),
    );
    const storage = make();
    await storage.put('a.txt', 'hi');
    expect(puts).toBe(2);
    storage.destroy();
  });

  it('gives up after maxAttempts with provider_unavailable', async () => {
    let puts = 0;
    server.use(
      http.put(`${ENDPOINT}/bkt/a.txt`, () => {
        puts++;
        return xmlError(503, 'SlowDown');
      }),
    );
    const storage = make(2);
    await expectCode(storage.put('a.txt', 'hi'), 'provider_unavailable');
    expect(puts).toBe(2);
    storage.destroy();
  });

  it('aborts the multipart upload when a part fails', async () => {
    const calls: string[] = [];
    server.use(
      http.post(`${ENDPOINT}/bkt/big.bin`, ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.has('uploads')) {
          calls.push('create');
          return new HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>big.bin</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>',
            { headers: { 'content-type': 'application/xml' } },
          );
        }
        calls.push('complete');
        return new HttpResponse('<CompleteMultipartUploadResult/>', { headers: { 'content-type': 'application/xml' } });
      }),
      http.put(`${ENDPOINT}/bkt/big.bin`, async ({ request }) => {
        const part = new URL(request.url).searchParams.get('partNumber');
        await request.arrayBuffer();
        calls.push(`part${part}`);
        if (part === '2') return xmlError(500, 'InternalError');
        return new HttpResponse(null, { status: 200, headers: { etag: `"p${part}"` } });
      }),
      http.delete(`${ENDPOINT}/bkt/big.bin`, ({ request }) => {
        calls.push(`abort:${new URL(request.url).searchParams.get('uploadId')}`);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const storage = make(1);
    await expectCode(storage.put('big.bin', patternStream(6 * 1024 * 1024)), 'provider_unavailable');
    expect(calls).toContain('create');
    expect(calls).toContain('part2');
    expect(calls).toContain('abort:up-1');
    expect(calls).not.toContain('complete');
    storage.destroy();
  });

  it('aborts the multipart upload when the source stream fails', async () => {
    const calls: string[] = [];
    server.use(
      http.post(`${ENDPOINT}/bkt/src.bin`, () => {
        calls.push('create');
        return new HttpResponse(
          '<InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>src.bin</Key><UploadId>up-2</UploadId></InitiateMultipartUploadResult>',
          { headers: { 'content-type': 'application/xml' } },
        );
      }),
      http.put(`${ENDPOINT}/bkt/src.bin`, async ({ request }) => {
        await request.arrayBuffer();
        calls.push('part');
        return new HttpResponse(null, { status: 200, headers: { etag: '"p"' } });
      }),
      http.delete(`${ENDPOINT}/bkt/src.bin`, () => {
        calls.push('abort');
        return new HttpResponse(null, { status: 204 });
      }),
    );
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent < 6 * 1024 * 1024) {
          sent += 1024 * 1024;
          this.push(Buffer.alloc(1024 * 1024));
        } else {
          // fail only once a part is stored, so there is a multipart upload to abort
          const timer = setInterval(() => {
            if (calls.includes('part')) {
              clearInterval(timer);
              this.destroy(new Error('client disconnected'));
            }
          }, 20);
        }
      },
    });
    const storage = make(1);
    await expect(storage.put('src.bin', source)).rejects.toBeTruthy();
    expect(calls).toContain('abort');
    storage.destroy();
  });

  it('maps a network error to provider_unavailable, 403 to access_denied, 404 to not_found', async () => {
    server.use(
      http.get(`${ENDPOINT}/bkt/net.txt`, () => HttpResponse.error()),
      http.get(`${ENDPOINT}/bkt/denied.txt`, () => xmlError(403, 'AccessDenied')),
      http.get(`${ENDPOINT}/bkt/missing.txt`, () => xmlError(404, 'NoSuchKey')),
      http.get(`${ENDPOINT}/bkt/nobucket.txt`, () => xmlError(404, 'NoSuchBucket')),
    );
    const storage = make(1);
    await expectCode(storage.get('net.txt'), 'provider_unavailable');
    await expectCode(storage.get('denied.txt'), 'access_denied');
    await expectCode(storage.get('missing.txt'), 'not_found');
    await expectCode(storage.get('nobucket.txt'), 'invalid_config');
    storage.destroy();
  });
});
