/**
 * The `gridfleet-cucumber` command line: `doctor`, the CI run commands and the report mergers.
 *
 * @packageDocumentation
 */

export { findCucumber, isSupportedCucumber, SUPPORTED_CUCUMBER } from './cucumber_version';
export { type DoctorReport, type DoctorReportEntry, runDoctor } from './doctor';
export { type CheckResult, type DoctorCheck, doctorChecks } from './doctor_checks';
export { type CliIo, runCli, USAGE } from './main';
export { type JunitTotals, mergeJunitFiles } from './merge_junit';
export { type MergedMessages, mergeMessageStreams, type ShardMessages } from './merge_messages';
export { mergeMessageFiles, writeHtmlReport, writeMessageFile } from './merge_reports';
export {
  type Envelope,
  envelopeType,
  MESSAGE_TYPES,
  MessageStreamError,
  parseMessageStream,
  readMessageFile,
} from './message_stream';
export { loadProjectConfig, type ProjectConfig, UsageError } from './project_config';
export { createRun, finishRun, heartbeatRun, RunCommandError } from './run_commands';
