import { defineConfig } from 'tsup';
import { packageBuild } from '../../scripts/tsup-preset.js';

export default defineConfig(packageBuild(process.cwd()));
