import { memoryFileStore } from '@portalkit/storage';
import { runFileStoreSuite } from './conformance/file-store-suite.js';

runFileStoreSuite('memory', () => memoryFileStore(), { enforcesUnique: () => true });
