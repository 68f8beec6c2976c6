/**
 * API reports of every entry point (`npm run api:check`, `npm run api:update`): runs API Extractor with
 * `api-extractor.json` (root entry) and `etc/entries/*.json` (subpath entries) on the built `dist/*.d.ts`.
 *
 * - check (default): fails when any `etc/*.api.md` differs from the built API, naming the entries.
 * - `--update`: rewrites the reports; review them with `git diff etc/` and commit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { REPO_ROOT } from './pack_package';

/** Config files, one per entry point: the root first, then `etc/entries/*.json`. */
export function apiReportConfigs(): string[] {
  const entries = path.join(REPO_ROOT, 'etc', 'entries');
  const subpaths = fs
    .readdirSync(entries)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(entries, f));
  return [path.join(REPO_ROOT, 'api-extractor.json'), ...subpaths];
}

/** Outcome of one entry point's report. */
export interface ApiReportOutcome {
  /** The config file. */
  config: string;
  /** The report file. */
  report: string;
  /** Whether the built API differs from the checked-in report. */
  changed: boolean;
  /** Errors plus warnings API Extractor printed (not counting those recorded in the report). */
  problems: number;
}

/** Runs API Extractor for every entry point; `update` rewrites the reports instead of comparing. */
export function runApiReports(update: boolean): ApiReportOutcome[] {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'index.d.ts'))) {
    throw new Error('dist/index.d.ts is missing: run `npm run build` first (api:check and api:update do).');
  }
  return apiReportConfigs().map((config) => {
    const prepared = ExtractorConfig.loadFileAndPrepare(config);
    let problems = 0;
    const result = Extractor.invoke(prepared, {
      localBuild: update,
      showVerboseMessages: false,
      messageCallback: (message) => {
        // The "report changed/created" notices are summarised below; everything else is printed as usual.
        if (String(message.messageId).startsWith('console-api-report'))
          message.logLevel = ExtractorLogLevel.None;
        else if (
          message.logLevel === ExtractorLogLevel.Error ||
          message.logLevel === ExtractorLogLevel.Warning
        ) {
          problems += 1;
        }
      },
    });
    return {
      config: path.relative(REPO_ROOT, config),
      report: path.relative(REPO_ROOT, prepared.reportFilePath),
      changed: result.apiReportChanged,
      problems,
    };
  });
}

function main(): void {
  const update = process.argv.includes('--update');
  const outcomes = runApiReports(update);
  const changed = outcomes.filter((o) => o.changed);
  const troubled = outcomes.filter((o) => o.problems > 0);
  for (const o of outcomes) {
    const state = o.changed ? (update ? 'updated' : 'CHANGED') : 'unchanged';
    process.stdout.write(`api: ${o.report} ${state}${o.problems ? ` (${o.problems} problems)` : ''}\n`);
  }
  if (update) {
    if (changed.length > 0)
      process.stdout.write('api: review the changes with `git diff etc/` and commit them.\n');
    return;
  }
  if (changed.length > 0) {
    process.stderr.write(
      `api: the public API differs from the reviewed report in ${changed.map((o) => o.report).join(', ')}.\n` +
        'If the change is intended, run `npm run api:update`, review `git diff etc/`, commit it and note it in ' +
        'CHANGELOG.md; otherwise undo the export change.\n',
    );
  }
  if (troubled.length > 0) {
    process.stderr.write(
      `api: API Extractor reported problems for ${troubled.map((o) => o.config).join(', ')}.\n`,
    );
  }
  if (changed.length > 0 || troubled.length > 0) process.exitCode = 1;
}

if (require.main === module) main();
