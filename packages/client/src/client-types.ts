import type { z } from 'zod';
import type { AuditEvent, exportAuditEventsQuerySchema, listAuditEventsQuerySchema } from './contract/audit.js';
import type {
  changePasswordBodySchema,
  emailBodySchema,
  loginBodySchema,
  registerBodySchema,
  resetPasswordBodySchema,
  TokenResponse,
  tokenBodySchema,
  User,
} from './contract/auth.js';
import type {
  CreateUploadResponse,
  createUploadBodySchema,
  FileRecord,
  listFilesQuerySchema,
} from './contract/files.js';
import type { Page, pageQuerySchema } from './contract/primitives.js';
import type { RouteName, RouteTable } from './contract/routes.js';
import type {
  createInvitationBodySchema,
  createTenantBodySchema,
  Member,
  updateMemberBodySchema,
  updateTenantBodySchema,
} from './contract/tenancy.js';
import type { ApiError } from './errors.js';
import type { UploadSource } from './internal/bodies.js';
import type { RequestOptions } from './internal/transport.js';
import type { TokenStorage } from './token-storage.js';

export type { UploadSource };

/** Progress of a direct upload, reported while the bytes are sent. */
export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Total bytes. */
  total: number;
}

/** Options of {@link FilesApi.upload} (multipart upload). */
export interface UploadOptions extends RequestOptions {
  /** File name sent to the server. @default the File's name, else 'file' */
  name?: string;
  /** Declared content type (the server judges the bytes anyway). @default the Blob's type, else 'application/octet-stream' */
  contentType?: string;
  /** Category of the file. */
  category?: string;
  /** Tags of the file. */
  tags?: string[];
}

/** Options of {@link FilesApi.uploadDirect} (direct upload to the storage provider). */
export interface DirectUploadOptions extends RequestOptions {
  /** File name. @default the File's name, else 'file' */
  name?: string;
  /** Content type announced to the server. @default the Blob's type, else 'application/octet-stream' */
  contentType?: string;
  /** Called as the bytes go out (and once more at the end with `loaded === total`). */
  onProgress?: (progress: UploadProgress) => void;
}

/** Options of {@link FilesApi.download}. */
export interface DownloadOptions extends RequestOptions {
  /** Only these bytes (inclusive `end`); the server answers 206. */
  range?: {
    /** First byte. */
    start: number;
    /** Last byte (inclusive). @default the end of the file */
    end?: number;
  };
}

/**
 * A streamed download (file bytes or an audit export). Read it once: as a stream, a Blob or text.
 */
export interface Download {
  /** The underlying answer. */
  readonly response: Response;
  /** HTTP status (200, or 206 for a range). */
  readonly status: number;
  /**
   * File name from `Content-Disposition`, when given: its last path segment without control
   * characters (`../../.bashrc` gives `.bashrc`), so it is safe to join to a directory.
   */
  readonly fileName: string | null;
  /** `Content-Type` of the bytes, when given. */
  readonly contentType: string | null;
  /** `Content-Length`, when given. */
  readonly size: number | null;
  /** The bytes as a stream (not buffered). */
  stream(): ReadableStream<Uint8Array>;
  /** The bytes as a Blob (buffered). */
  blob(): Promise<Blob>;
  /** The bytes as UTF-8 text (buffered). */
  text(): Promise<string>;
}

/** Why the client signed out. */
export interface SignedOutEvent {
  /** `logout` (asked for), `token_reused` (the refresh token was already used: session revoked) or `unauthorized` (the refresh token is dead). */
  reason: 'logout' | 'token_reused' | 'unauthorized';
  /** The refresh failure, for `token_reused` and `unauthorized`. */
  error?: ApiError;
}

/** The events of a client and their payloads (see {@link PortalkitClient.on}). */
export interface ClientEvents {
  /** After a successful login. */
  signedIn: {
    /** The signed-in user. */
    user: User;
  };
  /** After the tokens were refreshed (automatically or by `auth.refresh`). */
  refreshed: {
    /** The user. */
    user: User;
  };
  /** After the tokens were cleared. */
  signedOut: SignedOutEvent;
}

