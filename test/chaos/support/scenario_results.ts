import { readFileSync } from 'node:fs';

/** One attempt of one scenario as cucumber saw it (from its `message` ndjson output). */
export interface ScenarioAttempt {
  /** Pickle (scenario) name. */
  name: string;
  /** 1-based attempt (cucumber's `attempt` + 1, like `gridfleet:attempt`). */
  attempt: number;
  /** Worst step status: PASSED, FAILED, SKIPPED, UNDEFINED, AMBIGUOUS, PENDING, UNKNOWN; `UNFINISHED` when no testCaseFinished was written. */
  status: string;
  /** Whether cucumber will retry this attempt. */
  willBeRetried: boolean;
  /** First line of the failing step's message (ids and numbers masked), when it failed. */
  cause?: string;
}

/** Masks uuids, ports and numbers so equal causes group together. */
function maskIds(line: string): string {
  return line
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+/g, 'N')
    .slice(0, 200);
}

const SEVERITY = ['UNKNOWN', 'PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

/**
 * Reads cucumber's `message` formatter output (one JSON envelope a line) and returns every scenario
 * attempt with its result. A missing or truncated file (a killed process) yields what was written.
 */
export function readScenarioAttempts(ndjsonPath: string): ScenarioAttempt[] {
  let text: string;
  try {
    text = readFileSync(ndjsonPath, 'utf8');
  } catch {
    return [];
  }
  const pickles = new Map<string, string>();
  const testCases = new Map<string, string>();
  const started = new Map<
    string,
    { name: string; attempt: number; status: string; finished: boolean; retried: boolean; cause?: string }
  >();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let envelope: Record<string, Record<string, unknown>>;
    try {
      envelope = JSON.parse(line);
    } catch {
      continue; // the last line of a killed process may be cut
    }
    if (envelope.pickle) pickles.set(String(envelope.pickle.id), String(envelope.pickle.name));
    if (envelope.testCase) testCases.set(String(envelope.testCase.id), String(envelope.testCase.pickleId));
    if (envelope.testCaseStarted) {
      const tcs = envelope.testCaseStarted;
      const name = pickles.get(testCases.get(String(tcs.testCaseId)) ?? '') ?? '?';
      started.set(String(tcs.id), {
        name,
        attempt: Number(tcs.attempt) + 1,
        status: 'UNKNOWN',
        finished: false,
        retried: false,
      });
    }
    if (envelope.testStepFinished) {
      const entry = started.get(String(envelope.testStepFinished.testCaseStartedId));
      const result = envelope.testStepFinished.testStepResult as { status: string; message?: string };
      const status = String(result.status);
      if (entry && SEVERITY.indexOf(status) > SEVERITY.indexOf(entry.status)) {
        entry.status = status;
        if (result.message) entry.cause = maskIds(result.message.split('\n')[0] ?? '');
      }
    }
    if (envelope.testCaseFinished) {
      const entry = started.get(String(envelope.testCaseFinished.testCaseStartedId));
      if (entry) {
        entry.finished = true;
        entry.retried = Boolean(envelope.testCaseFinished.willBeRetried);
      }
    }
  }
  return [...started.values()].map((e) => ({
    name: e.name,
    attempt: e.attempt,
    status: e.finished ? e.status : 'UNFINISHED',
    willBeRetried: e.retried,
    ...(e.cause ? { cause: e.cause } : {}),
  }));
}

/** The manager session status a scenario attempt must end with: passed for PASSED, else failed or error. */
export function expectedSessionStatuses(attempt: ScenarioAttempt): string[] {
  return attempt.status === 'PASSED' ? ['passed'] : ['failed', 'error'];
}
