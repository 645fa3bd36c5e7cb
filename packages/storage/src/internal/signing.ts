import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedParams {
  method: 'GET' | 'PUT';
  key: string;
  expires: number;
  contentType?: string | undefined;
  contentLength?: number | undefined;
  disposition?: string | undefined;
}

const Q = {
  method: 'X-Pk-Method',
  expires: 'X-Pk-Expires',
  contentType: 'X-Pk-Content-Type',
  contentLength: 'X-Pk-Content-Length',
  disposition: 'X-Pk-Disposition',
  signature: 'X-Pk-Signature',
} as const;

function payload(p: SignedParams): string {
  return [
    'portalkit-storage-v1',
    p.method,
    p.key,
    String(p.expires),
    p.contentType ?? '',
    p.contentLength ?? '',
    p.disposition ?? '',
  ].join('\n');
}

export function sign(secret: string, p: SignedParams): string {
  return createHmac('sha256', secret).update(payload(p)).digest('base64url');
}

export function signedQuery(secret: string, p: SignedParams): string {
  const q = new URLSearchParams();
  q.set(Q.method, p.method);
  q.set(Q.expires, String(p.expires));
  if (p.contentType !== undefined) q.set(Q.contentType, p.contentType);
  if (p.contentLength !== undefined) q.set(Q.contentLength, String(p.contentLength));
  if (p.disposition !== undefined) q.set(Q.disposition, p.disposition);
  q.set(Q.signature, sign(secret, p));
  return q.toString();
}

export type VerifyResult =
  | { ok: true; params: SignedParams }
  | { ok: false; reason: 'signature_invalid' | 'url_expired' };

export function verifyQuery(secret: string, key: string, query: URLSearchParams, nowSeconds: number): VerifyResult {
  const method = query.get(Q.method);
  const expires = Number(query.get(Q.expires));
  const signature = query.get(Q.signature) ?? '';
  if ((method !== 'GET' && method !== 'PUT') || !Number.isInteger(expires))
    return { ok: false, reason: 'signature_invalid' };
  const cl = query.get(Q.contentLength);
  const params: SignedParams = {
    method,
    key,
    expires,
    contentType: query.get(Q.contentType) ?? undefined,
    contentLength: cl === null ? undefined : Number(cl),
    disposition: query.get(Q.disposition) ?? undefined,
  };
  if (cl !== null && !/^\d+$/.test(cl)) return { ok: false, reason: 'signature_invalid' };
  const expected = Buffer.from(sign(secret, params));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'signature_invalid' };
  if (expires < nowSeconds) return { ok: false, reason: 'url_expired' };
  return { ok: true, params };
}
