import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packages = 'storage|tenancy|auth|audit|client';

/** Options of {@link portalkitProject}. */
export interface PortalkitProjectOptions {
  /** Project name shown by vitest (the package's short name). */
  name: string;
  /** Servers the global setup starts for this project; PostgreSQL and Redis are always checked. */
  needs?: Array<'s3' | 'mongo'>;
  /** Per-test timeout in ms. @default 30000 */
  testTimeout?: number;
  /** Extra vitest `test` options. */
  test?: NonNullable<UserWorkspaceConfig['test']>;
}

/**
 * The vitest project every package uses. Tests import `@portalkit/<pkg>` and its subpaths exactly
 * as users do; the alias points those specifiers at the package's source entry
 * (`src/index.ts`, `src/<subpath>/index.ts`), so tests run without a build.
 */
export function portalkitProject(options: PortalkitProjectOptions): UserWorkspaceConfig {
  return defineProject({
    resolve: {
      alias: [
        { find: new RegExp(`^@portalkit/(${packages})$`), replacement: join(repoRoot, 'packages/$1/src/index.ts') },
        {
          find: new RegExp(`^@portalkit/(${packages})/(.+)$`),
          replacement: join(repoRoot, 'packages/$1/src/$2/index.ts'),
        },
      ],
    },
    test: {
      name: options.name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      globalSetup: [join(repoRoot, 'test-utils/src/global-setup.ts')],
      provide: { portalkitNeeds: options.needs ?? [] } as never,
      typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
      ...options.test,
    },
  });
}
