import { buildOpenApi, type RouteName, routeDocs, routeList } from '@portalkit/client/contract';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk the generated JSON document freely
type Json = any;

describe('buildOpenApi', () => {
  const doc = buildOpenApi({ servers: [{ url: 'http://127.0.0.1:3000' }] });

  it('is valid against the official OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is caught by the validator when broken (the check can fail)', async () => {
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Json>> };
    broken.paths['/api/v1/tenants/{tenantId}']!.get.parameters[0].in = 'body';
    const result = await new Validator().validate(broken as never);
    expect(result.valid).toBe(false);
  });

  it('has one operation per route with path params, bodies, roles and problem answers', () => {
    const ops = Object.values(doc.paths).flatMap((item) => Object.values(item)) as Array<Record<string, unknown>>;
    expect(ops).toHaveLength(routeList.length);
    const upload = doc.paths['/api/v1/tenants/{tenantId}/files']!.post as Record<string, Json>;
    expect(upload['x-portalkit-role']).toBe('editor');
    expect(upload.parameters).toEqual([expect.objectContaining({ name: 'tenantId', in: 'path', required: true })]);
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
    expect(upload.responses['413'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    const list = doc.paths['/api/v1/tenants/{tenantId}/files']!.get as Record<string, Json>;
    const limit = list.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { minimum: 1, maximum: 100, default: 20 } });
    const login = doc.paths['/api/v1/auth/login']!.post as Record<string, Json>;
    expect(login.security).toEqual([]);
    expect(login.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(login.responses['429'].headers['Retry-After']).toBeDefined();
    expect(login.responses['401'].content['application/problem+json'].examples.invalid_credentials).toBeDefined();
    const me = doc.paths['/api/v1/auth/me']!.get as Record<string, Json>;
    expect(me.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(me.responses['401'].content['application/problem+json'].examples).sort()).toEqual([
      'token_expired',
      'unauthorized',
    ]);
  });

  it('lists the answers the servers give besides the generic ones', () => {
    const op = (path: string, method: string) => doc.paths[path]![method] as Record<string, Json>;
    const download = op('/api/v1/tenants/{tenantId}/files/{fileId}/download', 'get');
    expect(Object.keys(download.responses)).toEqual(expect.arrayContaining(['200', '206', '302', '416']));
    expect(download.responses['416'].headers['Content-Range']).toBeDefined();
    const exported = op('/api/v1/tenants/{tenantId}/audit-events/export', 'get');
    expect(Object.keys(exported.responses['200'].content).sort()).toEqual(['application/x-ndjson', 'text/csv']);
    expect(op('/api/v1/auth/register', 'post').responses['429']).toBeDefined();
    for (const path of ['/api/v1/auth/verify-email', '/api/v1/auth/reset-password']) {
      expect(op(path, 'post').responses['401'], path).toBeDefined();
    }
  });

  it('is plain JSON (survives a round trip)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('routeDocs', () => {
  it('documents every route, and every JSON body has an example that the contract accepts', () => {
    for (const route of routeList) {
      const docs = routeDocs[route.name as RouteName];
      expect(docs.summary, route.name).not.toBe('');
      if (route.bodyType !== 'json') continue;
      expect(docs.example, route.name).toBeDefined();
      expect(route.body?.safeParse(docs.example).success, route.name).toBe(true);
    }
    const doc = buildOpenApi();
    const login = doc.paths['/api/v1/auth/login']!.post as Json;
    expect(login.requestBody.content['application/json'].example).toEqual(routeDocs.login.example);
  });
});
