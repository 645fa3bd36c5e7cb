import { portalkitProject } from '../../test-utils/src/vitest-project.js';

// The servers run as child processes from their built dist/ (what `pnpm start` runs), so build first:
// `pnpm build` (the root `npm test` does it).
export default portalkitProject({
  name: 'e2e',
  needs: ['s3', 'mongo'],
  testTimeout: 120_000,
  // A server start (PGlite, migrations) can take several seconds on a loaded CI machine.
  test: { hookTimeout: 180_000 },
});
