/**
 * The `gridfleet-cucumber` command line: `doctor` and the CI run commands.
 *
 * @packageDocumentation
 */

export { findCucumber, isSupportedCucumber, SUPPORTED_CUCUMBER } from './cucumber_version';
export { type DoctorReport, type DoctorReportEntry, runDoctor } from './doctor';
export { type CheckResult, type DoctorCheck, doctorChecks } from './doctor_checks';
export { type CliIo, runCli, USAGE } from './main';
export { type JunitTotals, mergeJunitFiles } from './merge_junit';
export { loadProjectConfig, type ProjectConfig, UsageError } from './project_config';
export { createRun, finishRun, heartbeatRun, RunCommandError } from './run_commands';
