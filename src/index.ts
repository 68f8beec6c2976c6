/**
 * gridfleet-cucumber: run Cucumber-js suites on a GridFleet device lab.
 *
 * The root entry is the library API (client, Appium helpers, World). Importing it registers nothing;
 * `gridfleet-cucumber/register` registers the World, hooks and steps.
 *
 * @packageDocumentation
 */

/** The package version. */
export const VERSION = '0.1.0';

// Cucumber integration: World, hooks, configuration and the device-allocation seam.
export {
  type AcquireRequest,
  ClaimAllocator,
  type ClaimAllocatorOptions,
  type DeviceAllocator,
  type DeviceLease,
  type LeaseOutcome,
  type SessionOutcomeStatus,
} from './allocation';
// Appium helpers (the capability-key augmentation ships with these exports).
export {
  type AllocatedDevice,
  AllocatedDeviceError,
  type AppiumCapabilities,
  AppiumDriverCreationError,
  type BuildAppiumCapabilitiesOptions,
  buildAppiumCapabilities,
  buildAppiumRequest,
  buildErrorSessionPayload,
  CapabilityResolutionError,
  type CapabilityResolutionErrorCode,
  type CreateAppiumDriverOptions,
  createAppiumDriver,
  type DeviceHandle,
  type ErrorSessionFields,
  type ErrorSessionPayload,
  errorSessionRegistration,
  type GridFleetCapabilityKeys,
  getConnectionTargetFromDriver,
  getDeviceConfigForDriver,
  getDeviceIdFromDriver,
  getDeviceTestDataForDriver,
  type HydrateOptions,
  hydrateAllocatedDevice,
  hydrateAllocatedDeviceFromDriver,
  MissingConnectionTargetError,
  parseGridUrl,
  resolveDeviceHandleFromDriver,
  resolvePackPlatform,
} from './appium';
export type {
  CatalogPack,
  CatalogPlatform,
  ClaimResponse,
  CooldownEscalatedResult,
  CooldownResult,
  CooldownSetResult,
  Device,
  DeviceCooldownResult,
  DeviceDetail,
  DeviceGroup,
  DeviceGroupDetail,
  DriverPackCatalog,
  HeartbeatResponse,
  JsonObject,
  ReleaseResponse,
  ReservedDevice,
  RunCreateResponse,
  RunDetail,
  RunRead,
  RunState,
  Session,
  SessionRegistration,
  SessionStatus,
  UnavailableInclude,
} from './client';
// GridFleet manager client.
export {
  CLAIM_INCLUDES,
  type ClaimInclude,
  type ClaimRequest,
  type ClaimRetryOptions,
  type CleanupPolicy,
  type Clock,
  type CooldownRequest,
  consoleLogger,
  DEFAULT_API_URL,
  DEFAULT_GRID_URL,
  type DeviceFilters,
  type DeviceRequirement,
  detectGeneration,
  ENV_VARS,
  enabledPacks,
  type Generation,
  GenerationDetectionError,
  GenerationMismatchError,
  type GenerationReport,
  type GridCheck,
  GridFleetApiError,
  GridFleetClient,
  type GridFleetClientOptions,
  GridFleetError,
  type GridFleetLogger,
  GridFleetTransportError,
  type HeartbeatStopReason,
  NoClaimableDevicesError,
  type ReleaseRequest,
  ReserveCapabilitiesUnsupportedError,
  type ReserveDevicesRequest,
  type ReserveInclude,
  ResponseValidationError,
  type RunCleanup,
  type RunCleanupOptions,
  RunHeartbeat,
  type RunHeartbeatOptions,
  readGridFleetEnv,
  registerRunCleanup,
  type SuppressOptions,
  silentLogger,
  systemClock,
  UnknownIncludeError,
} from './client';
export {
  CONFIG_ENV,
  CONFIG_KEYS,
  type ConfigIssue,
  defaultRunName,
  type GridFleetConfig,
  GridFleetConfigError,
  type LaneRequirement,
  loadGridFleetConfig,
  type OnFailurePolicy,
} from './config';
export { HOOK_NAMES, HOOK_TIMEOUTS, registerGridFleetHooks } from './hooks';
export { isDeviceLevelError, sessionVerdict } from './run/outcome';
export {
  type ClaimDeviceOptions,
  GridFleetWorld,
  type GridFleetWorldParameters,
  type ScenarioInfo,
  type ScreenshotResult,
} from './world';
