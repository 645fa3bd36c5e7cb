import { type AuditEvent, type AuditLog, createAuditLog, memoryAuditStore } from '@portalkit/audit';
import { type AnyTransaction, kyselyAuditStore } from '@portalkit/audit/kysely';
import { mongoAuditStore } from '@portalkit/audit/mongodb';
import type { Kysely } from 'kysely';
import type { ClientSession, Db } from 'mongodb';
import { describe, expectTypeOf, it } from 'vitest';

describe('types', () => {
  it('recordWithin takes the transaction type of the store', () => {
    const memory = createAuditLog({ store: memoryAuditStore() });
    expectTypeOf(memory).toEqualTypeOf<AuditLog<never>>();
    expectTypeOf(memory.recordWithin).parameter(0).toEqualTypeOf<never>();
    const pg = createAuditLog({ store: kyselyAuditStore({} as Kysely<Record<string, never>>) });
    expectTypeOf(pg.recordWithin).parameter(0).toEqualTypeOf<AnyTransaction>();
    const mongo = createAuditLog({ store: mongoAuditStore({} as Db) });
    expectTypeOf(mongo.recordWithin).parameter(0).toEqualTypeOf<ClientSession>();
    expectTypeOf(mongo.recordWithin).returns.resolves.toEqualTypeOf<AuditEvent[]>();
  });

  it('record returns the event id and rejects unknown actor types', () => {
    const audit = createAuditLog({ store: memoryAuditStore() });
    expectTypeOf(audit.record).returns.resolves.toBeString();
    // @ts-expect-error actor type must be user | api_key | system
    void audit.record({ action: 'a.b', resource: { type: 'x' }, actor: { type: 'robot', id: null } });
  });
});
