export type {
  AuditApi,
  AuthApi,
  ClientEvents,
  DirectUploadOptions,
  Download,
  DownloadOptions,
  FilesApi,
  InvitationsApi,
  JsonRouteName,
  MembersApi,
  PortalkitClient,
  RouteInput,
  RouteOutput,
  SchemaInput,
  SignedOutEvent,
  TenantsApi,
  UploadOptions,
  UploadProgress,
  UploadSource,
} from './client-types.js';
export { type ClientOptions, createClient } from './create-client.js';
export { ApiError, type ApiErrorCode, type ApiErrorOptions, isApiError } from './errors.js';
export type { FetchLike, RequestOptions, RetryOptions } from './internal/transport.js';
export { type PaginateOptions, paginate } from './paginate.js';
export {
  memoryTokenStorage,
  type StoredTokens,
  type TokenStorage,
  type WebStorageLike,
  webTokenStorage,
} from './token-storage.js';
