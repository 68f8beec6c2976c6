/**
 * How a scenario gets a device: one {@link AllocationStrategy} per cucumber run, chosen in
 * `select_strategy.ts`, with a run level in the coordinator and a scenario level in each worker thread. The
 * claim era (`claim/`) is the first strategy; the router era implements the same interface.
 *
 * @packageDocumentation
 */
export { ClaimAllocator, type ClaimAllocatorOptions, type ClaimTracker } from './claim';
export { RunEndedError } from './errors';
export { installAllocationStrategy, selectStrategy, strategyNamed } from './select_strategy';
export type {
  AllocationLink,
  AllocationMessage,
  AllocationReply,
  AllocationRun,
  AllocationStrategy,
  Leftovers,
  RunAllocation,
  RunLevelContext,
  ScenarioAllocation,
  ScenarioLevelContext,
} from './strategy';
export type { AcquireRequest, DeviceOutcome, ScenarioDevice, SessionOutcomeStatus } from './types';
