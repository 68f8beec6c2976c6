/**
 * Runs a GitHub Actions workflow on this machine the way a runner would, so the workflow in docs/ci.md
 * is executed rather than only read. What it does, and how each GitHub piece is mapped:
 *
 * - Jobs run in `needs` order; jobs whose needs are done run concurrently, and so do the instances of a
 *   `strategy.matrix` (cartesian product of its lists; only with `fail-fast: false`, every instance runs to
 *   its end). A job's default `if:` is `success()` of its needs.
 * - Each job (each matrix instance) is a fresh "machine": its own empty workspace directory.
 * - `run:` steps run with `bash --noprofile --norc -eo pipefail` (GitHub's `bash` shell) in the
 *   workspace, with the workflow, job and step `env`, `CI`/`GITHUB_ACTIONS`, and fresh `$GITHUB_OUTPUT` /
 *   `$GITHUB_ENV` files that are read back afterwards (`name=value` and `name<<DELIM` forms), feeding
 *   `steps.<id>.outputs.*` and later steps' environment; job `outputs` feed `needs.<job>.outputs.*`.
 * - `${{ }}` expressions are evaluated by actions_expressions.ts (fails on anything it does not know).
 * - `actions/checkout@*` copies the project (minus `node_modules` and `reports`) into the workspace.
 * - `actions/setup-node@*` checks `node-version` against the Node running the tests and puts that Node
 *   on PATH; `cache: npm` is accepted and ignored (GitHub's cache is not emulated).
 * - `npm ci` (through an `npm` shim) links the workspace's `node_modules` to this repository's, which is
 *   what installing the project's lockfile gives; `npx <bin>` runs the command wrappers given (the
 *   package's `gridfleet-cucumber` from source, the real `cucumber-js`). Other npm/npx uses fail.
 * - `actions/upload-artifact@*` copies `path` into `<artifacts>/<name>/`;
 *   `actions/download-artifact@*` copies the artifacts whose name matches `pattern` (or `name`) into
 *   `path` (each under its own name unless `merge-multiple: true`). Artifacts are a shared directory.
 * - `secrets.*` and `vars.*` come from the options (unknown ones are empty, as on GitHub).
 * - Not emulated: `on:` triggers, `runs-on` images, caching, secret masking in logs, concurrency groups;
 *   other keys of jobs and steps are refused so the doc cannot silently use them.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { runProcess } from '../../support/run_process';
import { condition, type ExprContext, type ExprValue, interpolate } from './actions_expressions';

type Json = Record<string, unknown>;

/** Options of {@link runWorkflow}. */
export interface WorkflowOptions {
  /** The project the workflow checks out (its files are copied, never changed). */
  project: string;
  /** Where workspaces, artifacts and logs go. */
  root: string;
  /** Directory holding executables for `npx <name>` (e.g. `gridfleet-cucumber`, `cucumber-js`). */
  binDir: string;
  /** `node_modules` that `npm ci` links into a workspace. */
  nodeModules: string;
  /** `secrets.*`. */
  secrets?: Record<string, string>;
  /** `vars.*`. */
  vars?: Record<string, string>;
  /** Environment of every step under the workflow's own (PATH is extended, HOME kept). */
  baseEnv?: Record<string, string>;
  /** Kill a step after this long (default 300 s). */
  stepLimitMs?: number;
}

/** What one job instance did. */
export interface JobRun {
  /** `job` or `job (matrix values)`. */
  name: string;
  /** GitHub's job result. */
  result: 'success' | 'failure' | 'skipped';
  /** The job instance's workspace. */
  workspace: string;
  /** Combined output of its steps, with a header line per step. */
  log: string;
  /** Its evaluated `outputs`. */
  outputs: Record<string, string>;
}

/** What the workflow did. */
export interface WorkflowRun {
  /** Every job instance in the order they finished. */
  jobs: JobRun[];
  /** The shared artifacts directory (`<artifacts>/<name>/…`). */
  artifacts: string;
}

const JOB_KEYS = new Set(['needs', 'if', 'runs-on', 'outputs', 'strategy', 'env', 'steps', 'name']);
const STEP_KEYS = new Set(['id', 'name', 'if', 'run', 'uses', 'with', 'env']);

