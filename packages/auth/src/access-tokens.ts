import { type JWTHeaderParameters, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AuthError } from './errors.js';
import { hashSecret, randomId } from './internal/crypto.js';
import type { KeySet } from './keys.js';
import type { RevokedSessions } from './revoked-sessions.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';

/** The payload of a verified access token. */
export interface AccessTokenClaims {
  /** User id. */
  sub: string;
  /** Session id (the refresh-token family). */
  sid: string;
  /** Active tenant id; absent when none is active. */
  tid?: string;
  /** Role in the active tenant; absent when no tenant is active. */
  role?: string;
  /** Issuer. */
  iss: string;
  /** Audience. */
  aud: string | string[];
  /** Issued at (epoch seconds). */
  iat: number;
  /** Expiry (epoch seconds). */
  exp: number;
  /** Unique token id. */
  jti: string;
}

/** What a signed token carries besides the registered claims. */
export interface AccessTokenSubject {
  /** User id. */
  sub: string;
  /** Session id. */
  sid: string;
  /** Active tenant id. */
  tid?: string | undefined;
  /** Role in the active tenant. */
  role?: string | undefined;
}

/** A freshly signed access token. */
export interface SignedAccessToken {
  /** The compact JWT. */
  token: string;
  /** Lifetime in seconds (the `expiresIn` of a login answer). */
  expiresIn: number;
  /** Its claims. */
  claims: AccessTokenClaims;
}

/** Options of {@link createAccessTokens}. */
export interface AccessTokensOptions {
  /** Keys: the signing key signs, every key verifies. */
  keys: KeySet;
  /** `iss` written and required. */
  issuer: string;
  /** `aud` written and required. */
  audience: string;
  /** Lifetime of new tokens in seconds. @default 900 (15 min) */
  ttlSeconds?: number;
  /** Allowed clock skew in seconds when checking `exp`. @default 5 */
  clockToleranceSeconds?: number;
  /** Verified-token cache; omit to verify every signature. @default undefined */
  cache?: VerifiedTokenCache;
  /** Revoked session ids; a token whose `sid` is in it is refused at once. @default undefined */
  revokedSessions?: RevokedSessions;
  /** Clock in epoch milliseconds (tests). @default Date.now */
  now?: () => number;
}

/** Signs and verifies access tokens. */
export interface AccessTokens {
  /** Lifetime of new tokens in seconds. */
  readonly ttlSeconds: number;
  /** Signs a token for a session with the key set's signing key. */
  sign(subject: AccessTokenSubject): Promise<SignedAccessToken>;
  /**
   * Verifies a compact JWT: signature by a known `kid` with its pinned algorithm, `iss`, `aud`,
   * `exp` (with tolerance), the claim shapes, and the revoked-session set. Throws
   * `AuthError('token_expired')` or `AuthError('token_invalid')`.
   */
  verify(token: string): Promise<AccessTokenClaims>;
  /** The key set (for the JWKS document and rotation). */
  readonly keys: KeySet;
  /** The revoked-session set verification checks (the auth service adds to it), if any. */
  readonly revokedSessions: RevokedSessions | undefined;
}

function invalid(reason: string, cause?: unknown): AuthError {
  return new AuthError('token_invalid', `access token refused: ${reason} (sign in again)`, { cause });
}

function toClaims(payload: Record<string, unknown>): AccessTokenClaims {
  const { sub, sid, tid, role, iss, aud, iat, exp, jti } = payload;
  if (
    typeof sub !== 'string' ||
    typeof sid !== 'string' ||
    typeof iss !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    typeof jti !== 'string' ||
    (tid !== undefined && typeof tid !== 'string') ||
    (role !== undefined && typeof role !== 'string')
  ) {
    throw invalid('required claims missing or malformed');
  }
  const claims: AccessTokenClaims = { sub, sid, iss, aud: aud as string | string[], iat, exp, jti };
  if (tid !== undefined) claims.tid = tid;
  if (role !== undefined) claims.role = role;
  return Object.freeze(claims) as AccessTokenClaims;
}

