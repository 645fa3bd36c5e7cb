import { memoryTenantStore } from '@portalkit/tenancy';
import { runTenantStoreSuite } from './conformance/store-suite.js';

runTenantStoreSuite('memory', () => memoryTenantStore());