function refuse(where: string, keys: string[], allowed: Set<string>): void {
  const unknown = keys.filter((k) => !allowed.has(k));
  if (unknown.length > 0)
    throw new Error(`${where}: "${unknown.join('", "')}" is not emulated by the local runner`);
}

/** Reads `name=value` and `name<<DELIM … DELIM` lines of a `$GITHUB_OUTPUT`/`$GITHUB_ENV` file. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end < 0) throw new Error(`unterminated ${heredoc[1]}<<${heredoc[2]} in a command file`);
      values[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('='))
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    else if (line.trim() !== '')
      throw new Error(`command file line "${line}" is neither name=value nor name<<DELIM`);
  }
  return values;
}

function matrixOf(job: Json, name: string): Array<Record<string, ExprValue>> {
  const strategy = (job.strategy ?? {}) as Json;
  refuse(`jobs.${name}.strategy`, Object.keys(strategy), new Set(['matrix', 'fail-fast']));
  const matrix = (strategy.matrix ?? {}) as Json;
  // GitHub's default (true) cancels the other instances when one fails; that is not emulated.
  if (Object.keys(matrix).length > 0 && strategy['fail-fast'] !== false)
    throw new Error(`jobs.${name}.strategy: only "fail-fast: false" is emulated by the local runner`);
  let combos: Array<Record<string, ExprValue>> = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    if (!Array.isArray(values))
      throw new Error(`jobs.${name}.strategy.matrix.${key}: only lists are emulated`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v as ExprValue })));
  }
  return combos;
}

const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );

async function shims(dir: string, options: WorkflowOptions): Promise<string> {
  const bin = path.join(dir, 'runner-bin');
  await mkdir(bin, { recursive: true });
  const node = JSON.stringify(process.execPath);
  await writeFile(
    path.join(bin, 'npm'),
    `#!/bin/sh\nif [ "$*" = ci ]; then rm -rf node_modules && ln -s ${JSON.stringify(options.nodeModules)} node_modules && echo "npm ci: node_modules linked"; exit 0; fi\necho "local runner: npm $* is not mapped" >&2; exit 127\n`,
    { mode: 0o755 },
  );
  await writeFile(
    path.join(bin, 'npx'),
    `#!/bin/sh\ncmd="$1"; shift\nif [ -x ${JSON.stringify(options.binDir)}/"$cmd" ]; then exec ${JSON.stringify(options.binDir)}/"$cmd" "$@"; fi\necho "local runner: npx $cmd is not mapped" >&2; exit 127\n`,
    { mode: 0o755 },
  );
  await writeFile(path.join(bin, 'node'), `#!/bin/sh\nexec ${node} "$@"\n`, { mode: 0o755 });
  return bin;
}

async function runBash(
  script: string,
  cwd: string,
  env: Record<string, string>,
  limitMs: number,
): Promise<{ code: number | null; output: string }> {
  const file = path.join(
    env.RUNNER_TEMP ?? cwd,
    `step-${Date.now()}-${Math.random().toString(16).slice(2)}.sh`,
  );
  await writeFile(file, script);
  const { code, output } = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    env,
    limitMs,
  });
  return { code, output };
}

/**
 * Runs the workflow YAML (see the module comment for what is emulated and how).
 *
 * @throws Error on anything the runner does not emulate (a key, an action, an expression).
 */
