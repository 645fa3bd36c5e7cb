// Brings the harness's `ProvidedContext` augmentation (the services the global setup injects)
// into this package's typecheck.
import type {} from '@portalkit/test-utils/global-setup';
