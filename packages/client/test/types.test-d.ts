import { type ApiErrorCode, createClient, type Download, type PortalkitClient } from '@portalkit/client';
import type {
  AuditEvent,
  FileRecord,
  Invitation,
  Member,
  Page,
  ProblemCode,
  Role,
  Tenant,
  TokenResponse,
  User,
} from '@portalkit/client/contract';
import { routes } from '@portalkit/client/contract';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';

const client = createClient({ baseUrl: 'http://127.0.0.1:3000' });

describe('options', () => {
  it('takes the Web Locks API as locks, or null', () => {
    expectTypeOf(createClient).toBeCallableWith({ baseUrl: 'http://x', locks: navigator.locks });
    expectTypeOf(createClient).toBeCallableWith({ baseUrl: 'http://x', locks: null });
  });
});

describe('outputs have the contract types', () => {
  it('auth', () => {
    expectTypeOf(client.auth.login).returns.resolves.toEqualTypeOf<TokenResponse>();
    expectTypeOf(client.auth.me).returns.resolves.toEqualTypeOf<{
      user: User;
      memberships: Array<{ tenantId: string; tenantName: string; role: Role }>;
    }>();
    expectTypeOf(client.auth.logout).returns.resolves.toBeVoid();
  });

  it('tenants, members, invitations', () => {
    expectTypeOf(client.tenants.get).returns.resolves.toEqualTypeOf<{ tenant: Tenant }>();
    expectTypeOf(client.tenants.list).returns.resolves.toEqualTypeOf<{ items: Tenant[] }>();
    expectTypeOf(client.members.list).returns.resolves.toEqualTypeOf<{ items: Member[]; nextCursor: string | null }>();
    expectTypeOf(client.members.list).returns.resolves.toMatchTypeOf<Page<Member>>();
    expectTypeOf(client.invitations.create).returns.resolves.toEqualTypeOf<{ invitation: Invitation }>();
    expectTypeOf(client.tenants.delete).returns.resolves.toBeVoid();
  });

  it('files and audit', () => {
    expectTypeOf(client.files.get).returns.resolves.toEqualTypeOf<{ file: FileRecord }>();
    expectTypeOf(client.files.upload).returns.resolves.toEqualTypeOf<{ file: FileRecord }>();
    expectTypeOf(client.files.download).returns.resolves.toEqualTypeOf<Download>();
    expectTypeOf(client.files.iterate).returns.toEqualTypeOf<AsyncGenerator<FileRecord>>();
    expectTypeOf(client.audit.iterate).returns.toEqualTypeOf<AsyncGenerator<AuditEvent>>();
    expectTypeOf<FileRecord['status']>().toEqualTypeOf<'pending' | 'ready'>();
    expectTypeOf<FileRecord['checksum']>().toEqualTypeOf<string | null>();
  });

  it('generic request() follows the route table', () => {
    expectTypeOf(client.request('health', {})).resolves.toEqualTypeOf<{ status: 'ok' }>();
    expectTypeOf(client.request('getTenant', { params: { tenantId: 't' } })).resolves.toEqualTypeOf<{
      tenant: Tenant;
    }>();
  });

  it('error codes include every problem code', () => {
    expectTypeOf<ProblemCode>().toMatchTypeOf<ApiErrorCode>();
    expectTypeOf<'timeout' | 'aborted' | 'network_error' | 'invalid_response'>().toMatchTypeOf<ApiErrorCode>();
  });

  it('route table schemas keep their precise types for servers', () => {
    expectTypeOf<z.output<typeof routes.login.body>>().toEqualTypeOf<{
      email: string;
      password: string;
      tenantId?: string | undefined;
    }>();
    expectTypeOf<z.output<typeof routes.listFiles.query>['limit']>().toEqualTypeOf<number>();
    expectTypeOf<z.input<typeof routes.listFiles.query>['limit']>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf(routes.getTenant.params.shape).toHaveProperty('tenantId');
  });
});

describe('wrong inputs do not compile', () => {
  it('rejects missing, misspelt and mistyped fields', () => {
    const c: PortalkitClient = client;
    // @ts-expect-error password is required
    void c.auth.login({ email: 'a@example.com' });
    // @ts-expect-error unknown field
    void c.auth.login({ email: 'a@example.com', password: 'x', remember: true });
    // @ts-expect-error role must be viewer | editor | admin
    void c.members.update('t1', 'u1', { role: 'owner' });
    // @ts-expect-error limit is a number (or its query-string form)
    void c.files.list('t1', { limit: true });
    // @ts-expect-error unknown filter
    void c.files.list('t1', { sort: 'name' });
    // @ts-expect-error audit actions are a closed list
    void c.audit.list('t1', { action: 'file.renamed' });
    // @ts-expect-error tenantId is required
    void c.tenants.get();
    // @ts-expect-error size is a number
    void c.files.createUpload('t1', { name: 'a', size: '10', contentType: 'text/plain' });
    // @ts-expect-error upload sources are bytes, blobs or streams
    void c.files.upload('t1', 'not a file');
    // @ts-expect-error the event name is checked
    c.on('signedout', () => undefined);
    // @ts-expect-error getTenant needs its path params
    void c.request('getTenant', {});
    // @ts-expect-error multipart routes are not callable through request()
    void c.request('uploadFile', { params: { tenantId: 't' }, body: {} });
  });

  it('types event payloads', () => {
    client.on('signedOut', (event) => {
      expectTypeOf(event.reason).toEqualTypeOf<'logout' | 'token_reused' | 'unauthorized'>();
    });
  });
});
