/**
 * The GitHub Actions workflow of docs/ci.md, checked by the real actionlint: the documented file is clean,
 * and the mistakes a doc edit typically makes are reported (so a clean result means something).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from './support/cli_process';
import { lintWorkflow, parseWorkflow, runScripts, substitute, workflowOfDoc } from './support/workflow';

const docWorkflow = async () => workflowOfDoc(await readFile(path.join(REPO_ROOT, 'docs', 'ci.md'), 'utf8'));

/** Replaces `from` by `to` in the workflow, failing if `from` is not there (the doc changed under the test). */
function broken(yaml: string, from: string, to: string): string {
  assert.ok(yaml.includes(from), `the workflow no longer contains ${JSON.stringify(from)}`);
  return yaml.replace(from, to);
}

describe('docs/ci.md GitHub Actions workflow under actionlint', () => {
  test('the documented workflow has no findings', async () => {
    assert.deepEqual(await lintWorkflow(await docWorkflow()), []);
  });

  test('typical mistakes are reported with their line', async () => {
    const yaml = await docWorkflow();
    const cases: [string, string, string, RegExp][] = [
      [
        'a job output that does not exist',
        'outputs.run_id }}\n    steps',
        'outputs.runid }}\n    steps',
        /property "runid" is not defined/,
      ],
      [
        'a matrix key that does not exist',
        'matrix.shard }}/3',
        'matrix.shrd }}/3',
        /property "shrd" is not defined/,
      ],
      ['an unknown function', 'if: always() && needs', 'if: alway() && needs', /undefined function "alway"/],
      [
        'a needs on a missing job',
        'needs: reserve\n',
        'needs: reservee\n',
        /job "shard" needs job "reservee" which does not exist/,
      ],
      [
        'an unknown input of a known action',
        'node-version: 24, cache',
        'node-versoin: 24, cache',
        /input "node-versoin" is not defined/,
      ],
      [
        'a misspelled runner label',
        'runs-on: ubuntu-latest\n    outputs',
        'runs-on: ubuntu-latst\n    outputs',
        /label "ubuntu-latst" is unknown/,
      ],
      [
        'an unknown job key',
        '    strategy:\n',
        '    stratgy:\n',
        /unexpected key "stratgy" for "job" section/,
      ],
      ['a needs cycle', 'needs: reserve\n', 'needs: [reserve, finish]\n', /cyclic dependencies in "needs"/],
      [
        'a YAML syntax error',
        'runs-on: ubuntu-latest\n    outputs:',
        'runs-on: ubuntu-latest\n   outputs:',
        /could not parse as YAML|syntax/i,
      ],
    ];
    for (const [what, from, to, expected] of cases) {
      const findings = await lintWorkflow(broken(yaml, from, to));
      assert.ok(
        findings.some((f) => expected.test(f) && /^\.github\/workflows\/device-tests\.yml:\d+:\d+: /.test(f)),
        `${what}: expected a finding matching ${expected}, got:\n${findings.join('\n')}`,
      );
    }
  });

  test('untrusted input in a run script is reported', async () => {
    const yaml = `${await docWorkflow()}      - run: echo "\${{ github.event.head_commit.message }}"\n`;
    const findings = await lintWorkflow(yaml);
    assert.ok(
      findings.some((f) => /potentially untrusted/.test(f)),
      findings.join('\n'),
    );
  });
});

describe('run scripts of the workflow (what the e2e test executes)', () => {
  test('every job parses; its run: steps come out with the expressions replaced', async () => {
    const workflow = parseWorkflow(await docWorkflow());
    assert.deepEqual(Object.keys(workflow.jobs), ['reserve', 'shard', 'finish']);
    assert.deepEqual(runScripts(workflow, 'reserve', {}), [
      'npm ci',
      'npx gridfleet-cucumber doctor --timeout 120',
      'npx gridfleet-cucumber run create --output-env "$GITHUB_OUTPUT"',
    ]);
    const [, shard] = runScripts(workflow, 'shard', { 'matrix.shard': '2' });
    assert.match(shard ?? '', /^npx cucumber-js --shard 2\/3 --format junit:reports\/junit-shard-2\.xml /);
  });

  test('an expression missing from the table is an error that names it', () => {
    assert.equal(substitute(`a \${{ x }} b`, { x: '1' }), 'a 1 b');
    assert.throws(
      () => substitute(`--shard \${{ matrix.shard }}/3`, {}),
      /uses \$\{\{ matrix\.shard \}\}, which the test's value table does not have/,
    );
  });
});
