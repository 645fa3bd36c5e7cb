import {
  authorize,
  can,
  createAccessTokens,
  createKeySet,
  createRbac,
  defaultRoles,
  generateSigningKey,
} from '@portalkit/auth';
import { describe, expect, it } from 'vitest';

describe('RBAC', () => {
  it('viewer < editor < admin with the documented permissions', () => {
    expect(can('viewer', 'files:read')).toBe(true);
    expect(can('viewer', 'files:write')).toBe(false);
    expect(can('editor', 'files:write')).toBe(true);
    expect(can('editor', 'members:manage')).toBe(false);
    for (const p of ['files:read', 'files:write', 'members:manage', 'tenant:manage', 'audit:read'] as const) {
      expect(can('admin', p)).toBe(true);
    }
    expect(can('owner', 'files:read')).toBe(false);
    expect(can(undefined, 'files:read')).toBe(false);
    expect(can('toString', 'files:read')).toBe(false);
  });

  it('adds roles and permissions, with inheritance, and refuses unknown parents and cycles', () => {
    const rbac = createRbac({
      roles: {
        ...defaultRoles,
        auditor: { permissions: ['audit:read'], inherits: ['viewer'] },
        admin: {
          permissions: ['members:manage', 'tenant:manage', 'audit:read', 'billing:manage'],
          inherits: ['editor'],
        },
      },
    });
    expect(rbac.can('auditor', 'audit:read')).toBe(true);
    expect(rbac.can('auditor', 'files:read')).toBe(true);
    expect(rbac.can('auditor', 'files:write')).toBe(false);
    expect(rbac.can('admin', 'billing:manage')).toBe(true);
    expect(rbac.permissionsOf('auditor').sort()).toEqual(['audit:read', 'files:read', 'members:read', 'tenant:read']);
    expect(() => createRbac({ roles: { a: { permissions: [], inherits: ['ghost'] } } })).toThrow(TypeError);
    expect(() =>
      createRbac({ roles: { a: { permissions: [], inherits: ['b'] }, b: { permissions: [], inherits: ['a'] } } }),
    ).toThrow(/cycle/);
  });

  it('authorize turns verified claims + permission into a typed decision', async () => {
    const tokens = createAccessTokens({
      keys: createKeySet({ signingKey: await generateSigningKey() }),
      issuer: 'i',
      audience: 'a',
    });
    const editor = await tokens.verify((await tokens.sign({ sub: 'u1', sid: 's', tid: 't1', role: 'editor' })).token);
    expect(authorize(editor, 'files:write', { tenantId: 't1' })).toEqual({
      allowed: true,
      userId: 'u1',
      tenantId: 't1',
      role: 'editor',
    });
    expect(authorize(editor, 'members:manage', { tenantId: 't1' })).toEqual({
      allowed: false,
      reason: 'missing_permission',
    });
    expect(authorize(editor, 'files:read', { tenantId: 't2' })).toEqual({ allowed: false, reason: 'tenant_mismatch' });
    // membership re-read by the host: demoted / removed act at once
    expect(authorize(editor, 'files:write', { tenantId: 't1', currentRole: 'viewer' })).toMatchObject({
      allowed: false,
      reason: 'missing_permission',
    });
    expect(authorize(editor, 'files:read', { tenantId: 't1', currentRole: null })).toMatchObject({
      allowed: false,
      reason: 'tenant_mismatch',
    });
    const none = await tokens.verify((await tokens.sign({ sub: 'u1', sid: 's' })).token);
    expect(authorize(none, 'files:read')).toEqual({ allowed: false, reason: 'no_tenant' });
  });
});
