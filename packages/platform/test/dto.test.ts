import type { AuditEvent } from '@portalkit/audit';
import { auditEventDto, fileDto, invitationDto, memberDto, tenantDto, userDto } from '@portalkit/platform/http';
import { describe, expect, it } from 'vitest';

const at = new Date('2026-03-04T05:06:07.000Z');

describe('wire DTOs', () => {
  it('user: verified flag from the timestamp, ISO dates, no password hash', () => {
    const dto = userDto({
      id: 'u1',
      email: 'ada@example.com',
      name: 'Ada',
      emailVerifiedAt: null,
      createdAt: at,
      passwordHash: 'argon2id$secret',
    } as never);
    expect(dto).toEqual({
      id: 'u1',
      email: 'ada@example.com',
      name: 'Ada',
      emailVerified: false,
      createdAt: at.toISOString(),
    });
  });

  it('tenant, member (with a missing account), invitation (never the token)', () => {
    expect(
      tenantDto({ id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: at, settings: {} } as never),
    ).toEqual({ id: 't1', name: 'Acme', slug: 'acme', status: 'active', createdAt: at.toISOString(), settings: {} });
    expect(memberDto({ userId: 'u2', role: 'viewer', joinedAt: at } as never, null)).toEqual({
      userId: 'u2',
      email: '',
      name: '',
      role: 'viewer',
      joinedAt: at.toISOString(),
    });
    const invitation = invitationDto({
      id: 'i1',
      email: 'bob@example.com',
      role: 'editor',
      expiresAt: at,
      tokenHash: 'h',
    } as never);
    expect(invitation).toEqual({ id: 'i1', email: 'bob@example.com', role: 'editor', expiresAt: at.toISOString() });
  });

  it('file: anything but ready is pending', () => {
    const base = {
      id: 'f1',
      name: 'a.png',
      size: 3,
      contentType: 'image/png',
      checksum: 'abc',
      category: null,
      tags: [],
      createdAt: at,
      createdBy: 'u1',
      key: 'tenants/t1/files/f1',
    };
    expect(fileDto({ ...base, status: 'ready' } as never).status).toBe('ready');
    expect(fileDto({ ...base, status: 'uploading' } as never)).not.toHaveProperty('key');
    expect(fileDto({ ...base, status: 'uploading' } as never).status).toBe('pending');
  });

  it('audit event: service actors show as system, absent before/after as null', () => {
    const dto = auditEventDto({
      id: 'e1',
      tenantId: 't1',
      actor: { type: 'service', id: 'sweeper' },
      action: 'file.deleted',
      resource: { type: 'file' },
      ip: null,
      userAgent: null,
      requestId: 'r1',
      occurredAt: at.toISOString(),
      prevHash: 'p',
      hash: 'h',
    } as unknown as AuditEvent);
    expect(dto).toMatchObject({
      actor: { type: 'system', id: 'sweeper' },
      resource: { type: 'file', id: null },
      before: null,
      after: null,
    });
  });
});
