#!/usr/bin/env node
/**
 * `gridfleet-cucumber`: `doctor` (is the lab ready for this project?) and the CI run commands
 * (`run create` / `run finish` / `run heartbeat`) that let several cucumber-js shards share one run.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { runDoctor } from './doctor';
import { doctorChecks } from './doctor_checks';
import { mergeJunitFiles } from './merge_junit';
import { mergeMessageFiles, writeHtmlReport, writeMessageFile } from './merge_reports';
import { loadProjectConfig, UsageError } from './project_config';
import { createRun, finishRun, heartbeatRun, RunCommandError } from './run_commands';

/** Usage text printed by `--help` and after a usage mistake. */
export const USAGE = `Usage: gridfleet-cucumber <command> [options]

Commands:
  doctor                       check that the manager, credentials, catalog, Grid and cucumber-js are ready
  run create                   reserve one run for CI shards; prints: export GRIDFLEET_RUN_ID=<id>
  run finish [ID]              complete the run (or per onFailure policy with --status failed); prints its summary
  run heartbeat [ID]           heartbeat the run once (or --every SEC until it ends or is stopped)
  report junit FILE...         merge the shards' JUnit files (cucumber-js --format junit:FILE) into --output
  report html FILE...          merge the shards' message files (cucumber-js --format message:FILE) into one HTML report
  report messages FILE...      merge the shards' message files into one message stream (NDJSON) for other tools

Options (every command):
  -c, --config FILE            cucumber config file (default: cucumber's own discovery in the current directory)
  -p, --profile NAME           cucumber profile to read worldParameters.gridfleet from (repeatable)
      --platform ID            a platform to check/reserve, ID or PACK/ID (repeatable; added to the configured lanes)
  -h, --help                   this text

doctor:
      --json                   print the report as JSON on stdout (progress goes to stderr)
      --timeout SEC            keep retrying checks that may still come good (servers starting) this long (default 30)
run create:
      --output-env FILE        also append GRIDFLEET_RUN_ID=<id> to FILE (e.g. "$GITHUB_ENV")
run finish:
      --status passed|failed   outcome of the shards (default passed); failed cancels unless onFailure is "complete"
run heartbeat:
      --every SEC              keep heartbeating every SEC seconds
report junit|html|messages:
  -o, --output FILE            where the merged report goes (required)

ID defaults to GRIDFLEET_RUN_ID. Exit codes: 0 ok/ready, 1 not ready or failed, 2 usage error.
Environment: GRIDFLEET_API_URL, GRID_URL, GRIDFLEET_TESTKIT_USERNAME/_PASSWORD and every GRIDFLEET_* setting.`;

/** Streams and environment of one CLI invocation (so tests and embedders can call {@link runCli}). */
export interface CliIo {
  /** Standard output. */
  stdout: (text: string) => void;
  /** Standard error. */
  stderr: (text: string) => void;
  /** Environment. */
  env: NodeJS.ProcessEnv;
  /** Working directory (the cucumber project). */
  cwd: string;
}

function positiveNumber(
  name: string,
  value: string | undefined,
  fallback: number | undefined,
): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') {
    throw new UsageError(`${name} must be a number of seconds ≥ 0; got "${value}".`);
  }
  return n;
}

