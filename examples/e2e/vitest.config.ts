import { portalkitProject } from '../../test-utils/src/vitest-project.js';

// The servers run as child processes from their built dist/ (what `pnpm start` runs), so build first:
// `pnpm build` (the root `npm test` does it).
export default portalkitProject({ name: 'e2e', needs: ['s3'], testTimeout: 60_000 });
