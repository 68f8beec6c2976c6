/**
 * The router-era rows that wait for real time or disturb the shared Appium (`npm run test:chaos`):
 * manager outage behind the router, queue timeout, SIGINT/SIGTERM, Appium killed.
 */
import { routerMatrixSuite } from './support/router_matrix_suite';
import { ROUTER_FULL_ROWS } from './support/router_rows';

routerMatrixSuite('fault matrix (router era, full rows)', ROUTER_FULL_ROWS);
