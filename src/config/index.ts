export { type ConfigIssue, GridFleetConfigError } from './config_error';
export { defaultRunName } from './default_run_name';
export { DEPRECATED_KEYS, type DeprecatedKey } from './deprecated_keys';
export { loadGridFleetConfig } from './load_config';
export {
  CONFIG_ENV,
  CONFIG_FIELDS,
  CONFIG_KEYS,
  type ConfigField,
  type ConfigKey,
  DEVICE_INCLUDES,
  type DeviceInclude,
  type GridFleetConfig,
  type LaneRequirement,
  laneRequirementSchema,
  type OnFailurePolicy,
} from './schema';
