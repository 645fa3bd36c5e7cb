import type { AuditEvent } from '@portalkit/audit';
import type { AccountUser, AuthUser, SessionInfo } from '@portalkit/auth';
import type { FileRecord } from '@portalkit/storage';
import type { Invitation, Member, Tenant } from '@portalkit/tenancy';

/** Wire shapes of API.md, built from the packages' records (dates as ISO strings, no internals). */
export const userDto = (u: AccountUser | AuthUser) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  emailVerified: u.emailVerifiedAt !== null,
  createdAt: u.createdAt.toISOString(),
});

export const tenantDto = (t: Tenant) => ({
  id: t.id,
  name: t.name,
  slug: t.slug,
  status: t.status,
  createdAt: t.createdAt.toISOString(),
  settings: t.settings,
});

export const memberDto = (m: Member, user: AuthUser | null) => ({
  userId: m.userId,
  email: user?.email ?? '',
  name: user?.name ?? '',
  role: m.role,
  joinedAt: m.joinedAt.toISOString(),
});

export const invitationDto = (i: Invitation) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expiresAt: i.expiresAt.toISOString(),
});

export const sessionDto = (s: SessionInfo) => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastUsedAt: s.lastUsedAt ? s.lastUsedAt.toISOString() : null,
  userAgent: s.userAgent,
  ip: s.ip,
  current: s.current,
});

export const auditEventDto = (e: AuditEvent) => ({
  id: e.id,
  tenantId: e.tenantId,
  actor: { type: e.actor.type === 'user' ? 'user' : 'system', id: e.actor.id },
  action: e.action,
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

export const fileDto = (f: FileRecord) => ({
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
