/**
 * The fast part of the fault matrix (`npm run test:chaos:fast`): manager faults and operator actions
 * against real cucumber-js `--parallel 2` runs on the local stack.
 */
import { matrixSuite } from './support/matrix_suite';
import { FAST_ROWS } from './support/rows';

matrixSuite('fault matrix (fast rows)', FAST_ROWS);
