import { AsyncLocalStorage } from 'node:async_hooks';
import { AuditError } from './errors.js';
import type { AuditActor } from './event.js';

/**
 * Who is acting and from where, for the events recorded in the current request or job. Every field
 * is optional; {@link AuditLog.record} fills the event from it.
 */
export interface AuditContext {
  /** Tenant the events belong to; `null` (or absent) for the platform trail. */
  tenantId?: string | null;
  /** Who acts. Absent in a scope means an anonymous caller, recorded as `{ type: 'system', id: null }`. */
  actor?: AuditActor;
  /** Client IP address. */
  ip?: string | null;
  /** Client `User-Agent`. */
  userAgent?: string | null;
  /** Request (or job) id, for correlation with logs. */
  requestId?: string | null;
}

const storage = new AsyncLocalStorage<AuditContext>();

/**
 * Runs `fn` in a new audit scope: every {@link AuditLog.record} call made while `fn` (and what it
 * awaits) runs reads its context from this scope, and only from it, so concurrent requests never
 * see each other's actor, tenant or IP. A nested scope starts from a copy of the enclosing one.
 *
 * @example
 * ```ts
 * import { runWithAuditContext } from '@portalkit/audit';
 *
 * app.use((req, res, next) =>
 *   runWithAuditContext({ ip: req.ip, userAgent: req.get('user-agent'), requestId: req.id }, next),
 * );
 * ```
 */
export function runWithAuditContext<T>(context: AuditContext, fn: () => T): T {
  const parent = storage.getStore();
  return storage.run({ ...parent, ...context }, fn);
}

/**
 * The audit context of the current scope, or `undefined` outside any scope (module code, timers
 * started outside a request, background jobs that did not open their own scope).
 *
 * @example
 * ```ts
 * import { getAuditContext } from '@portalkit/audit';
 *
 * const requestId = getAuditContext()?.requestId;
 * ```
 */
export function getAuditContext(): Readonly<AuditContext> | undefined {
  return storage.getStore();
}

/**
 * Changes the current scope in place, e.g. once authentication has resolved the user of a request
 * that opened its scope before. Only the current request's scope is touched.
 *
 * @throws {@link AuditError} `no_context` outside a scope.
 *
 * @example
 * ```ts
 * import { updateAuditContext } from '@portalkit/audit';
 *
 * updateAuditContext({ actor: { type: 'user', id: user.id }, tenantId: membership.tenantId });
 * ```
 */
export function updateAuditContext(patch: AuditContext): void {
  const current = storage.getStore();
  if (!current) {
    throw new AuditError(
      'no_context',
      'updateAuditContext() was called outside runWithAuditContext() (open a scope per request or job first)',
    );
  }
  Object.assign(current, patch);
}
