/**
 * The claim-era allocation strategy: claim, pinned session, release; its coordinator side (claim
 * tracking, wake-ups, hand-off), the thread's queue of reports lost to an outage, and crash cleanup.
 *
 * @packageDocumentation
 */
export {
  ClaimAllocator,
  type ClaimAllocatorOptions,
  type ClaimTracker,
} from './claim_allocator';
export { type ClaimLeftoverPlan, ClaimRunAllocation } from './claim_run_allocation';
export { ClaimScenarioAllocation } from './claim_scenario_allocation';
export { claimStrategy } from './claim_strategy';
export { claimWakeUp } from './claim_wakeup';
export { claimOwnerId } from './owner_id';
export {
  FINAL_FLUSH_LIMIT_MS,
  type FlushOptions,
  flushThreadReports,
  type PendingReport,
  PendingReports,
  releaseOrphanClaims,
  threadPendingReports,
} from './pending_reports';