/** `client.auth`: accounts, sessions and tokens. */
export interface AuthApi {
  /** Creates an account (202 whether or not the e-mail is taken). */
  register(body: z.input<typeof registerBodySchema>, options?: RequestOptions): Promise<RouteOutput<'register'>>;
  /** Verifies an e-mail address with the token from the e-mail link. */
  verifyEmail(body: z.input<typeof tokenBodySchema>, options?: RequestOptions): Promise<RouteOutput<'verifyEmail'>>;
  /** Sends the verification e-mail again. */
  resendVerification(
    body: z.input<typeof emailBodySchema>,
    options?: RequestOptions,
  ): Promise<RouteOutput<'resendVerification'>>;
  /** Signs in and stores the tokens; emits `signedIn`. */
  login(body: z.input<typeof loginBodySchema>, options?: RequestOptions): Promise<TokenResponse>;
  /** Rotates the tokens now (optionally switching the active tenant); emits `refreshed`. */
  refresh(body?: { tenantId?: string }, options?: RequestOptions): Promise<TokenResponse>;
  /** Signs this session out on the server and clears the tokens; emits `signedOut`. */
  logout(options?: RequestOptions): Promise<void>;
  /** Signs every session of the user out and clears the tokens; emits `signedOut`. */
  logoutAll(options?: RequestOptions): Promise<void>;
  /** Asks for a password reset e-mail (202 always). */
  forgotPassword(
    body: z.input<typeof emailBodySchema>,
    options?: RequestOptions,
  ): Promise<RouteOutput<'forgotPassword'>>;
  /** Sets a new password with the token from the reset e-mail. */
  resetPassword(body: z.input<typeof resetPasswordBodySchema>, options?: RequestOptions): Promise<void>;
  /** Changes the password of the signed-in user (other sessions are revoked). */
  changePassword(body: z.input<typeof changePasswordBodySchema>, options?: RequestOptions): Promise<void>;
  /** The signed-in user and their memberships. */
  me(options?: RequestOptions): Promise<RouteOutput<'me'>>;
  /** The live sessions of the signed-in user. */
  sessions(options?: RequestOptions): Promise<RouteOutput<'listSessions'>>;
  /** Revokes one session. */
  revokeSession(sessionId: string, options?: RequestOptions): Promise<void>;
}

/** `client.tenants`. */
export interface TenantsApi {
  /** Creates a tenant; the caller becomes its admin. */
  create(body: z.input<typeof createTenantBodySchema>, options?: RequestOptions): Promise<RouteOutput<'createTenant'>>;
  /** The tenants the caller belongs to. */
  list(options?: RequestOptions): Promise<RouteOutput<'listTenants'>>;
  /** One tenant. */
  get(tenantId: string, options?: RequestOptions): Promise<RouteOutput<'getTenant'>>;
  /** Renames a tenant or changes its settings (admin). */
  update(
    tenantId: string,
    body: z.input<typeof updateTenantBodySchema>,
    options?: RequestOptions,
  ): Promise<RouteOutput<'updateTenant'>>;
  /** Deletes a tenant and its data (admin). */
  delete(tenantId: string, options?: RequestOptions): Promise<void>;
}

/** `client.members`. */
export interface MembersApi {
  /** One page of members. */
  list(tenantId: string, query?: z.input<typeof pageQuerySchema>, options?: RequestOptions): Promise<Page<Member>>;
  /** Every member, page after page. */
  iterate(tenantId: string, query?: z.input<typeof pageQuerySchema>, options?: RequestOptions): AsyncGenerator<Member>;
  /** Changes a member's role (admin). */
  update(
    tenantId: string,
    userId: string,
    body: z.input<typeof updateMemberBodySchema>,
    options?: RequestOptions,
  ): Promise<RouteOutput<'updateMember'>>;
  /** Removes a member (admin, or the member themself). */
  remove(tenantId: string, userId: string, options?: RequestOptions): Promise<void>;
}

/** `client.invitations`. */
export interface InvitationsApi {
  /** Invites someone by e-mail (admin). */
  create(
    tenantId: string,
    body: z.input<typeof createInvitationBodySchema>,
    options?: RequestOptions,
  ): Promise<RouteOutput<'createInvitation'>>;
  /** Pending invitations (admin). */
  list(tenantId: string, options?: RequestOptions): Promise<RouteOutput<'listInvitations'>>;
  /** Revokes an invitation (admin). */
  revoke(tenantId: string, invitationId: string, options?: RequestOptions): Promise<void>;
  /** Accepts an invitation with the token from its e-mail. */
  accept(body: z.input<typeof tokenBodySchema>, options?: RequestOptions): Promise<RouteOutput<'acceptInvitation'>>;
}

