// Loads the harness's `ProvidedContext` augmentation so `inject('portalkitServices')` typechecks.
import type {} from '@portalkit/test-utils/global-setup';
