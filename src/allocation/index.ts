export type {
  AcquireRequest,
  DeviceAllocator,
  DeviceLease,
  LeaseOutcome,
  SessionOutcomeStatus,
} from './types';