export async function runWorkflow(yamlText: string, options: WorkflowOptions): Promise<WorkflowRun> {
  const workflow = parse(yamlText) as Json;
  refuse('workflow', Object.keys(workflow), new Set(['name', 'on', 'env', 'jobs']));
  const jobs = (workflow.jobs ?? {}) as Record<string, Json>;
  for (const [name, job] of Object.entries(jobs)) refuse(`jobs.${name}`, Object.keys(job), JOB_KEYS);
  const artifacts = path.join(options.root, 'artifacts');
  await mkdir(artifacts, { recursive: true });
  const bin = await shims(options.root, options);
  const secrets = options.secrets ?? {};
  const vars = options.vars ?? {};
  const done = new Map<string, { result: JobRun['result']; outputs: Record<string, string> }>();
  const finished: JobRun[] = [];
  const needsOf = (job: Json): string[] =>
    job.needs === undefined ? [] : Array.isArray(job.needs) ? (job.needs as string[]) : [String(job.needs)];
  for (const [name, job] of Object.entries(jobs))
    for (const need of needsOf(job))
      if (!(need in jobs)) throw new Error(`jobs.${name} needs unknown job "${need}"`);

  const runInstance = async (name: string, job: Json, matrix: Record<string, ExprValue>): Promise<JobRun> => {
    const label = Object.keys(matrix).length > 0 ? `${name} (${Object.values(matrix).join(', ')})` : name;
    const workspace = await mkdtemp(path.join(options.root, `ws-${name}-`));
    const temp = await mkdtemp(path.join(options.root, `tmp-${name}-`));
    const needs: Record<string, ExprValue> = {};
    for (const need of needsOf(job)) {
      const d = done.get(need);
      needs[need] = { result: d?.result ?? 'skipped', outputs: d?.outputs ?? {} };
    }
    const steps: Record<string, ExprValue> = {};
    const contexts = { matrix, needs, steps, secrets, vars, env: {} as Record<string, ExprValue> };
    const ctx: ExprContext = { contexts, succeeded: true };
    const env: Record<string, string> = {};
    const setEnv = (values: unknown) => {
      for (const [k, v] of Object.entries((values ?? {}) as Json)) env[k] = interpolate(String(v), ctx);
      contexts.env = { ...env };
    };
    setEnv(workflow.env);
    setEnv(job.env);
    let log = '';
    for (const [index, step] of ((job.steps ?? []) as Json[]).entries()) {
      const where = `jobs.${name}.steps[${index}]`;
      refuse(where, Object.keys(step), STEP_KEYS);
      const title = interpolate(String(step.name ?? step.uses ?? String(step.run ?? '').split('\n')[0]), ctx);
      if (!condition(step.if as string | undefined, ctx)) {
        log += `::step ${title} (skipped)\n`;
        continue;
      }
      log += `::step ${title}\n`;
      const stepEnv: Record<string, string> = { ...env };
      for (const [k, v] of Object.entries((step.env ?? {}) as Json)) stepEnv[k] = interpolate(String(v), ctx);
      const withs: Record<string, string> = {};
      for (const [k, v] of Object.entries((step.with ?? {}) as Json)) withs[k] = interpolate(String(v), ctx);
      let ok = true;
      let outputs: Record<string, string> = {};
      if (typeof step.run === 'string') {
        const output = path.join(temp, `output-${index}`);
        const envFile = path.join(temp, `env-${index}`);
        await writeFile(output, '');
        await writeFile(envFile, '');
        const result = await runBash(
          interpolate(step.run, ctx),
          workspace,
          {
            HOME: process.env.HOME ?? '/tmp',
            ...options.baseEnv,
            ...stepEnv,
            PATH: `${bin}:${process.env.PATH}`,
            CI: 'true',
            GITHUB_ACTIONS: 'true',
            GITHUB_WORKSPACE: workspace,
            GITHUB_OUTPUT: output,
            GITHUB_ENV: envFile,
            RUNNER_TEMP: temp,
          },
          options.stepLimitMs ?? 300_000,
        );
        log += result.output;
        ok = result.code === 0;
        if (!ok) log += `::error exit code ${result.code}\n`;
        outputs = parseCommandFile(await readFile(output, 'utf8'));
        Object.assign(env, parseCommandFile(await readFile(envFile, 'utf8')));
        contexts.env = { ...env };
      } else if (typeof step.uses === 'string') {
        log += await useAction(step.uses, withs, { workspace, artifacts, project: options.project, where });
      } else throw new Error(`${where} has neither run nor uses`);
      if (typeof step.id === 'string') steps[step.id] = { outputs, outcome: ok ? 'success' : 'failure' };
      if (!ok) ctx.succeeded = false;
    }
    const outputs: Record<string, string> = {};
    for (const [k, v] of Object.entries((job.outputs ?? {}) as Json))
      outputs[k] = interpolate(String(v), ctx);
    return { name: label, result: ctx.succeeded ? 'success' : 'failure', workspace, log, outputs };
  };

  const runJob = async (name: string, job: Json): Promise<void> => {
    const needs = needsOf(job);
    const allNeedsSucceeded = needs.every((n) => done.get(n)?.result === 'success');
    const needsCtx: Record<string, ExprValue> = {};
    for (const need of needs)
      needsCtx[need] = {
        result: done.get(need)?.result ?? 'skipped',
        outputs: done.get(need)?.outputs ?? {},
      };
    const ctx: ExprContext = {
      contexts: { needs: needsCtx, secrets, vars, env: {}, matrix: {}, steps: {} },
      succeeded: allNeedsSucceeded,
    };
    if (!condition(job.if as string | undefined, ctx)) {
      finished.push({ name, result: 'skipped', workspace: '', log: '', outputs: {} });
      done.set(name, { result: 'skipped', outputs: {} });
      return;
    }
    const instances = await Promise.all(matrixOf(job, name).map((m) => runInstance(name, job, m)));
    finished.push(...instances);
    const result = instances.every((i) => i.result === 'success') ? 'success' : 'failure';
    done.set(name, { result, outputs: Object.assign({}, ...instances.map((i) => i.outputs)) });
  };

  const pending = new Map(Object.entries(jobs));
  const running = new Map<string, Promise<void>>();
  while (pending.size > 0 || running.size > 0) {
    for (const [name, job] of [...pending]) {
      if (needsOf(job).every((n) => done.has(n))) {
        pending.delete(name);
        running.set(
          name,
          runJob(name, job).finally(() => running.delete(name)),
        );
      }
    }
    if (running.size === 0)
      throw new Error(`jobs ${[...pending.keys()].join(', ')} wait on each other (a needs cycle)`);
    await Promise.race(running.values());
  }
  return { jobs: finished, artifacts };
}

