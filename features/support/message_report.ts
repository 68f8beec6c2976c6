import type { Envelope } from '@cucumber/messages' with { 'resolution-mode': 'import' };

/** One attempt of one scenario, as cucumber's `message` output reports it. */
export interface ReportedAttempt {
  /** Scenario name exactly as cucumber shows it (the pickle name). */
  name: string;
  /** 0 for the first attempt, 1 for the first retry, ... */
  attempt: number;
  /** Worst step or hook result, lower case (`passed`, `failed`, `skipped`, ...). */
  status: string;
  /** Media types of the attachments made during this attempt. */
  attachmentMediaTypes: string[];
  /** Whether cucumber retries this attempt. */
  willBeRetried: boolean;
}

// Cucumber's own ranking of step results, least to most severe.
const SEVERITY = ['UNKNOWN', 'PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

/** The parsed `message` (ndjson) output of one cucumber-js run. */
export class MessageReport {
  /** Every attempt, in the order the attempts started. */
  readonly attempts: ReportedAttempt[];
  /** `testRunFinished.success`, or `undefined` when the run never finished. */
  readonly success: boolean | undefined;

  constructor(readonly envelopes: Envelope[]) {
    const pickleNames = new Map<string, string>();
    const testCasePickles = new Map<string, string>();
    const byStartedId = new Map<string, ReportedAttempt>();
    let success: boolean | undefined;
    for (const envelope of envelopes) {
      if (envelope.pickle) pickleNames.set(envelope.pickle.id, envelope.pickle.name);
      if (envelope.testCase) testCasePickles.set(envelope.testCase.id, envelope.testCase.pickleId);
      if (envelope.testCaseStarted) {
        const started = envelope.testCaseStarted;
        const pickleId = testCasePickles.get(started.testCaseId) ?? '';
        byStartedId.set(started.id, {
          name: pickleNames.get(pickleId) ?? '?',
          attempt: started.attempt,
          status: 'unknown',
          attachmentMediaTypes: [],
          willBeRetried: false,
        });
      }
      if (envelope.testStepFinished) {
        const attempt = byStartedId.get(envelope.testStepFinished.testCaseStartedId);
        const status = envelope.testStepFinished.testStepResult.status;
        if (attempt && SEVERITY.indexOf(status) > SEVERITY.indexOf(attempt.status.toUpperCase())) {
          attempt.status = status.toLowerCase();
        }
      }
      if (envelope.attachment?.testCaseStartedId) {
        byStartedId
          .get(envelope.attachment.testCaseStartedId)
          ?.attachmentMediaTypes.push(envelope.attachment.mediaType);
      }
      if (envelope.testCaseFinished) {
        const attempt = byStartedId.get(envelope.testCaseFinished.testCaseStartedId);
        if (attempt) attempt.willBeRetried = envelope.testCaseFinished.willBeRetried;
      }
      if (envelope.testRunFinished) success = envelope.testRunFinished.success;
    }
    this.attempts = [...byStartedId.values()];
    this.success = success;
  }

  /** Parses ndjson text (one envelope per line). */
  static parse(ndjson: string): MessageReport {
    const lines = ndjson.split('\n').filter((line) => line.trim().length > 0);
    return new MessageReport(lines.map((line) => JSON.parse(line) as Envelope));
  }

  /** The final attempt of each scenario (the one that decides its result), by name. */
  finalAttempts(): Map<string, ReportedAttempt> {
    const result = new Map<string, ReportedAttempt>();
    for (const attempt of this.attempts) if (!attempt.willBeRetried) result.set(attempt.name, attempt);
    return result;
  }

  /** The final attempt of the scenario called `name`. @throws Error listing the scenarios that did run. */
  scenario(name: string): ReportedAttempt {
    const attempt = this.finalAttempts().get(name);
    if (!attempt) {
      throw new Error(
        `No scenario named "${name}" ran; these did: ${[...this.finalAttempts().keys()].join(', ')}`,
      );
    }
    return attempt;
  }
}
