import { errorText } from '../client/error_text';
import type { CheckResult, DoctorCheck } from './doctor_checks';

/** One finished check as reported (JSON output). */
export interface DoctorReportEntry {
  /** Check id. */
  id: string;
  /** Check title. */
  title: string;
  /** `ok`, `fail`, or `skipped` (a check it depends on did not pass). */
  status: 'ok' | 'fail' | 'skipped';
  /** What was found. */
  summary: string;
  /** How to fix a failure. */
  fix?: string | undefined;
  /** Attempts made (more than one while waiting for something to start). */
  attempts: number;
}

/** The doctor's verdict. */
export interface DoctorReport {
  /** True only when every check passed. */
  ready: boolean;
  /** Every check in order. */
  checks: DoctorReportEntry[];
}

/** Options of {@link runDoctor}. */
export interface RunDoctorOptions {
  /** How long failing checks that may still come good (services starting) are retried, in seconds. */
  timeoutSec: number;
  /** Receives each progress line as it happens. */
  log: (line: string) => void;
  /** Pause between attempts (default 1000 ms). */
  retryDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `       ${line}`)
    .join('\n');
}

/**
 * Runs the checks in order, printing a line as each starts and as each ends (plain text, no spinner, so CI
 * logs stay readable). Failures that may come good (a server still starting) are retried until the
 * deadline, with a "waiting" line every few seconds.
 */
export async function runDoctor(checks: DoctorCheck[], options: RunDoctorOptions): Promise<DoctorReport> {
  const deadline = Date.now() + options.timeoutSec * 1000;
  const delay = options.retryDelayMs ?? 1000;
  const entries: DoctorReportEntry[] = [];
  for (const check of checks) {
    const blocked = check.dependsOn.filter((id) => entries.find((e) => e.id === id)?.status !== 'ok');
    if (blocked.length > 0) {
      const entry: DoctorReportEntry = {
        id: check.id,
        title: check.title,
        status: 'skipped',
        summary: `needs ${blocked.join(', ')}`,
        attempts: 0,
      };
      entries.push(entry);
      options.log(`[skip] ${check.title} (${entry.summary})`);
      continue;
    }
    options.log(`[....] ${check.title}`);
    let attempts = 0;
    let lastWaitLine = 0;
    let result: CheckResult;
    for (;;) {
      attempts += 1;
      try {
        result = await check.run();
      } catch (error) {
        result = {
          status: 'fail',
          summary: `the check itself failed: ${errorText(error)}`,
          retryable: true,
        };
      }
      const left = deadline - Date.now();
      if (result.status === 'ok' || !result.retryable || left <= 0) break;
      if (Date.now() - lastWaitLine >= 5000) {
        lastWaitLine = Date.now();
        options.log(
          `[wait] ${check.title}: ${result.summary}; retrying for ${Math.ceil(left / 1000)} s more`,
        );
      }
      await sleep(Math.min(delay, left));
    }
    const entry: DoctorReportEntry = {
      id: check.id,
      title: check.title,
      status: result.status,
      summary: result.summary,
      fix: result.status === 'fail' ? result.fix : undefined,
      attempts,
    };
    entries.push(entry);
    if (result.status === 'ok') {
      options.log(`[ ok ] ${check.title}: ${result.summary}`);
    } else {
      options.log(`[FAIL] ${check.title}:\n${indent(result.summary)}`);
      if (result.fix) options.log(`       fix: ${result.fix}`);
    }
  }
  const ready = entries.every((e) => e.status === 'ok');
  const failed = entries.filter((e) => e.status !== 'ok').length;
  options.log(
    ready
      ? `ready: all ${entries.length} checks passed`
      : `not ready: ${failed} of ${entries.length} checks did not pass`,
  );
  return { ready, checks: entries };
}
