import { portalkitProject } from './src/vitest-project.js';

export default portalkitProject({ name: 'test-utils', needs: ['s3', 'mongo'] });
