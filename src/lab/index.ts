/**
 * GridFleet lab: a GridFleet manager simulator speaking the real HTTP contract, its lab-file
 * loader and the demo lab.
 *
 * @packageDocumentation
 */
export type { FaultSpec } from './faults';
export type { LabDevice, LabGroup, LabPack, LabPlatform, LabSettings, ResolvedLab } from './lab_file';
export {
  DEFAULT_LAB_SETTINGS,
  DEMO_LAB_PATH,
  deterministicDeviceId,
  LabFileError,
  loadLabFile,
  parseLabFile,
} from './lab_file';
export type { RunningLab, StartLabOptions } from './server';
export { startLab } from './server';
