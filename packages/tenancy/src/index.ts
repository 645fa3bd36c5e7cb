export type {
  AccessCache,
  AccessCacheOptions,
  AccessInvalidation,
  AccessInvalidationBus,
} from './access-cache.js';
export {
  attachTenant,
  captureTenant,
  currentTenant,
  dangerouslyBypassTenantScope,
  requireTenant,
  runWithCapturedTenant,
  runWithoutTenant,
  runWithTenant,
  TENANT_JOB_KEY,
  type TenantCarrier,
  type TenantJobMarker,
  type TenantRef,
  type TenantScopeState,
  tenantJobHandler,
  tenantScope,
} from './context.js';
export { isOriginAllowed, tenantCorsHeaders } from './cors.js';
export {
  isTenancyError,
  TenancyError,
  type TenancyErrorCode,
  type TenancyErrorOptions,
  type TenancyFieldError,
} from './errors.js';
export { memoryTenantStore } from './memory-store.js';
export {
  ADMIN_ROLE,
  type Invitation,
  type Member,
  type Page,
  type PageOptions,
  type Tenant,
  type TenantMembership,
  type TenantRole,
  type TenantStatus,
} from './model.js';
export {
  createTenantResolver,
  firstMatch,
  fromCustomDomain,
  fromHeader,
  fromPathParam,
  fromSubdomain,
  fromTokenClaim,
  type TenantHint,
  type TenantResolutionOptions,
  type TenantResolver,
} from './resolution.js';
export {
  type CreateTenantInput,
  createTenancy,
  type InvitationAcceptor,
  type InvitationDelivery,
  type TenancyOptions,
  type TenancyService,
  type TenantDeletedHook,
  type UpdateTenantInput,
} from './service.js';
export {
  isValidSlug,
  parseTenantSettings,
  type TenantBranding,
  type TenantLimits,
  type TenantSettings,
  tenantSettingsSchema,
} from './settings.js';
export type { StoreAccess, StoredInvitation, StorePage, TenantPatch, TenantStore } from './store.js';
