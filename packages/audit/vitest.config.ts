import { portalkitProject } from '../../test-utils/src/vitest-project.js';

export default portalkitProject({ name: 'audit', needs: ['mongo'] });
