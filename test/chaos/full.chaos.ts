/**
 * The rest of the fault matrix (`npm run test:chaos` runs this after the fast rows): random 5xx, one 500
 * on each endpoint, manager outages, Appium/Grid faults and cucumber interruptions.
 */
import { matrixSuite } from './support/matrix_suite';
import { FULL_ROWS } from './support/rows';

matrixSuite('fault matrix (full rows)', FULL_ROWS);
