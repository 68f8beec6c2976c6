import { GridFleetError } from '../client/errors';

/** One invalid configuration value. */
export interface ConfigIssue {
  /** Field name as written in `worldParameters.gridfleet` (e.g. `ttlMinutes`). */
  field: string;
  /** Where the value came from: `worldParameters.gridfleet.<field>`, an env var name, or `default`. */
  source: string;
  /** The offending value, already redacted when it could hold a secret. */
  value: string;
  /** What is expected, and how to fix it. */
  expected: string;
}

/**
 * Thrown before anything is reserved when the gridfleet configuration is invalid. The message lists every
 * bad field with its source, its value and what is expected.
 */
export class GridFleetConfigError extends GridFleetError {
  /** Every problem found (never empty). */
  readonly issues: readonly ConfigIssue[];

  /** Builds the error from the issues found. */
  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${i.field} = ${i.value} (from ${i.source}): expected ${i.expected}`);
    super(
      `Invalid gridfleet-cucumber configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        `${lines.join('\n')}\n` +
        'Set these under worldParameters.gridfleet in your cucumber config or through the environment ' +
        'variables named in the README.',
    );
    this.issues = issues;
  }

  protected override publicFields(): Record<string, unknown> {
    return { issues: this.issues };
  }
}

/** Renders a value for an error message: JSON, shortened so a huge blob cannot flood the output. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
