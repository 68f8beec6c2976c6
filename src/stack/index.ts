/**
 * The local stack launcher: GridFleet lab + Appium 3 (fake driver) + Selenium Grid 4 standalone in
 * relay mode, one slot per lab device (claim generation), or the router simulator in front of a
 * router-generation lab (router generation). Appium and Selenium are dev dependencies, loaded lazily.
 *
 * @packageDocumentation
 */
export { resolveStackBinaries, type StackBinaries } from './dependencies';
export { StackError } from './errors';
export { type GridConfigInput, renderGridConfig } from './grid_config';
export {
  DEFAULT_PORTS,
  type PortOption,
  parseGeneration,
  parsePortArg,
  type ResolvedPorts,
  resolvePorts,
  type StackGeneration,
  type StackOptions,
  type StackPorts,
} from './options';
export { defaultStateDir, FAKE_APP_PATH } from './paths';
export { freePort, isPortFree, STACK_HOST } from './ports';
export { gridUdids } from './readiness';
export { readStackInfo, type StackInfo, stackInfoPath } from './stack_info';
export { type RunningStack, startStack } from './start_stack';
export { buildStackDevices, type StackDevice, type Stereotype } from './stereotypes';
export { type RecordedStop, stopRecordedStack } from './stop_recorded';
