import { AsyncLocalStorage } from 'node:async_hooks';
import { TenancyError } from './errors.js';

/**
 * What the tenant context holds: at least the tenant id; pass the whole {@link Tenant} (or any
 * object with an `id`) to make it available to code deeper in the call stack.
 *
 * @example
 * ```ts
 * const ref: TenantRef = { id: 'ten_123' };
 * ```
 */
export interface TenantRef {
  /** The tenant id every scoped query filters on. */
  readonly id: string;
}

type Scope = { kind: 'tenant'; tenant: TenantRef } | { kind: 'platform'; reason: string } | { kind: 'none' };

const storage = new AsyncLocalStorage<Scope>();

function normalize(tenant: string | TenantRef): TenantRef {
  const id = typeof tenant === 'string' ? tenant : tenant?.id;
  if (typeof id !== 'string' || id.length === 0) {
    throw new TenancyError(
      'invalid_input',
      'runWithTenant needs a tenant id (a non-empty string or an object with `id`)',
    );
  }
  return typeof tenant === 'string' ? Object.freeze({ id }) : tenant;
}

/**
 * Runs `fn` with `tenant` as the current tenant (for everything it awaits, including timers and
 * promises it starts). Scopes nest: the innermost wins, and the outer one is back after `fn`.
 *
 * @example
 * ```ts
 * await runWithTenant(tenant, async () => {
 *   await db.selectFrom('documents').selectAll().execute(); // scoped to `tenant`
 * });
 * ```
 */
export function runWithTenant<T>(tenant: string | TenantRef, fn: () => T): T {
  return storage.run({ kind: 'tenant', tenant: normalize(tenant) }, fn);
}

/**
 * Runs `fn` with NO tenant in scope (an outer scope is hidden), e.g. a job runner that must
 * never inherit the previous job's tenant. Scoped queries inside throw `no_tenant`.
 *
 * @example
 * ```ts
 * await runWithoutTenant(() => worker.poll());
 * ```
 */
export function runWithoutTenant<T>(fn: () => T): T {
  return storage.run({ kind: 'none' }, fn);
}

/**
 * The greppable escape hatch for platform-level code (migrations, cross-tenant reports, the
 * tenant deletion cascade): inside `fn`, the Kysely plugin and the scoped Mongo collections do not
 * scope nor refuse anything. `reason` is mandatory and is what a reviewer reads; keep uses rare.
 *
 * @example
 * ```ts
 * const total = await dangerouslyBypassTenantScope('billing: count documents of all tenants', () =>
 *   db.selectFrom('documents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
 * );
 * ```
 */
export function dangerouslyBypassTenantScope<T>(reason: string, fn: () => T): T {
  if (typeof reason !== 'string' || reason.trim().length === 0) {
    throw new TenancyError(
      'invalid_input',
      'dangerouslyBypassTenantScope needs a reason (say why this code is cross-tenant)',
    );
  }
  return storage.run({ kind: 'platform', reason }, fn);
}

/**
 * The tenant in scope, or `undefined` (also inside {@link dangerouslyBypassTenantScope}).
 *
 * @example
 * ```ts
 * const tenant = currentTenant();
 * if (tenant) log.info({ tenantId: tenant.id });
 * ```
 */
export function currentTenant<T extends TenantRef = TenantRef>(): T | undefined {
  const scope = storage.getStore();
  return scope?.kind === 'tenant' ? (scope.tenant as T) : undefined;
}

/**
 * The tenant in scope; throws `TenancyError('no_tenant')` when there is none.
 *
 * @example
 * ```ts
 * const { id } = requireTenant();
 * ```
 */
export function requireTenant<T extends TenantRef = TenantRef>(): T {
  const tenant = currentTenant<T>();
  if (!tenant) {
    throw new TenancyError(
      'no_tenant',
      'no tenant in scope: wrap the call in runWithTenant(tenant, fn) (or restore the job tenant with tenantJobHandler)',
    );
  }
  return tenant;
}

/**
 * How the scoping layers see the current context (used by the Kysely plugin and the scoped Mongo
 * collections): the tenant id, the platform bypass, or nothing.
 *
 * @example
 * ```ts
 * const scope = tenantScope();
 * if (scope.kind === 'tenant') console.log(scope.tenantId);
 * ```
 */
