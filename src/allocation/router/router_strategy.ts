import type { AllocationStrategy } from '../strategy';
import { endRouterLeftovers } from './router_leftovers';
import { RouterRunAllocation } from './router_run_allocation';
import { RouterScenarioAllocation } from './router_scenario_allocation';

/**
 * The router-era strategy (docs/manager-api.md §R0, §R7.1): a scenario creates its session at
 * `GRID_URL/run/{run id}`, the manager picks a device of the run and names it as `gridfleet:deviceId`;
 * afterwards the session is deleted, then its status reported, then the device cooled down after a
 * device-level failure. The coordinator holds scenarios while every device of their run is busy and wakes
 * one when a session ends, and deletes left-over sessions after a crash or a signal.
 */
export const routerStrategy: AllocationStrategy = {
  name: 'router',
  runLevel: async (context) => new RouterRunAllocation(context),
  scenarioLevel: (context) => new RouterScenarioAllocation(context),
  endLeftovers: endRouterLeftovers,
};
