import { z } from 'zod';
import {
  fieldErrorSchema,
  type ProblemCode,
  problemCodeSchema,
  problemSchema,
  problemStatus,
  problemTitle,
  problemType,
} from './problem.js';
import { routeDocs } from './route-docs.js';
import { type RouteDefinition, type RouteName, routeList } from './routes.js';

/** Options of {@link buildOpenApi}. */
export interface BuildOpenApiOptions {
  /** `info.title`. @default 'portalkit reference API' */
  title?: string;
  /** `info.version`. @default '1.0.0' */
  version?: string;
  /** `servers` entries, e.g. `[{ url: 'https://api.example.com' }]`. @default [] (omitted) */
  servers?: OpenApiServer[];
}

/**
 * One `servers` entry of the OpenAPI document.
 *
 * @example
 * ```ts
 * import type { OpenApiServer } from '@portalkit/client/contract';
 *
 * const local: OpenApiServer = { url: 'http://127.0.0.1:3000', description: 'local' };
 * ```
 */
export interface OpenApiServer {
  /** Base URL. */
  url: string;
  /** What this server is. */
  description?: string;
}

/**
 * An OpenAPI 3.1 document as a plain JSON object.
 *
 * @example
 * ```ts
 * import { buildOpenApi, type OpenApiDocument } from '@portalkit/client/contract';
 *
 * const doc: OpenApiDocument = buildOpenApi();
 * ```
 */
export interface OpenApiDocument {
  /** Always `'3.1.0'`. */
  openapi: '3.1.0';
  /** Title, version and description. */
  info: {
    /** Title. */
    title: string;
    /** Version of the document. */
    version: string;
    /** What the API is. */
    description: string;
  };
  /** Servers, when given. */
  servers?: OpenApiServer[];
  /** One tag per route group. */
  tags: Array<{
    /** Tag name (a route group). */
    name: string;
    /** What the group covers. */
    description: string;
  }>;
  /** Path items keyed by OpenAPI path (`/api/v1/tenants/{tenantId}`). */
  paths: Record<string, Record<string, unknown>>;
  /** Shared schemas (`Problem`) and the bearer security scheme. */
  components: Record<string, unknown>;
}

type JsonSchema = Record<string, unknown>;

// The problem schemas' descriptions are registered here rather than with `.meta()` where they are
// defined: only this document needs them, and so they stay out of the client's browser bundle.
const problemShape = problemSchema.shape;
for (const [schema, meta] of [
  [problemCodeSchema, { description: 'Stable machine code.' }],
  [
    fieldErrorSchema.shape.path,
    { description: 'Dotted path of the field ("" for the whole input).', examples: ['email'] },
  ],
  [fieldErrorSchema.shape.message, { description: 'What is wrong with it.', examples: ['Invalid email address'] }],
  [problemShape.type, { description: 'URI identifying the problem type.' }],
  [problemShape.title, { description: 'Short summary of the problem type.' }],
  [problemShape.status, { description: 'HTTP status code.' }],
  [problemShape.detail, { description: 'What happened in this occurrence, for humans.' }],
  [problemShape.errors, { description: 'Field problems (validation_failed only).' }],
  [problemShape.instance, { description: 'URI of this occurrence.' }],
  [problemShape.requestId, { description: 'The x-request-id of the failing request.' }],
  [problemSchema, { description: 'RFC 9457 problem details.' }],
] as const) {
  z.globalRegistry.add(schema, meta);
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const tagDescriptions: Record<RouteDefinition['tag'], string> = {
  system: 'Health, readiness and documentation.',
  auth: 'Accounts, sessions and tokens.',
  tenants: 'Tenants the caller belongs to.',
  members: 'Members of a tenant and their roles.',
  invitations: 'Invitations to join a tenant.',
  files: 'File storage per tenant: multipart and direct uploads, downloads.',
  audit: 'The hash-chained audit trail of a tenant.',
};

function errorCodesOf(route: RouteDefinition): ProblemCode[] {
  const codes = new Set<ProblemCode>();
  if (route.params || route.query || route.body) codes.add('validation_failed');
  if (route.auth !== 'none') {
    codes.add('unauthorized');
    codes.add('token_expired');
  }
  if (route.auth === 'verified') codes.add('email_not_verified');
  if (route.role) {
    codes.add('not_found');
    codes.add('forbidden');
    codes.add('tenant_suspended');
  }
  for (const code of routeDocs[route.name as RouteName].errors) codes.add(code);
  codes.add('internal');
  return [...codes];
}

function parametersOf(route: RouteDefinition): JsonSchema[] {
  const out: JsonSchema[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodObject) => {
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = property as { description?: string };
      const parameter: JsonSchema = {
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        schema: rest,
      };
      if (description !== undefined) parameter.description = description;
      out.push(parameter);
    }
  };
  if (route.params) add('path', route.params);
  if (route.query) add('query', route.query);
  return out;
}

