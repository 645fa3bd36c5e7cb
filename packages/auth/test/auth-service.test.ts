import { memoryAuthStore } from '@portalkit/auth';
import { runAuthServiceSuite } from './conformance/service-suite.js';

runAuthServiceSuite('memory store', () => memoryAuthStore());
