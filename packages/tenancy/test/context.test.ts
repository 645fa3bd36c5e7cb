import {
  attachTenant,
  captureTenant,
  currentTenant,
  dangerouslyBypassTenantScope,
  isTenancyError,
  requireTenant,
  runWithCapturedTenant,
  runWithoutTenant,
  runWithTenant,
  TENANT_JOB_KEY,
  tenantJobHandler,
  tenantScope,
} from '@portalkit/tenancy';
import { describe, expect, it } from 'vitest';

describe('tenant context', () => {
  it('is visible across awaits and timers, nests, and is gone outside', async () => {
    expect(currentTenant()).toBeUndefined();
    await runWithTenant({ id: 't1', name: 'One' } as { id: string }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      expect(requireTenant().id).toBe('t1');
      await runWithTenant('t2', async () => {
        await Promise.resolve();
        expect(currentTenant()?.id).toBe('t2');
      });
      expect(currentTenant()?.id).toBe('t1');
      runWithoutTenant(() => expect(currentTenant()).toBeUndefined());
    });
    expect(currentTenant()).toBeUndefined();
  });

  it('requireTenant throws a typed no_tenant error without a scope', () => {
    try {
      requireTenant();
      expect.unreachable();
    } catch (error) {
      expect(isTenancyError(error) && error.code).toBe('no_tenant');
    }
    expect(() => runWithTenant('', () => 1)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('keeps concurrent scopes apart', async () => {
    const seen = await Promise.all(
      ['a', 'b', 'c'].map((id, i) =>
        runWithTenant(id, async () => {
          await new Promise((r) => setTimeout(r, 10 - i * 3));
          return requireTenant().id;
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('the bypass needs a reason and reports itself', () => {
    expect(() => dangerouslyBypassTenantScope('  ', () => 1)).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    runWithTenant('t1', () =>
      dangerouslyBypassTenantScope('nightly report', () => {
        expect(tenantScope()).toEqual({ kind: 'platform', reason: 'nightly report' });
        expect(currentTenant()).toBeUndefined();
      }),
    );
    expect(tenantScope()).toEqual({ kind: 'none' });
  });
});

describe('carrying the tenant into jobs', () => {
  it('serialises with the job and restores it on the worker', async () => {
    const job = runWithTenant('t1', () => JSON.parse(JSON.stringify(attachTenant({ reportId: 'r1' }))));
    expect(job[TENANT_JOB_KEY]).toEqual({ v: 1, tenantId: 't1' });
    const handler = tenantJobHandler(async (data: { reportId: string }) => `${requireTenant().id}:${data.reportId}`);
    expect(await handler(job)).toBe('t1:r1');
  });

  it('never runs a job under the previous job tenant', async () => {
    const platformJob = JSON.parse(JSON.stringify(attachTenant({ n: 1 })));
    expect(platformJob[TENANT_JOB_KEY]).toEqual({ v: 1, tenantId: null });
    const handler = tenantJobHandler(() => currentTenant()?.id ?? null);
    // A worker that (wrongly) runs inside the previous job's scope still sees only the job's own tenant.
    await runWithTenant('previous', async () => {
      expect(await handler(platformJob)).toBeNull();
      expect(runWithCapturedTenant({ v: 1, tenantId: 't9' }, () => requireTenant().id)).toBe('t9');
    });
  });

  it('refuses a job without a valid marker (fail closed)', () => {
    const handler = tenantJobHandler(() => 'ran');
    for (const bad of [
      {},
      { [TENANT_JOB_KEY]: { v: 2, tenantId: 't' } },
      { [TENANT_JOB_KEY]: { v: 1, tenantId: '' } },
    ]) {
      expect(() => handler(bad)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
    expect(runWithTenant('t3', () => captureTenant())).toEqual({ v: 1, tenantId: 't3' });
  });
});
