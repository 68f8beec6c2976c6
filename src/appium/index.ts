/**
 * Appium helpers: capability building against the driver-pack catalog, webdriverio sessions through the
 * Selenium Grid, hydration of a claimed device into an {@link AllocatedDevice}, and error-session payloads.
 *
 * @packageDocumentation
 */
export {
  type AllocatedDevice,
  type AllocatedDeviceFields,
  ipOfTarget,
  makeAllocatedDevice,
  type UnavailableInclude,
} from './allocated_device';
export {
  type BuildAppiumCapabilitiesOptions,
  type BuiltAppiumRequest,
  buildAppiumCapabilities,
  buildAppiumRequest,
  MANAGER_OWNED_CAPABILITIES,
} from './build_capabilities';
export type { AppiumCapabilities, GridFleetCapabilityKeys } from './capabilities_types';
export {
  type CatalogPack,
  type CatalogPlatform,
  catalogPacks,
  type DriverPackCatalogLike,
} from './catalog_types';
export {
  type CreateAppiumDriverOptions,
  createAppiumDriver,
  DEFAULT_CONNECTION_RETRY_COUNT,
  DEFAULT_CONNECTION_RETRY_TIMEOUT_MS,
  pinCapabilities,
  type WebdriverLogLevel,
} from './create_driver';
export {
  type DeviceHandle,
  type DriverDeviceClient,
  type DriverLike,
  getConnectionTargetFromDriver,
  getDeviceConfigForDriver,
  getDeviceIdFromDriver,
  getDeviceTestDataForDriver,
  resolveDeviceHandleFromDriver,
} from './driver_device';
export {
  buildErrorSessionPayload,
  type ErrorSessionFields,
  type ErrorSessionPayload,
  errorSessionRegistration,
  limitCapabilities,
  MAX_REQUESTED_CAPABILITIES_BYTES,
  TRUNCATED_CAPABILITIES_KEY,
} from './error_session_payload';
export {
  AllocatedDeviceError,
  AppiumDriverCreationError,
  CapabilityResolutionError,
  type CapabilityResolutionErrorCode,
  errorClassName,
  MissingConnectionTargetError,
} from './errors';
export { DEFAULT_GRID_PORT, type GridConnection, parseGridUrl } from './grid_url';
export {
  type ClaimResponseLike,
  type DeviceRowLike,
  type DriverWithCapabilities,
  type HydrateOptions,
  type HydrationClient,
  hydrateAllocatedDevice,
  hydrateAllocatedDeviceFromDriver,
} from './hydrate';
export {
  PACK_ID_ENV,
  PLATFORM_ID_ENV,
  type ResolvedPackPlatform,
  type ResolvePackPlatformOptions,
  resolvePackPlatform,
  selectedPackPlatform,
} from './pack_platform_resolver';
export { isSecretCapability, REDACTED, redactCapabilities } from './redact_capabilities';
