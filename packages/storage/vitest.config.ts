import { portalkitProject } from '../../test-utils/src/vitest-project.js';

export default portalkitProject({ name: 'storage', needs: ['s3', 'mongo'] });
