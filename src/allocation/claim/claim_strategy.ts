import type { AllocationStrategy } from '../strategy';
import { endClaimLeftovers } from './claim_leftovers';
import { ClaimRunAllocation } from './claim_run_allocation';
import { ClaimScenarioAllocation } from './claim_scenario_allocation';

/**
 * The claim-era strategy (docs/manager-api.md, claim era): a scenario claims a device of its lane's run
 * (`POST /runs/{id}/claim`, waiting within `deviceWaitSec`), gets an Appium session pinned to it through the
 * Grid, and releases it afterwards (with a cooldown after device-level failures). The coordinator tracks
 * claims and wakes waiting claims when a sibling releases a device.
 */
export const claimStrategy: AllocationStrategy = {
  name: 'claim',
  runLevel: async (context) => new ClaimRunAllocation(context),
  scenarioLevel: (context) => new ClaimScenarioAllocation(context),
  endLeftovers: endClaimLeftovers,
};
