/**
 * GridFleet manager client: HTTP layer, typed errors, zod schemas, heartbeat and run cleanup.
 *
 * @packageDocumentation
 */
export {
  type ClaimRetryOptions,
  claimRetryDelayMs,
  retryClaim,
} from './claim_retry';
export {
  type ClaimRequest,
  GridFleetClient,
  type ReleaseRequest,
  type ReserveDevicesRequest,
} from './client';
export { ClientBase, type GridFleetClientOptions, type SuppressOptions } from './client_base';
export { type Clock, interruptibleSleep, type SleepOutcome, systemClock } from './clock';
export {
  checkGridUrl,
  type DetectGenerationOptions,
  detectGeneration,
  type GenerationReport,
  type GridCheck,
} from './detect_generation';
export { DeviceApi } from './device_api';
export { type DeviceFilters, deviceFiltersToQuery } from './device_filters';
export { type SessionFinishedNotifier, wrapDeleteSession } from './driver_session';
export {
  type BasicCredentials,
  DEFAULT_API_URL,
  DEFAULT_GRID_URL,
  ENV_VARS,
  type GridFleetEnv,
  readGridFleetEnv,
  stripTrailingSlashes,
} from './env';
export {
  type ErrorResponse,
  type FailureContext,
  mapAxiosError,
  mapErrorResponse,
  parseRetryAfterHeader,
} from './error_mapping';
export {
  type ApiFailure,
  GridFleetApiError,
  GridFleetError,
  GridFleetTransportError,
  NoClaimableDevicesError,
  ReserveCapabilitiesUnsupportedError,
  type ResponseIssue,
  ResponseValidationError,
  redactUrl,
  UnknownIncludeError,
} from './errors';
export {
  type Generation,
  GenerationDetectionError,
  type GenerationDetectionFailure,
  GenerationMismatchError,
  generationLabel,
} from './generation';
export {
  type GridSlotSession,
  type GridStatus,
  GridStatusError,
  parseGridStatus,
  readGridStatus,
  readRouterHealth,
} from './grid_status';
export {
  type HeartbeatStopReason,
  RunHeartbeat,
  type RunHeartbeatOptions,
} from './heartbeat';
export {
  ABOVE_SERVER_TIMEOUT_MS,
  HttpLayer,
  type HttpOptions,
  RESERVE_TIMEOUT_MS,
  type RequestSpec,
  SESSION_TIMEOUT_MS,
} from './http';
export {
  type ClaimInclude,
  DEVICE_INCLUDES,
  type DeviceInclude,
  includeQueryValue,
  type ReserveInclude,
} from './include';
export {
  consoleLogger,
  type GridFleetLogger,
  gridFleetLogger,
  setGridFleetLogger,
  silentLogger,
} from './logger';
export type { ManagerGeneration } from './manager_probes';
export { type DeviceRequirement, requirementsToWire } from './requirements';
export { type CooldownRequest, RouterApi } from './router_api';
export {
  type CleanupPolicy,
  type RunCleanup,
  type RunCleanupOptions,
  registerRunCleanup,
} from './run_cleanup';
export * from './schemas';
export { SessionApi, type SessionFilters } from './session_api';
export {
  registrationFromCapabilities,
  type SessionRegistration,
  sessionRegistrationToWire,
} from './session_fields';