/** `client.files`. */
export interface FilesApi {
  /** Multipart upload of a Blob/File, bytes (Buffer), or a stream (streamed, never buffered whole). */
  upload(tenantId: string, file: UploadSource, options?: UploadOptions): Promise<RouteOutput<'uploadFile'>>;
  /** Direct upload in one call: announce, PUT the bytes to the provider with progress, complete. */
  uploadDirect(
    tenantId: string,
    file: Blob | ArrayBuffer | Uint8Array,
    options?: DirectUploadOptions,
  ): Promise<RouteOutput<'completeUpload'>>;
  /** Step 1 of a direct upload: where to PUT the bytes. */
  createUpload(
    tenantId: string,
    body: z.input<typeof createUploadBodySchema>,
    options?: RequestOptions,
  ): Promise<CreateUploadResponse>;
  /** Step 3 of a direct upload: the server checks the object and answers the file. */
  completeUpload(tenantId: string, fileId: string, options?: RequestOptions): Promise<RouteOutput<'completeUpload'>>;
  /** One page of files. */
  list(
    tenantId: string,
    query?: z.input<typeof listFilesQuerySchema>,
    options?: RequestOptions,
  ): Promise<Page<FileRecord>>;
  /** Every file, page after page. */
  iterate(
    tenantId: string,
    query?: z.input<typeof listFilesQuerySchema>,
    options?: RequestOptions,
  ): AsyncGenerator<FileRecord>;
  /** A file's metadata. */
  get(tenantId: string, fileId: string, options?: RequestOptions): Promise<RouteOutput<'getFile'>>;
  /** A file's bytes (follows the redirect to the provider). */
  download(tenantId: string, fileId: string, options?: DownloadOptions): Promise<Download>;
  /** Deletes a file (soft delete). */
  delete(tenantId: string, fileId: string, options?: RequestOptions): Promise<void>;
}

/** `client.audit`. */
export interface AuditApi {
  /** One page of audit events, newest first (admin). */
  list(
    tenantId: string,
    query?: z.input<typeof listAuditEventsQuerySchema>,
    options?: RequestOptions,
  ): Promise<Page<AuditEvent>>;
  /** Every matching audit event, page after page. */
  iterate(
    tenantId: string,
    query?: z.input<typeof listAuditEventsQuerySchema>,
    options?: RequestOptions,
  ): AsyncGenerator<AuditEvent>;
  /** Streams an export as NDJSON (default) or CSV. */
  export(
    tenantId: string,
    query?: z.input<typeof exportAuditEventsQuerySchema>,
    options?: RequestOptions,
  ): Promise<Download>;
  /** Verifies the hash chain. */
  verify(tenantId: string, options?: RequestOptions): Promise<RouteOutput<'verifyAuditChain'>>;
}

/** Routes callable through {@link PortalkitClient.request} (JSON in, JSON or nothing out). */
export type JsonRouteName = Exclude<RouteName, 'uploadFile' | 'downloadFile' | 'exportAuditEvents' | 'docs'>;

/** The input type of a zod schema, or `never` for `null`. */
export type SchemaInput<S> = S extends z.ZodType ? z.input<S> : never;

/** The input of {@link PortalkitClient.request} for a route: its `params`, `query` and `body`. */
export type RouteInput<N extends JsonRouteName> = (RouteTable[N]['params'] extends z.ZodType
  ? {
      /** Path parameters. */
      params: SchemaInput<RouteTable[N]['params']>;
    }
  : unknown) &
  (RouteTable[N]['query'] extends z.ZodType
    ? {
        /** Query parameters. */
        query?: SchemaInput<RouteTable[N]['query']>;
      }
    : unknown) &
  (RouteTable[N]['body'] extends z.ZodType
    ? {
        /** JSON body. */
        body: SchemaInput<RouteTable[N]['body']>;
      }
    : unknown);

/** The answer of a route: the output type of its response schema, or `void`. */
export type RouteOutput<N extends RouteName> = RouteTable[N]['response'] extends z.ZodType
  ? z.output<RouteTable[N]['response']>
  : undefined;

/** A typed client of the reference API (see {@link createClient}). */
export interface PortalkitClient {
  /** Accounts, sessions and tokens. */
  readonly auth: AuthApi;
  /** Tenants. */
  readonly tenants: TenantsApi;
  /** Members of a tenant. */
  readonly members: MembersApi;
  /** Invitations. */
  readonly invitations: InvitationsApi;
  /** Files. */
  readonly files: FilesApi;
  /** Audit trail. */
  readonly audit: AuditApi;
  /** The token storage in use. */
  readonly tokens: TokenStorage;
  /** Calls any JSON route of the contract by name (e.g. `health`, `jwks`). */
  request<N extends JsonRouteName>(name: N, input: RouteInput<N>, options?: RequestOptions): Promise<RouteOutput<N>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): () => void;
}