async function useAction(
  uses: string,
  withs: Record<string, string>,
  at: { workspace: string; artifacts: string; project: string; where: string },
): Promise<string> {
  const [action] = uses.split('@');
  const allow = (keys: string[]) => refuse(`${at.where}.with (${uses})`, Object.keys(withs), new Set(keys));
  if (action === 'actions/checkout') {
    allow([]);
    await cp(at.project, at.workspace, {
      recursive: true,
      filter: (src) => !/(^|\/)(node_modules|reports)(\/|$)/.test(path.relative(at.project, src)),
    });
    return `checkout: ${at.project} copied\n`;
  }
  if (action === 'actions/setup-node') {
    allow(['node-version', 'cache']);
    const major = process.versions.node.split('.')[0];
    if (withs['node-version'] !== major)
      throw new Error(
        `${at.where}: node-version ${withs['node-version']} requested, the tests run Node ${major}`,
      );
    return `setup-node: Node ${process.versions.node} (cache "${withs.cache ?? ''}" not emulated)\n`;
  }
  if (action === 'actions/upload-artifact') {
    allow(['name', 'path', 'if-no-files-found']);
    const name = withs.name ?? 'artifact';
    const source = path.resolve(at.workspace, withs.path ?? '.');
    const target = path.join(at.artifacts, name);
    await mkdir(target, { recursive: true });
    const info = await stat(source).catch(() => undefined);
    const files = info?.isDirectory() ? await readdir(source) : info ? [path.basename(source)] : [];
    if (files.length === 0 && withs['if-no-files-found'] === 'error')
      throw new Error(`${at.where}: no files at ${withs.path}`);
    if (info?.isDirectory()) await cp(source, target, { recursive: true });
    else if (info) await cp(source, path.join(target, path.basename(source)));
    return `upload-artifact: ${files.length} entr(y/ies) of ${withs.path} as "${name}"\n`;
  }
  if (action === 'actions/download-artifact') {
    allow(['name', 'pattern', 'path', 'merge-multiple']);
    const match = globToRegExp(withs.pattern ?? withs.name ?? '*');
    const names = (await readdir(at.artifacts)).filter((n) => match.test(n)).sort();
    const target = path.resolve(at.workspace, withs.path ?? '.');
    for (const n of names)
      await cp(
        path.join(at.artifacts, n),
        withs['merge-multiple'] === 'true' ? target : path.join(target, n),
        {
          recursive: true,
        },
      );
    return `download-artifact: ${names.join(', ') || 'nothing'} into ${withs.path ?? '.'}\n`;
  }
  throw new Error(`${at.where}: uses ${uses} is not emulated by the local runner`);
}
