import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes (256 bits) as base64url: the format of every bearer secret the package issues. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a bearer secret, base64url: the only form in which secrets are stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** A random, URL-safe id (128 bits). */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}
