import type { AccessTokenClaims, AccessTokens } from '@portalkit/auth';
import type { RequestHandler } from 'express';
import { HttpProblem } from './problem.js';

declare global {
  namespace Express {
    interface Locals {
      /** Verified access-token claims, set by {@link authenticate}. */
      claims?: AccessTokenClaims;
    }
  }
}

/** Requires `Authorization: Bearer <access token>` and verifies it (signature, iss, aud, exp, revoked sid). */
export function authenticate(tokens: AccessTokens): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) throw new HttpProblem(401, 'unauthorized', 'send Authorization: Bearer <access token>');
    const claims = await tokens.verify(match[1]!);
    res.locals.claims = claims;
    res.locals.userId = claims.sub;
    res.locals.log = res.locals.log.child({ userId: claims.sub });
    next();
  };
}
