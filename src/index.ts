/**
 * gridfleet-cucumber: run Cucumber-js suites on a GridFleet device lab.
 *
 * The root entry is the library API (client, Appium helpers, World). Importing it registers nothing;
 * `gridfleet-cucumber/register` registers the World, hooks and steps.
 *
 * @packageDocumentation
 */
import { z } from 'zod';

/** `version` of this package's `package.json`, one folder up from `src/` (ts-node) and from `dist/` (built). */
function packageVersion(): string {
  return z.object({ version: z.string() }).parse(require('../package.json')).version;
}

/** The package version (read from the package's `package.json`). */
export const VERSION: string = packageVersion();

// Cucumber integration: World, hooks, configuration and the errors a scenario can end with.
export { RunEndedError } from './allocation';
// Appium helpers (the capability-key augmentation ships with these exports).
export {
  type AllocatedDevice,
  AllocatedDeviceError,
  type AllocatedDeviceFields,
  type AppiumCapabilities,
  AppiumDriverCreationError,
  type BuildAppiumCapabilitiesOptions,
  buildAppiumCapabilities,
  buildErrorSessionPayload,
  CapabilityResolutionError,
  type CapabilityResolutionErrorCode,
  type CatalogPackLike,
  type CatalogPlatformLike,
  type ClaimResponseLike,
  type CreateAppiumDriverOptions,
  createAppiumDriver,
  type DeviceHandle,
  type DeviceRowLike,
  type DriverDeviceClient,
  type DriverLike,
  type DriverPackCatalogLike,
  type DriverWithCapabilities,
  type ErrorSessionFields,
  type ErrorSessionPayload,
  type GridFleetCapabilityKeys,
  getConnectionTargetFromDriver,
  getDeviceConfigForDriver,
  getDeviceTestDataForDriver,
  type HydrateOptions,
  type HydrationClient,
  hydrateAllocatedDevice,
  hydrateAllocatedDeviceFromDriver,
  MissingConnectionTargetError,
  type WebdriverLogLevel,
} from './appium';
// GridFleet manager client.
export {
  type ApiFailure,
  type BasicCredentials,
  type ClaimInclude,
  type ClaimRequest,
  type ClaimRetryOptions,
  type CleanupPolicy,
  ClientBase,
  type Clock,
  type CooldownRequest,
  type DetectGenerationOptions,
  DeviceApi,
  type DeviceFilters,
  type DeviceInclude,
  type DeviceRequirement,
  detectGeneration,
  type Generation,
  GenerationDetectionError,
  type GenerationDetectionFailure,
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
  type HttpOptions,
  type ManagerGeneration,
  NoClaimableDevicesError,
  type ReleaseRequest,
  ReserveCapabilitiesUnsupportedError,
  type ReserveDevicesRequest,
  type ReserveInclude,
  type ResponseIssue,
  ResponseValidationError,
  RouterApi,
  type RunCleanup,
  type RunCleanupOptions,
  RunHeartbeat,
  type RunHeartbeatOptions,
  registerRunCleanup,
  SessionApi,
  type SessionFilters,
  type SessionRegistration,
  type SuppressOptions,
  setGridFleetLogger,
  silentLogger,
  UnknownIncludeError,
} from './client';
export {
  type ConfigIssue,
  type GridFleetConfig,
  GridFleetConfigError,
  type LaneRequirement,
  loadGridFleetConfig,
  type OnFailurePolicy,
} from './config';
export { registerGridFleetHooks } from './hooks';
export { LaneSelectionError } from './run/lane';
// The zod schemas behind the payload and config types, as one namespace (`schemas.Device`, ...).
export * as schemas from './schemas';
export {
  type AllocateDeviceOptions,
  GridFleetWorld,
  type GridFleetWorldParameters,
  type ScenarioInfo,
  type ScreenshotResult,
} from './world';