/**
 * Runs the command line and returns the exit code (0 ok, 1 not ready / failed, 2 usage error). Never
 * throws for expected failures; credentials never reach the output.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const out = (line: string) => io.stdout(`${line}\n`);
  const err = (line: string) => io.stderr(`${line}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        profile: { type: 'string', short: 'p', multiple: true },
        platform: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        'output-env': { type: 'string' },
        status: { type: 'string' },
        every: { type: 'string' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, sub, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      out(USAGE);
      return values.help || command === 'help' ? 0 : 2;
    }
    const base = {
      cwd: io.cwd,
      configFile: values.config,
      profiles: values.profile ?? [],
      platforms: values.platform ?? [],
      env: io.env,
    };
    const onlyFor = (allowed: string[]) => {
      const used = (['json', 'timeout', 'output-env', 'status', 'every', 'output'] as const).filter(
        (k) => values[k] !== undefined && !allowed.includes(k),
      );
      if (used.length > 0)
        throw new UsageError(
          `--${used.join(', --')} cannot be used with "${[command, sub].filter(Boolean).join(' ')}".`,
        );
    };

    if (command === 'doctor') {
      onlyFor(['json', 'timeout']);
      if (sub !== undefined) throw new UsageError(`doctor takes no argument; got "${sub}".`);
      const timeoutSec = positiveNumber('--timeout', values.timeout, 30) ?? 30;
      const progress = values.json ? err : out;
      progress(`gridfleet-cucumber doctor (waiting up to ${timeoutSec} s for services that are starting)`);
      const project = await loadProjectConfig(base);
      const report = await runDoctor(doctorChecks(project, io.cwd, io.env), { timeoutSec, log: progress });
      if (values.json) out(JSON.stringify(report, null, 2));
      return report.ready ? 0 : 1;
    }

    if (command === 'run') {
      const io2 = { out, err };
      if (sub === 'create') {
        onlyFor(['output-env']);
        if (rest.length > 0) throw new UsageError(`run create takes no argument; got "${rest.join(' ')}".`);
        await createRun(await loadProjectConfig(base), { outputEnv: values['output-env'] }, io2);
        return 0;
      }
      if (sub === 'finish' || sub === 'heartbeat') {
        onlyFor(sub === 'finish' ? ['status'] : ['every']);
        if (rest.length > 1) throw new UsageError(`run ${sub} takes one run id; got "${rest.join(' ')}".`);
        const runId = rest[0] ?? io.env.GRIDFLEET_RUN_ID?.trim();
        if (!runId) {
          throw new UsageError(
            `run ${sub} needs the run id: pass it (run ${sub} <id>) or set GRIDFLEET_RUN_ID.`,
          );
        }
        const project = await loadProjectConfig({ ...base, joinRunId: runId });
        if (sub === 'heartbeat') {
          return heartbeatRun(project, runId, positiveNumber('--every', values.every, undefined), io2);
        }
        const status = values.status ?? 'passed';
        if (status !== 'passed' && status !== 'failed') {
          throw new UsageError(`--status must be "passed" or "failed"; got "${status}".`);
        }
        return finishRun(project, runId, status, io2);
      }
      throw new UsageError(
        sub === undefined
          ? 'run needs a subcommand: create, finish or heartbeat.'
          : `unknown run subcommand "${sub}"; use create, finish or heartbeat.`,
      );
    }
    if (command === 'report') {
      onlyFor(['output']);
      const shape = sub === 'junit' ? 'SHARD.xml' : 'SHARD.ndjson';
      if (sub !== 'junit' && sub !== 'html' && sub !== 'messages')
        throw new UsageError(
          `report needs a format: junit, html or messages${sub === undefined ? '' : ` (got "${sub}")`}; e.g. report html -o reports/cucumber.html reports/messages-*.ndjson`,
        );
      if (!values.output) throw new UsageError(`report ${sub} needs --output FILE (the merged report).`);
      if (rest.length === 0)
        throw new UsageError(`report ${sub} needs the shard files to merge (${shape}...).`);
      if (sub === 'junit') {
        const totals = mergeJunitFiles(rest, values.output);
        out(
          `gridfleet-cucumber: merged ${rest.length} file(s), ${totals.suites} suite(s) into ${values.output}: ` +
            `tests ${totals.tests}, failures ${totals.failures}, errors ${totals.errors}, skipped ${totals.skipped}`,
        );
        return 0;
      }
      const merged = mergeMessageFiles(rest);
      for (const warning of merged.warnings) err(`gridfleet-cucumber: warning: ${warning}`);
      if (sub === 'html') await writeHtmlReport(merged.envelopes, values.output);
      else await writeMessageFile(merged.envelopes, values.output);
      out(
        `gridfleet-cucumber: merged ${rest.length} message stream(s) into ${values.output}: ` +
          `${merged.pickles} scenario(s), ${merged.testCases} test case(s), run ${merged.success ? 'passed' : 'failed'}`,
      );
      return 0;
    }
    throw new UsageError(`unknown command "${command}"; use doctor, run or report.`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`gridfleet-cucumber: ${(error as Error).message}`);
      err('Run "gridfleet-cucumber --help" for usage.');
      return 2;
    }
    const message =
      error instanceof RunCommandError || error instanceof Error ? error.message : String(error);
    err(`gridfleet-cucumber: ${message}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`gridfleet-cucumber: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
