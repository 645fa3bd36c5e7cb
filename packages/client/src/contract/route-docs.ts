import type { ProblemCode } from './problem.js';
import type { RouteName } from './routes.js';

/** Human-facing documentation of a route: used by {@link buildOpenApi}, kept apart from the
 * route table so the client bundle does not carry it. */
export interface RouteDoc {
  /** One-line summary. */
  readonly summary: string;
  /** Longer description of the behaviour. */
  readonly description: string;
  /** Problem codes specific to this route (the generic ones are implied by auth, role and input). */
  readonly errors: readonly ProblemCode[];
  /** An example request body (JSON routes), shown in the OpenAPI document. */
  readonly example?: unknown;
}

/**
 * Summary, description and specific problem codes of every route, keyed by route name.
 *
 * @example
 * ```ts
 * import { routeDocs } from '@portalkit/client/contract';
 *
 * console.log(routeDocs.login.summary); // 'Sign in'
 * ```
 */
export const routeDocs: Readonly<Record<RouteName, RouteDoc>> = {
  health: {
    summary: 'Liveness',
    description: 'Answers 200 while the process serves.',
    errors: [],
  },
  ready: {
    summary: 'Readiness',
    description:
      'Answers 200 when the database, storage and cache answer; 503 with the same body shape, status "unavailable" and the failing check otherwise.',
    errors: [],
  },
  openapi: {
    summary: 'OpenAPI document',
    description: 'The OpenAPI 3.1 document of this contract.',
    errors: [],
  },
  docs: {
    summary: 'API reference',
    description: 'Human-readable API reference rendered from /openapi.json, served locally.',
    errors: [],
  },
  jwks: {
    summary: 'Public signing keys',
    description: 'The public keys (JWKS, with kid) access tokens are signed with, so third parties can verify them.',
    errors: [],
  },
  register: {
    summary: 'Create an account',
    description:
      'Answers 202 whether or not the e-mail is taken (no enumeration). A weak password answers 400 validation_failed saying why. At most 10 registrations per client address per hour (429 rate_limited).',
    errors: ['rate_limited'],
    example: { email: 'ada@example.com', password: 'correct horse battery staple', name: 'Ada Lovelace' },
  },
  verifyEmail: {
    summary: 'Verify an e-mail address',
    description:
      'Consumes the single-use verification token (valid 24 h) from the e-mail link; an unknown, used or expired token answers 401.',
    errors: ['unauthorized'],
    example: { token: 'k3J9x0-example-token' },
  },
  resendVerification: {
    summary: 'Send the verification e-mail again',
    description: 'Always answers 202.',
    errors: ['rate_limited'],
    example: { email: 'ada@example.com' },
  },
  login: {
    summary: 'Sign in',
    description:
      "Answers a token pair. Without tenantId the user's only membership (if exactly one) becomes active. Wrong e-mail or password: 401 invalid_credentials; unverified e-mail: 403 email_not_verified; too many failures: 429 rate_limited with Retry-After.",
    errors: ['invalid_credentials', 'email_not_verified', 'rate_limited', 'forbidden'],
    example: { email: 'ada@example.com', password: 'correct horse battery staple' },
  },
  refresh: {
    summary: 'Rotate the refresh token',
    description:
      'Answers a new pair; the presented refresh token is dead afterwards. Presenting an already-used token revokes the session and answers 401 token_reused. tenantId switches the active tenant (membership required).',
    errors: ['unauthorized', 'token_reused', 'forbidden', 'not_found'],
    example: { refreshToken: 'q8V2mC4y1tW9eR7uI5oP3aS6dF0gH2jK4lZ8xC1vB3n' },
  },
  logout: {
    summary: 'Sign out this session',
    description: "Answers 204; the session's refresh tokens are dead.",
    errors: [],
    example: { refreshToken: 'q8V2mC4y1tW9eR7uI5oP3aS6dF0gH2jK4lZ8xC1vB3n' },
  },
  logoutAll: {
    summary: 'Sign out every session',
    description: 'Answers 204; every session of the user is dead.',
    errors: [],
  },
  forgotPassword: {
    summary: 'Request a password reset e-mail',
    description: 'Always answers 202 (no enumeration); sends a reset e-mail when the account exists.',
    errors: ['rate_limited'],
    example: { email: 'ada@example.com' },
  },
  resetPassword: {
    summary: 'Set a new password with a reset token',
    description:
      'Consumes the single-use reset token (valid 1 h); every session of the user is revoked. An unknown, used or expired token answers 401.',
    errors: ['unauthorized'],
    example: { token: 'k3J9x0-example-token', password: 'a brand new passphrase' },
  },
  changePassword: {
    summary: 'Change the password',
    description: 'Answers 204; the other sessions of the user are revoked.',
    errors: ['invalid_credentials'],
    example: { currentPassword: 'correct horse battery staple', newPassword: 'a brand new passphrase' },
  },
  me: {
    summary: 'The caller and their memberships',
    description: 'Answers the user and every tenant they belong to with their role there.',
    errors: [],
  },
  listSessions: {
    summary: "The caller's sessions",
    description: 'Answers every live session of the user; `current` marks the session of this request.',
    errors: [],
  },
  revokeSession: {
    summary: 'Revoke a session',
    description: "Answers 204; the session's refresh tokens are dead. Another user's session answers 404.",
    errors: ['not_found'],
  },
  createTenant: {
    summary: 'Create a tenant',
    description: 'The caller becomes its admin. A taken slug answers 409 conflict.',
    errors: ['conflict', 'email_not_verified'],
    example: { name: 'Acme Inc.', slug: 'acme-inc' },
  },
  listTenants: {
    summary: "The caller's tenants",
    description: 'Answers the tenants the caller belongs to.',
    errors: [],
  },
  getTenant: {
    summary: 'A tenant',
    description: 'Non-members get 404.',
    errors: [],
  },
  updateTenant: {
    summary: 'Rename a tenant or change its settings',
    description:
      'Updates name and/or settings. Settings replace the old ones as a whole; `allowedOrigins` is the per-tenant CORS allow-list.',
    errors: [],
    example: { name: 'Acme GmbH', settings: { allowedOrigins: ['https://app.acme.com'] } },
  },
  deleteTenant: {
    summary: 'Delete a tenant',
    description:
      'Deletes the tenant and all its data (members, files and their objects, audit trail after the export window).',
    errors: [],
  },
  listMembers: {
    summary: 'Members of a tenant',
    description: 'Paginated with limit and cursor.',
    errors: [],
  },
  updateMember: {
    summary: "Change a member's role",
    description: 'The last admin cannot be demoted: 409 conflict.',
    errors: ['conflict'],
    example: { role: 'editor' },
  },
  removeMember: {
    summary: 'Remove a member',
    description:
      'An admin removes anyone; a member may remove themself. The last admin cannot be removed: 409 conflict.',
    errors: ['conflict'],
  },
  createInvitation: {
    summary: 'Invite someone by e-mail',
    description: 'Sends the invitation e-mail; the invitation is valid 7 days.',
    errors: ['conflict'],
    example: { email: 'bob@example.com', role: 'viewer' },
  },
  listInvitations: {
    summary: 'Pending invitations',
    description: 'Answers the pending invitations of the tenant.',
    errors: [],
  },
  revokeInvitation: {
    summary: 'Revoke an invitation',
    description: 'Answers 204; the invitation link stops working.',
    errors: [],
  },
  acceptInvitation: {
    summary: 'Accept an invitation',
    description: "The caller's verified e-mail must match the invitation's. Answers the new membership.",
    errors: ['forbidden', 'not_found', 'conflict', 'email_not_verified'],
    example: { token: 'k3J9x0-example-token' },
  },
  uploadFile: {
    summary: 'Upload a file (multipart)',
    description:
      'multipart/form-data with the part `file` and optional text fields `category` and `tags`. Streamed to the provider. Over the size limit: 413; type not allowed (judged by the bytes): 415.',
    errors: ['payload_too_large', 'unsupported_media_type'],
  },
  createUpload: {
    summary: 'Start a direct upload',
    description:
      'Answers where to PUT the bytes (a presigned URL of the provider, or a signed URL on this server for the local provider); then call completeUpload.',
    errors: ['payload_too_large', 'unsupported_media_type'],
    example: { name: 'report.pdf', size: 48213, contentType: 'application/pdf' },
  },
  completeUpload: {
    summary: 'Complete a direct upload',
    description:
      'Checks the object exists with the announced size and an allowed type; otherwise answers 400 and removes the object.',
    errors: ['unsupported_media_type', 'conflict'],
  },
  listFiles: {
    summary: 'Files of a tenant',
    description: 'Paginated; filters category, tag and q (name contains).',
    errors: [],
  },
  getFile: {
    summary: "A file's metadata",
    description: 'Deleted files answer 404.',
    errors: [],
  },
  downloadFile: {
    summary: "A file's bytes",
    description:
      '302 to a short-lived signed URL (S3-compatible providers) or the bytes (local provider), with Content-Disposition: attachment; Range is honoured (206), and a range outside the file answers 416 with Content-Range: bytes */<size>.',
    errors: [],
  },
  deleteFile: {
    summary: 'Delete a file',
    description: 'Soft delete: gone from lists and downloads at once; the object is purged after a grace period.',
    errors: [],
  },
  listAuditEvents: {
    summary: 'Audit events of a tenant',
    description: 'Newest first, paginated; filters actorId, action, resourceType, resourceId, from, to.',
    errors: [],
  },
  exportAuditEvents: {
    summary: 'Export audit events',
    description: 'Streams every matching event as CSV or NDJSON, with Content-Disposition: attachment.',
    errors: [],
  },
  verifyAuditChain: {
    summary: 'Verify the hash chain',
    description: "valid is false, with the first bad event's id, when the chain was tampered with.",
    errors: [],
  },
};
