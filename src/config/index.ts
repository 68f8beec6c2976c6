export { type ConfigIssue, GridFleetConfigError } from './config_error';
export { defaultRunName } from './default_run_name';
export { loadGridFleetConfig } from './load_config';
export {
  CLAIM_INCLUDES,
  type ClaimInclude,
  CONFIG_ENV,
  CONFIG_KEYS,
  type GridFleetConfig,
  type LaneRequirement,
  laneRequirementSchema,
  type OnFailurePolicy,
} from './schema';
