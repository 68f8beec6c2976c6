/**
 * The fast router-era part of the fault matrix (in `npm run test:chaos:fast`): deterministic rows of a
 * few seconds against real cucumber-js `--parallel 2` runs on the router-era rig.
 */
import { routerMatrixSuite } from './support/router_matrix_suite';
import { ROUTER_FAST_ROWS } from './support/router_rows';

routerMatrixSuite('fault matrix (router era, fast rows)', ROUTER_FAST_ROWS);
