import type { AccessTokenClaims } from './access-tokens.js';

/** Permissions of the default roles. Add your own as plain strings. */
export type BuiltInPermission =
  | 'tenant:read'
  | 'members:read'
  | 'files:read'
  | 'files:write'
  | 'members:manage'
  | 'tenant:manage'
  | 'audit:read';

/** A permission name: a built-in one or any string you add. */
export type Permission = BuiltInPermission | (string & {});

/** One role: its own permissions plus those of the roles it inherits. */
export interface RoleDefinition {
  /** Permissions granted by this role itself. */
  permissions: Permission[];
  /** Roles whose permissions this role also has. @default [] */
  inherits?: string[];
}

/**
 * The default roles, `viewer < editor < admin`: viewer reads (`tenant:read`, `members:read`,
 * `files:read`), editor also writes files (`files:write`), admin also manages members and the
 * tenant and reads the audit trail (`members:manage`, `tenant:manage`, `audit:read`).
 *
 * @example
 * ```ts
 * const rbac = createRbac({ roles: { ...defaultRoles, billing: { permissions: ['billing:manage'], inherits: ['viewer'] } } });
 * ```
 */
export const defaultRoles: Readonly<Record<'viewer' | 'editor' | 'admin', RoleDefinition>> = Object.freeze({
  viewer: { permissions: ['tenant:read', 'members:read', 'files:read'] },
  editor: { permissions: ['files:write'], inherits: ['viewer'] },
  admin: { permissions: ['members:manage', 'tenant:manage', 'audit:read'], inherits: ['editor'] },
});

/** Options of {@link createRbac}. */
export interface RbacOptions {
  /** Role definitions; spread {@link defaultRoles} to extend them. @default defaultRoles */
  roles?: Record<string, RoleDefinition>;
}

/** A resolved role model. */
export interface Rbac {
  /** Names of all roles. */
  readonly roles: string[];
  /** True when `role` (unknown roles: never) has `permission`. */
  can(role: string | undefined, permission: Permission): boolean;
  /** Every permission of a role, inherited ones included (empty for unknown roles). */
  permissionsOf(role: string): Permission[];
}

/**
 * Resolves role definitions (with inheritance) into a permission check. Throws a `TypeError` on
 * an unknown inherited role or an inheritance cycle.
 *
 * @example
 * ```ts
 * const rbac = createRbac({
 *   roles: { ...defaultRoles, auditor: { permissions: ['audit:read'], inherits: ['viewer'] } },
 * });
 * rbac.can('auditor', 'audit:read'); // true
 * rbac.can('auditor', 'files:write'); // false
 * ```
 */
export function createRbac(options: RbacOptions = {}): Rbac {
  const roles: Record<string, RoleDefinition> = options.roles ?? defaultRoles;
  const resolved = new Map<string, Set<string>>();
  const resolve = (name: string, path: string[]): Set<string> => {
    const done = resolved.get(name);
    if (done) return done;
    const role = roles[name];
    if (!role) throw new TypeError(`[portalkit/auth] role "${path.at(-1)}" inherits unknown role "${name}"`);
    if (path.includes(name))
      throw new TypeError(`[portalkit/auth] role inheritance cycle: ${[...path, name].join(' -> ')}`);
    const set = new Set<string>(role.permissions);
    for (const parent of role.inherits ?? []) for (const p of resolve(parent, [...path, name])) set.add(p);
    resolved.set(name, set);
    return set;
  };
  for (const name of Object.keys(roles)) resolve(name, []);
  return {
    roles: Object.keys(roles),
    can: (role, permission) =>
      role !== undefined && Object.hasOwn(roles, role) && (resolved.get(role)?.has(permission) ?? false),
    permissionsOf: (role) => (Object.hasOwn(roles, role) ? [...(resolved.get(role) ?? [])] : []),
  };
}

const defaultRbac = createRbac();

/**
 * True when `role` has `permission` under the {@link defaultRoles}.
 *
 * @example
 * ```ts
 * can('editor', 'files:write'); // true
 * can('viewer', 'members:manage'); // false
 * ```
 */
export function can(role: string | undefined, permission: Permission): boolean {
  return defaultRbac.can(role, permission);
}

/** A positive authorization decision. */
export interface AuthorizationGranted {
  /** Discriminant. */
  allowed: true;
  /** The caller. */
  userId: string;
  /** The tenant the permission applies to. */
  tenantId: string;
  /** The caller's role there. */
  role: string;
}

/**
 * A negative authorization decision. `reason`: `no_tenant` (the token has no active tenant),
 * `tenant_mismatch` (the token is for another tenant; answer 404 to not reveal the resource),
 * `missing_permission` (member without the permission; 403).
 */
export interface AuthorizationDenied {
  /** Discriminant. */
  allowed: false;
  /** Why. */
  reason: 'no_tenant' | 'tenant_mismatch' | 'missing_permission';
}

/** The result of {@link authorize}. */
export type AuthorizationDecision = AuthorizationGranted | AuthorizationDenied;

/** Options of {@link authorize}. */
export interface AuthorizeOptions {
  /** The tenant the request addresses (e.g. the path's `:tenantId`); must equal the token's `tid`. */
  tenantId?: string;
  /** Role model. @default createRbac() with the default roles */
  rbac?: Rbac;
  /**
   * The caller's current role in the tenant, when the host re-reads membership per request
   * (recommended, so a demotion or removal acts at once). `null` means "no longer a member".
   * @default the token's `role` claim
   */
  currentRole?: string | null;
}

/**
 * Turns verified access-token claims and a required permission into a typed decision.
 * Framework-agnostic: wrap it as middleware.
 *
 * @example
 * ```ts
 * const claims = await auth.verifyAccessToken(bearer);
 * const decision = authorize(claims, 'files:write', { tenantId: req.params.tenantId });
 * if (!decision.allowed) res.status(decision.reason === 'missing_permission' ? 403 : 404).end();
 * ```
 */
export function authorize(
  claims: AccessTokenClaims,
  permission: Permission,
  options: AuthorizeOptions = {},
): AuthorizationDecision {
  if (!claims.tid) return { allowed: false, reason: 'no_tenant' };
  if (options.tenantId !== undefined && options.tenantId !== claims.tid)
    return { allowed: false, reason: 'tenant_mismatch' };
  const role = options.currentRole === undefined ? claims.role : options.currentRole;
  if (role === null || role === undefined) return { allowed: false, reason: 'tenant_mismatch' };
  const rbac = options.rbac ?? defaultRbac;
  if (!rbac.can(role, permission)) return { allowed: false, reason: 'missing_permission' };
  return { allowed: true, userId: claims.sub, tenantId: claims.tid, role };
}