function requestBodyOf(route: RouteDefinition): JsonSchema | undefined {
  if (route.bodyType === 'json' && route.body) {
    const media: JsonSchema = { schema: jsonSchema(route.body, 'input') };
    const example = routeDocs[route.name as RouteName].example;
    if (example !== undefined) media.example = example;
    return { required: true, content: { 'application/json': media } };
  }
  if (route.bodyType === 'multipart') {
    const fields = route.body
      ? (jsonSchema(route.body, 'input') as { properties?: Record<string, unknown> }).properties
      : undefined;
    return {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: {
              file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The file bytes.' },
              ...fields,
            },
            required: ['file'],
            additionalProperties: false,
          },
        },
      },
    };
  }
  return undefined;
}

function successOf(route: RouteDefinition): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  const ok: JsonSchema = { description: routeDocs[route.name as RouteName].summary };
  if (route.responseType === 'json' && route.response) {
    ok.content = { 'application/json': { schema: jsonSchema(route.response, 'output') } };
  } else if (route.responseType === 'binary') {
    ok.content = {
      'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
    };
    ok.headers = {
      'Content-Disposition': { description: 'attachment with the file name', schema: { type: 'string' } },
    };
  } else if (route.responseType === 'html') {
    ok.content = { 'text/html': { schema: { type: 'string' } } };
  }
  responses[String(route.status)] = ok;
  if (route.name === 'exportAuditEvents') {
    ok.content = {
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
    };
  }
  if (route.name === 'downloadFile') {
    responses['206'] = { description: 'The requested byte range (Range header).' };
    responses['416'] = {
      description: 'No byte of the requested range is inside the file.',
      headers: { 'Content-Range': { description: '`bytes */<size>`', schema: { type: 'string' } } },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    responses['302'] = {
      description: 'Redirect to a short-lived signed URL of the storage provider.',
      headers: { Location: { description: 'The signed URL.', schema: { type: 'string', format: 'uri' } } },
    };
  }
  if (route.name === 'ready') {
    responses['503'] = {
      description: 'A dependency does not answer.',
      content: { 'application/json': { schema: jsonSchema(route.response as z.ZodType, 'output') } },
    };
  }
  return responses;
}

function errorsOf(route: RouteDefinition): Record<string, JsonSchema> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of errorCodesOf(route)) {
    const status = problemStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const examples: Record<string, unknown> = {};
    for (const code of codes) {
      examples[code] = {
        summary: problemTitle[code],
        value: { type: problemType(code), title: problemTitle[code], status, detail: problemTitle[code], code },
      };
    }
    const response: JsonSchema = {
      description: codes.map((c) => problemTitle[c]).join(' / '),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, examples } },
    };
    if (status === 429) {
      response.headers = {
        'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
      };
    }
    responses[String(status)] = response;
  }
  return responses;
}

/**
 * Builds the OpenAPI 3.1 document of the reference API from the route table: every route with
 * its parameters, body, success and problem answers (with examples), the required role as
 * `x-portalkit-role`, and bearer security. It is what `GET /openapi.json` serves.
 *
 * @param options - Title, version and servers.
 * @returns A JSON-serialisable OpenAPI 3.1 document.
 *
 * @example
 * ```ts
 * import { buildOpenApi } from '@portalkit/client/contract';
 *
 * const openapi = buildOpenApi({ servers: [{ url: 'http://127.0.0.1:3000' }] });
 * app.get('/openapi.json', (_req, res) => res.json(openapi));
 * ```
 */
export function buildOpenApi(options: BuildOpenApiOptions = {}): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeList) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const docs = routeDocs[route.name as RouteName];
    const operation: JsonSchema = {
      operationId: route.name,
      tags: [route.tag],
      summary: docs.summary,
      description: route.role
        ? `${docs.description} Requires the role ${route.role}${route.allowSelf ? ' (or being the member themself)' : ''} in the tenant.`
        : docs.description,
      security: route.auth === 'none' ? [] : [{ bearerAuth: [] }],
      responses: { ...successOf(route), ...errorsOf(route) },
    };
    if (route.role) operation['x-portalkit-role'] = route.role;
    const parameters = parametersOf(route);
    if (parameters.length > 0) operation.parameters = parameters;
    const requestBody = requestBodyOf(route);
    if (requestBody) operation.requestBody = requestBody;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'portalkit reference API',
      version: options.version ?? '1.0.0',
      description:
        'Multi-tenant SaaS backend: accounts and tokens, tenants and members, file storage and an audit trail. Errors are RFC 9457 application/problem+json; every answer carries x-request-id.',
    },
    tags: Object.entries(tagDescriptions).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: {
        // the example lives here rather than in problemSchema's meta: it stays out of the client bundle
        Problem: {
          ...jsonSchema(problemSchema, 'output'),
          examples: [
            {
              type: 'https://portalkit.dev/problems/validation_failed',
              title: 'Validation failed',
              status: 400,
              detail: 'The request body is invalid.',
              code: 'validation_failed',
              errors: [{ path: 'email', message: 'Invalid email address' }],
            },
          ],
        },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Access token from /auth/login.',
        },
      },
    },
  };
  if (options.servers && options.servers.length > 0) doc.servers = options.servers;
  return doc;
}
