/**
 * Framework-neutral HTTP pieces of the reference API: problems and the mapping of every package
 * error, wire DTOs, request validation, bearer authentication and tenant access, the per-route
 * operations, streamed multipart uploads and the local API docs page.
 *
 * @packageDocumentation
 */
export { type Access, type AccessGrant, type AccessRequest, createAccess } from './access.js';
export {
  DOCS_ASSETS,
  DOCS_INIT_SCRIPT,
  DOCS_PAGE,
  docsAssetsDir,
  openApiJson,
} from './docs.js';
export { auditEventDto, fileDto, invitationDto, memberDto, sessionDto, tenantDto, userDto } from './dto.js';
export {
  clientAddress,
  JSON_BODY_LIMIT,
  jsonTooLarge,
  malformedJson,
  type RawRouteInput,
  type RouteInput,
  requestIdFrom,
  validateRouteInput,
} from './input.js';
export {
  type ApiRouteName,
  createOperations,
  type Operation,
  type OperationRequest,
  type OperationResult,
  type Operations,
  SYSTEM_ROUTES,
  type SystemRouteName,
} from './operations.js';
export {
  ApiProblem,
  type ApiProblemCode,
  type ApiProblemExtra,
  internalProblem,
  isApiProblem,
  notFound,
  notImplemented,
  problemDocument,
  problemFromError,
} from './problem.js';
export { gracefulShutdown, type ShutdownOptions } from './shutdown.js';
export { type MultipartRequest, receiveUpload, type UploadTarget } from './uploads.js';