export function tenantScope(): TenantScopeState {
  const scope = storage.getStore();
  if (scope?.kind === 'tenant') return { kind: 'tenant', tenantId: scope.tenant.id };
  if (scope?.kind === 'platform') return { kind: 'platform', reason: scope.reason };
  return { kind: 'none' };
}

/**
 * The result of {@link tenantScope}.
 *
 * @example
 * ```ts
 * const state: TenantScopeState = tenantScope();
 * ```
 */
export type TenantScopeState =
  | {
      /** A tenant is in scope. */
      kind: 'tenant';
      /** Its id. */
      tenantId: string;
    }
  | {
      /** Inside {@link dangerouslyBypassTenantScope}. */
      kind: 'platform';
      /** The reason given. */
      reason: string;
    }
  | {
      /** No tenant in scope. */
      kind: 'none';
    };

/**
 * The JSON-safe tenant marker carried with a background job (see {@link captureTenant}).
 *
 * @example
 * ```ts
 * const carrier: TenantCarrier = captureTenant();
 * ```
 */
export interface TenantCarrier {
  /** Format version. */
  v: 1;
  /** The tenant the job belongs to, or `null` for a platform (tenant-less) job. */
  tenantId: string | null;
}

/**
 * Captures the current tenant as a JSON-safe value to store with a job (`null` tenant when none).
 *
 * @example
 * ```ts
 * await queue.add('thumbnail', { fileId, tenant: captureTenant() });
 * ```
 */
export function captureTenant(): TenantCarrier {
  return { v: 1, tenantId: currentTenant()?.id ?? null };
}

function parseCarrier(value: unknown): TenantCarrier {
  const c = value as Partial<TenantCarrier> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    c.v !== 1 ||
    !(c.tenantId === null || (typeof c.tenantId === 'string' && c.tenantId.length > 0))
  ) {
    throw new TenancyError(
      'invalid_input',
      'job has no valid tenant marker: enqueue it with captureTenant()/attachTenant()',
    );
  }
  return { v: 1, tenantId: c.tenantId };
}

/**
 * Runs `fn` under the tenant recorded in `carrier`, replacing whatever scope the worker is in; a
 * `null` tenant runs with no tenant at all. A job therefore never runs under a previous job's tenant.
 *
 * @example
 * ```ts
 * worker.process(async (job) => runWithCapturedTenant(job.data.tenant, () => handle(job.data)));
 * ```
 */
export function runWithCapturedTenant<T>(carrier: TenantCarrier, fn: () => T): T {
  const { tenantId } = parseCarrier(carrier);
  return tenantId === null ? runWithoutTenant(fn) : runWithTenant(tenantId, fn);
}

/**
 * Key under which {@link attachTenant} stores the carrier in a job payload.
 *
 * @example
 * ```ts
 * const carrier = job.data[TENANT_JOB_KEY]; // { v: 1, tenantId: 't1' }
 * ```
 */
export const TENANT_JOB_KEY = '__portalkitTenant';

/**
 * The part of a job payload that {@link attachTenant} adds.
 *
 * @example
 * ```ts
 * const marker: TenantJobMarker = { [TENANT_JOB_KEY]: captureTenant() };
 * ```
 */
export interface TenantJobMarker {
  /** The tenant of the job. */
  [TENANT_JOB_KEY]: TenantCarrier;
}

/**
 * Returns a copy of a job payload with the current tenant attached under {@link TENANT_JOB_KEY}.
 *
 * @example
 * ```ts
 * await queue.add('send-report', attachTenant({ reportId }));
 * ```
 */
export function attachTenant<P extends object>(payload: P): P & TenantJobMarker {
  return { ...payload, [TENANT_JOB_KEY]: captureTenant() };
}

/**
 * Wraps a job handler: it reads the carrier that {@link attachTenant} put in the payload and runs
 * the handler under that tenant (or under none). A payload without a valid marker is refused
 * with `invalid_input` (fail closed) rather than run in whatever scope the worker happens to be.
 *
 * @example
 * ```ts
 * const handler = tenantJobHandler(async (data: { reportId: string }) => buildReport(data.reportId));
 * worker.process((job) => handler(job.data));
 * ```
 */
export function tenantJobHandler<P extends object, R>(handler: (payload: P) => R): (payload: P) => R {
  return (payload: P) => {
    const carrier = parseCarrier((payload as Record<string, unknown>)[TENANT_JOB_KEY]);
    return runWithCapturedTenant(carrier, () => handler(payload));
  };
}
