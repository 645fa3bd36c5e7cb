import { createStorage, type S3Storage, type StorageConfig } from '@portalkit/storage';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
}

const seen: Seen[] = [];
const server = setupServer(
  http.all(/^https:\/\/.*/, ({ request }) => {
    seen.push({ method: request.method, url: new URL(request.url), headers: request.headers });
    if (request.method === 'HEAD') {
      return new HttpResponse(null, {
        status: 200,
        headers: {
          'content-length': '2',
          'content-type': 'text/plain',
          etag: '"abc"',
          'last-modified': new Date().toUTCString(),
        },
      });
    }
    return new HttpResponse(null, { status: 200, headers: { etag: '"abc"' } });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen.length = 0;
});
afterAll(() => server.close());

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const cases: Array<{
  config: StorageConfig;
  putUrl: string;
  checksum: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';
  pathStyle: boolean;
}> = [
  {
    config: { provider: 's3', region: 'eu-west-1', bucket: 'acme-files', credentials },
    putUrl: 'https://acme-files.s3.eu-west-1.amazonaws.com/dir/a%20b.txt',
    checksum: 'WHEN_SUPPORTED',
    pathStyle: false,
  },
  {
    config: { provider: 'digitalocean', region: 'nyc3', bucket: 'acme-files', credentials },
    putUrl: 'https://acme-files.nyc3.digitaloceanspaces.com/dir/a%20b.txt',
    checksum: 'WHEN_REQUIRED',
    pathStyle: false,
  },
  {
    config: { provider: 'linode', region: 'nl-ams-1', bucket: 'acme-files', credentials },
    putUrl: 'https://acme-files.nl-ams-1.linodeobjects.com/dir/a%20b.txt',
    checksum: 'WHEN_REQUIRED',
    pathStyle: false,
  },
  {
    config: { provider: 'vultr', region: 'ewr1', bucket: 'acme-files', credentials },
    putUrl: 'https://ewr1.vultrobjects.com/acme-files/dir/a%20b.txt',
    checksum: 'WHEN_REQUIRED',
    pathStyle: true,
  },
  {
    config: { provider: 's3-compatible', endpoint: 'https://minio.internal:9000', bucket: 'acme-files', credentials },
    putUrl: 'https://minio.internal:9000/acme-files/dir/a%20b.txt',
    checksum: 'WHEN_REQUIRED',
    pathStyle: true,
  },
];

describe('provider presets (outgoing requests asserted with msw)', () => {
  for (const c of cases) {
    it(`${c.config.provider}: endpoint, addressing and checksum mode`, async () => {
      const storage = createStorage(c.config) as S3Storage;
      expect(storage.provider).toBe(c.config.provider);
      expect(storage.quirks.checksumMode).toBe(c.checksum);
      expect(storage.quirks.forcePathStyle).toBe(c.pathStyle);
      await storage.put('dir/a b.txt', 'hi', { contentType: 'text/plain' });
      const put = seen.find((r) => r.method === 'PUT');
      expect(put, 'a PUT was sent').toBeDefined();
      expect(`${put?.url.origin}${put?.url.pathname}`).toBe(c.putUrl);
      expect(put?.headers.get('content-type')).toBe('text/plain');
      expect(put?.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
      const checksumHeaders = [...(put?.headers.keys() ?? [])].filter((h) => h.startsWith('x-amz-checksum-'));
      if (c.checksum === 'WHEN_REQUIRED') expect(checksumHeaders).toEqual([]);
      else expect(checksumHeaders.length).toBeGreaterThan(0);
      expect(put?.headers.get('content-encoding') ?? '').not.toContain('aws-chunked');

      const signed = new URL(
        await storage.signedUrl('dir/a b.txt', { method: 'PUT', contentType: 'image/png', expiresIn: 300 }),
      );
      expect(`${signed.origin}${signed.pathname}`).toBe(c.putUrl);
      expect(signed.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(signed.searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
      if (c.checksum === 'WHEN_REQUIRED') {
        expect([...signed.searchParams.keys()].filter((k) => k.toLowerCase().startsWith('x-amz-checksum'))).toEqual([]);
        expect(signed.searchParams.get('x-amz-sdk-checksum-algorithm')).toBeNull();
      }
      expect(storage.publicUrl('dir/a b.txt')).toBe(c.putUrl);
      storage.destroy();
    });
  }

  it('sends the canned ACL where the profile supports it', async () => {
    const storage = createStorage({
      provider: 'digitalocean',
      region: 'ams3',
      bucket: 'acme-files',
      credentials,
      acl: 'public-read',
    }) as S3Storage;
    await storage.put('a.txt', 'hi');
    expect(seen.find((r) => r.method === 'PUT')?.headers.get('x-amz-acl')).toBe('public-read');
    storage.destroy();
  });

  it('uses a CDN base for publicUrl when given', () => {
    const storage = createStorage({
      provider: 'linode',
      region: 'us-east-1',
      bucket: 'b-1',
      credentials,
      publicUrl: 'https://cdn.example.com/',
    });
    expect(storage.publicUrl('x/ü.png')).toBe('https://cdn.example.com/x/%C3%BC.png');
  });
});
