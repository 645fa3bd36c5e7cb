import { memoryAuthStore } from '@portalkit/auth';
import { runAuthStoreSuite } from './conformance/store-suite.js';

runAuthStoreSuite('memory', () => memoryAuthStore());
