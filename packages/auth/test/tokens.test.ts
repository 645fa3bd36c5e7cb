import {
  createAccessTokens,
  createKeySet,
  createVerifiedTokenCache,
  exportSigningKey,
  generateSigningKey,
  importSigningKey,
  isAuthError,
  type KeySet,
  memoryRevokedSessions,
} from '@portalkit/auth';
import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

const issuer = 'https://auth.test';
const audience = 'portalkit-test';
const subject = { sub: 'user-1', sid: 'session-1', tid: 'tenant-1', role: 'admin' };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAuthError(error)) return error.code;
    throw error;
  }
  return 'ok';
}

describe('keys and JWKS', () => {
  it('generates Ed25519 by default and ES256 on request, publishing only public material', async () => {
    const ed = await generateSigningKey({ kid: 'ed' });
    const es = await generateSigningKey({ alg: 'ES256', kid: 'es' });
    const keys = createKeySet({ signingKey: ed, verificationKeys: [es] });
    const jwks = keys.jwks();
    expect(jwks.keys.map((k) => [k.kid, k.alg, k.kty, k.crv, k.use])).toEqual([
      ['ed', 'EdDSA', 'OKP', 'Ed25519', 'sig'],
      ['es', 'ES256', 'EC', 'P-256', 'sig'],
    ]);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
  });

  it('round-trips a key through its private JWK', async () => {
    const key = await generateSigningKey({ alg: 'ES256' });
    const imported = await importSigningKey(JSON.parse(JSON.stringify(await exportSigningKey(key))));
    expect(imported.kid).toBe(key.kid);
    const a = createAccessTokens({ keys: createKeySet({ signingKey: key }), issuer, audience });
    const b = createAccessTokens({ keys: createKeySet({ signingKey: imported }), issuer, audience });
    const { token } = await a.sign(subject);
    expect((await b.verify(token)).sub).toBe('user-1');
    await expect(importSigningKey(key.publicJwk)).rejects.toThrow(TypeError);
  });
});

