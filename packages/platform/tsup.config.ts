import { defineConfig } from 'tsup';
import { packageBuild } from '../../scripts/tsup-preset.js';

// shims: the CommonJS build needs `import.meta.url` (it locates swagger-ui-dist for the docs page).
export default defineConfig({ ...packageBuild(process.cwd()), shims: true });