/**
 * Creates the access-token signer/verifier (JWT via `jose`, EdDSA or ES256).
 *
 * @example
 * ```ts
 * const keys = createKeySet({ signingKey: await generateSigningKey() });
 * const tokens = createAccessTokens({ keys, issuer: 'https://api.example.com', audience: 'portalkit' });
 * const { token } = await tokens.sign({ sub: 'user-1', sid: 'session-1', tid: 't1', role: 'admin' });
 * const claims = await tokens.verify(token); // { sub: 'user-1', ... }
 * ```
 */
export function createAccessTokens(options: AccessTokensOptions): AccessTokens {
  const { keys, issuer, audience, cache, revokedSessions } = options;
  const ttlSeconds = options.ttlSeconds ?? 900;
  const tolerance = options.clockToleranceSeconds ?? 5;
  const now = options.now ?? Date.now;
  if (!issuer || !audience) throw new TypeError('[portalkit/auth] access tokens need an issuer and an audience');
  if (!(ttlSeconds > 0)) throw new TypeError('[portalkit/auth] access token ttlSeconds must be positive');

  const getKey = (header: JWTHeaderParameters) => {
    const key = header.kid === undefined ? undefined : keys.get(header.kid);
    if (!key) throw invalid('unknown key id');
    if (header.alg !== key.alg) throw invalid('algorithm does not match the key');
    return key.publicKey;
  };

  /** Whether the key a (verified, cached) token was signed with is still in the key set. */
  const keyStillKnown = (token: string) => {
    try {
      const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
      return typeof header?.kid === 'string' && keys.get(header.kid) !== undefined;
    } catch {
      return false;
    }
  };

  const checkRevoked = async (claims: AccessTokenClaims) => {
    if (await revokedSessions?.has(claims.sid)) throw invalid('session revoked');
    return claims;
  };
  const finish = (claims: AccessTokenClaims): AccessTokenClaims | Promise<AccessTokenClaims> =>
    revokedSessions ? checkRevoked(claims) : claims;

  return {
    ttlSeconds,
    keys,
    revokedSessions,
    async sign(subject) {
      const signer = keys.signingKey;
      const iat = Math.floor(now() / 1000);
      const payload: Record<string, unknown> = { sid: subject.sid };
      if (subject.tid !== undefined) payload.tid = subject.tid;
      if (subject.role !== undefined) payload.role = subject.role;
      const jti = randomId();
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
        .setSubject(subject.sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(jti)
        .sign(signer.privateKey);
      return {
        token,
        expiresIn: ttlSeconds,
        claims: toClaims({ ...payload, sub: subject.sub, iss: issuer, aud: audience, iat, exp: iat + ttlSeconds, jti }),
      };
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 8192) throw invalid('not a token');
      const key = cache ? hashSecret(token) : '';
      if (cache) {
        const hit = cache.get(key);
        if (hit) {
          // A retired key stops its tokens at once, cached or not.
          if ((hit.exp + tolerance) * 1000 > now() && keyStillKnown(token)) return finish(hit);
          cache.delete(key);
        }
      }
      let payload: Record<string, unknown>;
      try {
        // presence and types of sub/sid/iat/exp/jti are checked by toClaims below
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms: keys.algorithms(),
          issuer,
          audience,
          clockTolerance: tolerance,
          ...(options.now ? { currentDate: new Date(now()) } : {}),
        }));
      } catch (error) {
        if (error instanceof AuthError) throw error;
        if (error instanceof joseErrors.JWTExpired) {
          throw new AuthError('token_expired', 'access token expired (refresh it)', { cause: error });
        }
        throw invalid('signature or claims did not verify', error);
      }
      const claims = toClaims(payload);
      if (cache) cache.set(key, claims);
      return finish(claims);
    },
  };
}
