/**
 * The router-era allocation strategy: run-scoped sessions through the GridFleet router, the device named
 * by `gridfleet:deviceId`, DELETE then status then cooldown; its coordinator side (run info, groups,
 * held scenarios woken when a session ends, session tracking) and crash cleanup.
 *
 * @packageDocumentation
 */
export { RouterRequestError, routerCapabilities } from './router_capabilities';
export { RouterLease } from './router_lease';
export { endRouterLeftovers } from './router_leftovers';
export {
  parseRouterMessage,
  type RouterMessage,
  routerMessage,
  type TrackedSession,
} from './router_messages';
export {
  type RouterLeftoverPlan,
  RouterRunAllocation,
  SLOT_HOLD_LIMIT_MS,
  usableDevices,
} from './router_run_allocation';
export { RouterScenarioAllocation, runScopedGridUrl } from './router_scenario_allocation';
export { routerStrategy } from './router_strategy';
