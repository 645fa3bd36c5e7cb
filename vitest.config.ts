import { defineConfig } from 'vitest/config';

// `pnpm test` at the root runs every project; `pnpm --filter @portalkit/auth test` runs one.
export default defineConfig({
  test: {
    projects: ['test-utils/vitest.config.ts', 'packages/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
  },
});
