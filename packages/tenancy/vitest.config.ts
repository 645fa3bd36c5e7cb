import { portalkitProject } from '../../test-utils/src/vitest-project.js';

export default portalkitProject({ name: 'tenancy', needs: ['mongo'] });
