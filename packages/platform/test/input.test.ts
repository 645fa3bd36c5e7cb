import type { IncomingMessage } from 'node:http';
import { routes } from '@portalkit/client/contract';
import { clientAddress, validateRouteInput } from '@portalkit/platform/http';
import proxyAddr from 'proxy-addr';
import { describe, expect, it } from 'vitest';

const login = (raw: { contentType?: string; contentEncoding?: string; body?: unknown }) =>
  validateRouteInput(routes.login, {
    params: {},
    query: {},
    contentType: raw.contentType,
    contentEncoding: raw.contentEncoding,
    body: raw.body,
  });

const problemOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (err) {
    const { status, code } = err as { status: number; code: string };
    return `${status} ${code}`;
  }
  throw new Error('expected a problem');
};

describe('validateRouteInput: JSON bodies', () => {
  const body = { email: 'ada@example.com', password: 'violet-otter-harbour-93' };

  it('takes UTF-8 JSON, with or without a charset', async () => {
    for (const contentType of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset="UTF-8"',
    ]) {
      expect((await login({ contentType, body })).body, contentType).toEqual(body);
    }
    expect((await login({ contentType: 'application/json', contentEncoding: 'identity', body })).body).toEqual(body);
  });

  it('refuses other charsets and compressed bodies with 415 before reading them', async () => {
    let read = false;
    const reader = async () => {
      read = true;
      return body;
    };
    expect(await problemOf(login({ contentType: 'application/json; charset=latin1', body: reader }))).toBe(
      '415 unsupported_media_type',
    );
    for (const contentEncoding of ['gzip', 'br', 'deflate', 'GZIP']) {
      expect(await problemOf(login({ contentType: 'application/json', contentEncoding, body: reader }))).toBe(
        '415 unsupported_media_type',
      );
    }
    expect(read).toBe(false);
  });

  it('answers a missing body as malformed JSON, like an unparsable one', async () => {
    const missing = await login({ contentType: 'application/json', body: undefined }).catch((e) => e);
    const broken = await login({
      contentType: 'application/json',
      body: () => Promise.reject(new SyntaxError('Unexpected end of JSON input')),
    }).catch((e) => e);
    expect(missing).toMatchObject({ status: 400, code: 'validation_failed', detail: 'the body is not valid JSON' });
    expect(broken).toMatchObject({ status: 400, code: 'validation_failed', detail: 'the body is not valid JSON' });
  });
});

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.9', false)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '203.0.113.9', 0)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });

  it('never believes the entry a caller prepends', () => {
    // One proxy: what it saw is the right-most entry; anything left of it came from the caller.
    expect(clientAddress('10.0.0.2', 'spoofed, 198.51.100.4', 1)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.2', '203.0.113.9, 198.51.100.4, 10.0.0.1', ['10.0.0.0/8'])).toBe('198.51.100.4');
    // More hops trusted than there are: the left-most is all there is.
    expect(clientAddress('10.0.0.2', '198.51.100.4', 5)).toBe('198.51.100.4');
    // A dual-stack socket's IPv4 address matches an IPv4 range.
    expect(clientAddress('::ffff:10.0.0.2', '198.51.100.4', ['10.0.0.0/8'])).toBe('198.51.100.4');
    expect(clientAddress('192.0.2.1', '198.51.100.4', ['10.0.0.0/8'])).toBe('192.0.2.1');
    expect(clientAddress('10.0.0.2', 'not-an-ip, 10.0.0.9', ['10.0.0.0/8'])).toBe('not-an-ip');
  });

  it('gives the address Express (proxy-addr) gives, for hop counts and lists', () => {
    const pool = ['10.0.0.1', '10.1.2.3', '192.0.2.7', '198.51.100.4', '203.0.113.9', '::1', 'fd00::5', '2001:db8::1'];
    const trusts: Array<number | string[]> = [
      1,
      2,
      3,
      ['10.0.0.0/8'],
      ['10.0.0.0/8', '192.0.2.7'],
      ['fd00::/8', '::1'],
    ];
    let seed = 7;
    const pick = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return pool[seed % pool.length]!;
    };
    let compared = 0;
    for (let n = 0; n < 400; n++) {
      const socket = pick();
      const chain = Array.from({ length: 1 + (n % 4) }, pick).join(', ');
      for (const trust of trusts) {
        const req = { socket: { remoteAddress: socket }, headers: { 'x-forwarded-for': chain } };
        // Express's compileTrust: a number trusts that many hops, a list goes to proxy-addr.
        const fn = typeof trust === 'number' ? (_: string, i: number) => i < trust : proxyAddr.compile(trust);
        const express = proxyAddr(req as unknown as IncomingMessage, fn);
        expect(clientAddress(socket, chain, trust), `${socket} <- ${chain} trusting ${trust}`).toBe(express);
        compared++;
      }
    }
    expect(compared).toBe(2400);
  });
});
