/**
 * The one replaceable piece that gets a device for a scenario. Claim era today; the router era (session
 * creation at `{GRID_URL}/run/{run_id}` allocates) implements the same {@link DeviceAllocator} interface.
 *
 * @packageDocumentation
 */
export {
  ClaimAllocator,
  type ClaimAllocatorOptions,
  cooldownReason,
  type LeaseTracker,
} from './claim_allocator';
export {
  FINAL_FLUSH_LIMIT_MS,
  type FlushOptions,
  type PendingReport,
  PendingReports,
  releaseOrphanClaims,
  threadPendingReports,
} from './pending_reports';
export type {
  AcquireRequest,
  DeviceAllocator,
  DeviceLease,
  LeaseOutcome,
  SessionOutcomeStatus,
} from './types';
