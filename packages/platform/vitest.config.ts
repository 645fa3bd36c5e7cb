import { join } from 'node:path';
import { portalkitProject } from '../../test-utils/src/vitest-project.js';

const project = portalkitProject({ name: 'platform', needs: ['s3', 'mongo'], testTimeout: 60_000 });
// The shared project maps the five base packages to their sources; this package maps itself too.
const alias = project.resolve?.alias as Array<{ find: RegExp; replacement: string }>;
alias.push(
  { find: /^@portalkit\/platform$/, replacement: join(import.meta.dirname, 'src/index.ts') },
  { find: /^@portalkit\/platform\/(.+)$/, replacement: join(import.meta.dirname, 'src/$1/index.ts') },
);
export default project;
