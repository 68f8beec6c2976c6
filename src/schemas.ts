/**
 * The zod schemas behind the public types, published as the one namespace `schemas` of the root entry
 * (`import { schemas } from 'gridfleet-cucumber'`): the manager payloads the client returns
 * (`schemas.Device`, `schemas.deviceSchema.parse(body)`, ...) and the configuration keys
 * (`schemas.CONFIG_FIELDS`). The types are inferred from the schemas, so both are exported together.
 *
 * @packageDocumentation
 */

export { DEVICE_INCLUDES } from './client/include';
export {
  type CatalogPack,
  type CatalogPlatform,
  catalogPackSchema,
  catalogPlatformSchema,
  type DriverPackCatalog,
  driverPackCatalogSchema,
  enabledPacks,
} from './client/schemas/catalog';
export {
  type ClaimResponse,
  claimResponseSchema,
  type ReleaseResponse,
  releaseResponseSchema,
} from './client/schemas/claim';
export {
  type JsonObject,
  jsonObjectSchema,
  type RunState,
  runStateSchema,
  type SessionStatus,
  sessionStatusSchema,
  TERMINAL_RUN_STATES,
  type UnavailableInclude,
  unavailableIncludeSchema,
} from './client/schemas/common';
export {
  type CooldownEscalatedResult,
  type CooldownResult,
  type CooldownSetResult,
  cooldownEscalatedSchema,
  cooldownResultSchema,
  cooldownSetSchema,
  type DeviceCooldownResult,
  deviceCooldownResultSchema,
} from './client/schemas/cooldown';
export { type Device, type DeviceDetail, deviceDetailSchema, deviceSchema } from './client/schemas/device';
export {
  type DeviceGroup,
  type DeviceGroupDetail,
  deviceGroupDetailSchema,
  deviceGroupSchema,
} from './client/schemas/device_group';
export { type ReservedDevice, reservedDeviceSchema } from './client/schemas/reserved_device';
export {
  type HeartbeatResponse,
  heartbeatResponseSchema,
  type RunCreateResponse,
  type RunDetail,
  type RunRead,
  runCreateResponseSchema,
  runDetailSchema,
  runReadSchema,
} from './client/schemas/run';
export {
  type Session,
  type SessionDetail,
  sessionDetailSchema,
  sessionSchema,
} from './client/schemas/session';
export {
  CONFIG_FIELDS,
  type ConfigField,
  type ConfigKey,
  type DefaultContext,
  type EnvKind,
  laneRequirementSchema,
} from './config/schema';
