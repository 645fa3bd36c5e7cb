import type { AuditEvent } from '@portalkit/audit';
import type { AccountUser, AuthUser, SessionInfo } from '@portalkit/auth';
import type {
  AuditEvent as AuditEventWire,
  FileRecord as FileWire,
  Invitation as InvitationWire,
  Member as MemberWire,
  Session as SessionWire,
  Tenant as TenantWire,
  User as UserWire,
} from '@portalkit/client/contract';
import type { FileRecord } from '@portalkit/storage';
import type { Invitation, Member, Tenant } from '@portalkit/tenancy';

// Wire shapes of the reference API, built from the packages' records: dates as ISO strings, no internals.

/**
 * A user as the API shows it.
 *
 * @example
 * ```ts
 * import { userDto } from '@portalkit/platform/http';
 *
 * const body = { user: userDto(user) };
 * ```
 */
export const userDto = (u: AccountUser | AuthUser): UserWire => ({
  id: u.id,
  email: u.email,
  name: u.name,
  emailVerified: u.emailVerifiedAt !== null,
  createdAt: u.createdAt.toISOString(),
});

/**
 * A tenant as the API shows it.
 *
 * @example
 * ```ts
 * import { tenantDto } from '@portalkit/platform/http';
 *
 * const body = { tenant: tenantDto(tenant) };
 * ```
 */
export const tenantDto = (t: Tenant): TenantWire => ({
  id: t.id,
  name: t.name,
  slug: t.slug,
  status: t.status,
  createdAt: t.createdAt.toISOString(),
  settings: t.settings as TenantWire['settings'],
});

/**
 * A member with the user's e-mail and name (empty when the account is gone).
 *
 * @example
 * ```ts
 * import { memberDto } from '@portalkit/platform/http';
 *
 * const body = { member: memberDto(member, await authStore.findUserById(member.userId)) };
 * ```
 */
export const memberDto = (m: Member, user: AuthUser | null): MemberWire => ({
  userId: m.userId,
  email: user?.email ?? '',
  name: user?.name ?? '',
  role: m.role as MemberWire['role'],
  joinedAt: m.joinedAt.toISOString(),
});

/**
 * An invitation (never its token).
 *
 * @example
 * ```ts
 * import { invitationDto } from '@portalkit/platform/http';
 *
 * const body = { invitation: invitationDto(invitation) };
 * ```
 */
export const invitationDto = (i: Invitation): InvitationWire => ({
  id: i.id,
  email: i.email,
  role: i.role as InvitationWire['role'],
  expiresAt: i.expiresAt.toISOString(),
});

/**
 * A session of the signed-in user.
 *
 * @example
 * ```ts
 * import { sessionDto } from '@portalkit/platform/http';
 *
 * const body = { items: sessions.map(sessionDto) };
 * ```
 */
export const sessionDto = (s: SessionInfo): SessionWire => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastUsedAt: s.lastUsedAt ? s.lastUsedAt.toISOString() : null,
  userAgent: s.userAgent,
  ip: s.ip,
  current: s.current,
});

/**
 * An audit event with its chain hashes.
 *
 * @example
 * ```ts
 * import { auditEventDto } from '@portalkit/platform/http';
 *
 * const body = { items: page.items.map(auditEventDto), nextCursor: page.nextCursor };
 * ```
 */
export const auditEventDto = (e: AuditEvent): AuditEventWire => ({
  id: e.id,
  tenantId: e.tenantId,
  actor: { type: e.actor.type === 'user' ? ('user' as const) : ('system' as const), id: e.actor.id },
  action: e.action as AuditEventWire['action'],
  resource: { type: e.resource.type, id: e.resource.id ?? null },
  before: (e.before as Record<string, unknown> | undefined) ?? null,
  after: (e.after as Record<string, unknown> | undefined) ?? null,
  ip: e.ip,
  userAgent: e.userAgent,
  requestId: e.requestId,
  occurredAt: e.occurredAt,
  prevHash: e.prevHash,
  hash: e.hash,
});

/**
 * A file record (pending until its bytes are complete).
 *
 * @example
 * ```ts
 * import { fileDto } from '@portalkit/platform/http';
 *
 * const body = { file: fileDto(file) };
 * ```
 */
export const fileDto = (f: FileRecord): FileWire => ({
  id: f.id,
  name: f.name,
  size: f.size,
  contentType: f.contentType,
  checksum: f.checksum,
  category: f.category,
  tags: f.tags,
  status: f.status === 'ready' ? ('ready' as const) : ('pending' as const),
  createdAt: f.createdAt.toISOString(),
  createdBy: f.createdBy,
});