describe('access tokens', () => {
  let keys: KeySet;
  beforeAll(async () => {
    keys = createKeySet({ signingKey: await generateSigningKey({ kid: 'k1' }) });
  });

  it('signs the documented claims and verifies them', async () => {
    const tokens = createAccessTokens({ keys, issuer, audience });
    const { token, expiresIn, claims } = await tokens.sign(subject);
    expect(expiresIn).toBe(900);
    const verified = await tokens.verify(token);
    expect(verified).toEqual(claims);
    expect(verified).toMatchObject({ ...subject, iss: issuer, aud: audience });
    expect(verified.exp - verified.iat).toBe(900);
    expect(verified.jti).toEqual(expect.any(String));
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0] ?? '')));
    expect(header).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' });
  });

  it('omits tid and role when no tenant is active', async () => {
    const tokens = createAccessTokens({ keys, issuer, audience });
    const claims = await tokens.verify((await tokens.sign({ sub: 'u', sid: 's' })).token);
    expect('tid' in claims).toBe(false);
    expect('role' in claims).toBe(false);
  });

  it('expired tokens give token_expired, within the clock tolerance they pass', async () => {
    let now = Date.now();
    const tokens = createAccessTokens({
      keys,
      issuer,
      audience,
      ttlSeconds: 60,
      clockToleranceSeconds: 10,
      now: () => now,
    });
    const { token } = await tokens.sign(subject);
    now += 65_000; // 5 s past exp, within 10 s skew
    expect(await codeOf(tokens.verify(token))).toBe('ok');
    now += 10_000; // 15 s past exp
    expect(await codeOf(tokens.verify(token))).toBe('token_expired');
  });

  it('tampered payload or signature gives token_invalid', async () => {
    const tokens = createAccessTokens({ keys, issuer, audience });
    const { token } = await tokens.sign(subject);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    const forged = base64url.encode(JSON.stringify({ ...payload, role: 'owner', sub: 'user-2' }));
    expect(await codeOf(tokens.verify(`${h}.${forged}.${s}`))).toBe('token_invalid');
    const mid = Math.floor(s.length / 2);
    const flipped = `${s.slice(0, mid)}${s[mid] === 'A' ? 'B' : 'A'}${s.slice(mid + 1)}`;
    expect(await codeOf(tokens.verify(`${h}.${p}.${flipped}`))).toBe('token_invalid');
    expect(await codeOf(tokens.verify('not.a.jwt'))).toBe('token_invalid');
    expect(await codeOf(tokens.verify(''))).toBe('token_invalid');
  });

  it('refuses alg none', async () => {
    const tokens = createAccessTokens({ keys, issuer, audience });
    const now = Math.floor(Date.now() / 1000);
    const unsecured = new UnsecuredJWT({ sid: 's' })
      .setSubject('user-1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti('j')
      .encode();
    expect(await codeOf(tokens.verify(unsecured))).toBe('token_invalid');
    // same, but with the kid of a real key in the header
    const [, body] = unsecured.split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid: 'k1' }));
    expect(await codeOf(tokens.verify(`${header}.${body}.`))).toBe('token_invalid');
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const tokens = createAccessTokens({ keys, issuer, audience });
    const publicJwkBytes = new TextEncoder().encode(JSON.stringify(keys.signingKey.publicJwk));
    const rawX = base64url.decode(keys.signingKey.publicJwk.x ?? '');
    for (const secret of [publicJwkBytes, rawX]) {
      const hs = await new SignJWT({ sid: 's' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setSubject('user-1')
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('j')
        .sign(secret);
      expect(await codeOf(tokens.verify(hs))).toBe('token_invalid');
    }
  });

  it('refuses unknown kid, a missing kid, wrong issuer and wrong audience', async () => {
    const tokens = createAccessTokens({ keys, issuer, audience });
    const stranger = createAccessTokens({
      keys: createKeySet({ signingKey: await generateSigningKey({ kid: 'other' }) }),
      issuer,
      audience,
    });
    expect(await codeOf(tokens.verify((await stranger.sign(subject)).token))).toBe('token_invalid');
    const noKid = await new SignJWT({ sid: 's' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('u')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('j')
      .sign(keys.signingKey.privateKey);
    expect(await codeOf(tokens.verify(noKid))).toBe('token_invalid');
    const otherIss = createAccessTokens({ keys, issuer: 'https://evil.test', audience });
    expect(await codeOf(tokens.verify((await otherIss.sign(subject)).token))).toBe('token_invalid');
    const otherAud = createAccessTokens({ keys, issuer, audience: 'another-app' });
    expect(await codeOf(tokens.verify((await otherAud.sign(subject)).token))).toBe('token_invalid');
  });

  it('a token whose header alg differs from its key alg is refused', async () => {
    const es = await generateSigningKey({ alg: 'ES256', kid: 'es-1' });
    const set = createKeySet({ signingKey: keys.signingKey, verificationKeys: [es] });
    const tokens = createAccessTokens({ keys: set, issuer, audience });
    // ES256 signature, but header claims the EdDSA key's kid
    const lying = await new SignJWT({ sid: 's' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('u')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('j')
      .sign(es.privateKey);
    expect(await codeOf(tokens.verify(lying))).toBe('token_invalid');
  });

  it('rotation: the newest key signs, older tokens verify until the old key is retired', async () => {
    const first = await generateSigningKey({ kid: 'r1' });
    const set = createKeySet({ signingKey: first });
    const tokens = createAccessTokens({ keys: set, issuer, audience });
    const old = (await tokens.sign(subject)).token;
    set.rotate(await generateSigningKey({ alg: 'ES256', kid: 'r2' }));
    const fresh = (await tokens.sign(subject)).token;
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(fresh.split('.')[0] ?? ''))).kid).toBe('r2');
    expect(await codeOf(tokens.verify(old))).toBe('ok');
    expect(await codeOf(tokens.verify(fresh))).toBe('ok');
    expect(set.jwks().keys.map((k) => k.kid)).toEqual(['r2', 'r1']);
    set.retire('r1');
    expect(await codeOf(tokens.verify(old))).toBe('token_invalid');
    expect(set.jwks().keys.map((k) => k.kid)).toEqual(['r2']);
    expect(() => set.retire('r2')).toThrow();
  });

  it('retiring a key stops its tokens at once, also those the verified-token cache holds', async () => {
    const set = createKeySet({ signingKey: await generateSigningKey({ kid: 'c1' }) });
    const cache = createVerifiedTokenCache();
    const tokens = createAccessTokens({ keys: set, issuer, audience, cache });
    const old = (await tokens.sign(subject)).token;
    expect(await codeOf(tokens.verify(old))).toBe('ok');
    expect(cache.size).toBe(1);
    set.rotate(await generateSigningKey({ kid: 'c2' }));
    expect(await codeOf(tokens.verify(old))).toBe('ok');
    set.retire('c1');
    expect(await codeOf(tokens.verify(old))).toBe('token_invalid');
    expect(cache.size).toBe(0);
    const fresh = (await tokens.sign(subject)).token;
    expect(await codeOf(tokens.verify(fresh))).toBe('ok');
    expect(await codeOf(tokens.verify(fresh))).toBe('ok');
  });

  it('refuses tokens of revoked sessions at once', async () => {
    const revokedSessions = memoryRevokedSessions();
    const tokens = createAccessTokens({ keys, issuer, audience, revokedSessions });
    const { token } = await tokens.sign(subject);
    expect(await codeOf(tokens.verify(token))).toBe('ok');
    await revokedSessions.add('session-1', 60_000);
    expect(await codeOf(tokens.verify(token))).toBe('token_invalid');
  });
});

describe('verified-token cache', () => {
  let keys: KeySet;
  beforeAll(async () => {
    keys = createKeySet({ signingKey: await generateSigningKey({ kid: 'c1' }) });
  });

  it('stores successes only, keyed by hash, and is bounded', async () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2 });
    const tokens = createAccessTokens({ keys, issuer, audience, cache });
    const { token } = await tokens.sign(subject);
    await tokens.verify(token);
    expect(cache.size).toBe(1);
    const sig = token.lastIndexOf('.') + 10;
    const tampered = `${token.slice(0, sig)}${token[sig] === 'A' ? 'B' : 'A'}${token.slice(sig + 1)}`;
    expect(await codeOf(tokens.verify(tampered))).toBe('token_invalid');
    expect(await codeOf(tokens.verify(tampered))).toBe('token_invalid');
    expect(cache.size).toBe(1);
    for (let i = 0; i < 3; i++) await tokens.verify((await tokens.sign(subject)).token);
    expect(cache.size).toBe(2);
  });

  it('honours exp on a hit and the revoked-session set on a hit', async () => {
    let now = Date.now();
    const revokedSessions = memoryRevokedSessions({ now: () => now });
    const cache = createVerifiedTokenCache();
    const tokens = createAccessTokens({
      keys,
      issuer,
      audience,
      cache,
      revokedSessions,
      ttlSeconds: 60,
      clockToleranceSeconds: 0,
      now: () => now,
    });
    const a = (await tokens.sign(subject)).token;
    await tokens.verify(a);
    now += 61_000;
    expect(await codeOf(tokens.verify(a))).toBe('token_expired');
    const b = (await tokens.sign({ ...subject, sid: 'session-2' })).token;
    await tokens.verify(b);
    await revokedSessions.add('session-2', 60_000);
    expect(await codeOf(tokens.verify(b))).toBe('token_invalid');
  });
});
