/**
 * The local GitHub Actions runner that executes the workflow of docs/ci.md (support/actions_runner.ts),
 * on small workflows of real bash steps: the semantics the doc relies on (needs order, matrix instances
 * running at the same time, job outputs from $GITHUB_OUTPUT, $GITHUB_ENV, `if: always()`, a failed
 * matrix instance making `needs.<job>.result` "failure", artifacts) and its refusals of what it does not
 * emulate.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { evaluate } from './support/actions_expressions';
import { parseCommandFile, runWorkflow, type WorkflowOptions } from './support/actions_runner';
import { REPO_ROOT } from './support/cli_process';

const WORKFLOW = `
env:
  WHO: \${{ vars.WHO }}
  TOKEN: \${{ secrets.TOKEN }}
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      id: \${{ steps.make.outputs.ID }}
    steps:
      - uses: actions/checkout@v4
      - id: make
        run: |
          test -f hello.txt
          echo "ID=run-42" >> "$GITHUB_OUTPUT"
          echo "LATER=from-env-file" >> "$GITHUB_ENV"
      - run: test "$LATER" = from-env-file && test "$WHO" = tester && test -n "$TOKEN"
  shard:
    needs: first
    strategy:
      fail-fast: false
      matrix:
        n: [1, 2, 3]
    env:
      RUN: \${{ needs.first.outputs.id }}
    steps:
      - run: |
          mkdir -p out
          echo "shard \${{ matrix.n }} of $RUN" > out/shard-\${{ matrix.n }}.txt
          # Every instance waits until all three exist: only passes when they run at the same time.
          touch "$BARRIER/\${{ matrix.n }}"
          for i in $(seq 1 200); do [ -e "$BARRIER/1" ] && [ -e "$BARRIER/2" ] && [ -e "$BARRIER/3" ] && break; sleep 0.05; done
          [ -e "$BARRIER/1" ] && [ -e "$BARRIER/2" ] && [ -e "$BARRIER/3" ]
          [ "\${{ matrix.n }}" != 2 ] || [ "$FAIL_TWO" != yes ]
      - if: always()
        uses: actions/upload-artifact@v4
        with:
          name: out-\${{ matrix.n }}
          path: out/
  last:
    needs: [first, shard]
    if: always() && needs.first.result == 'success'
    steps:
      - uses: actions/download-artifact@v4
        with: { pattern: out-*, path: all, merge-multiple: true }
      - run: |
          cat all/shard-*.txt > summary.txt
          echo "status \${{ needs.shard.result == 'success' && 'passed' || 'failed' }}" >> summary.txt
      - uses: actions/upload-artifact@v4
        with: { name: summary, path: summary.txt }
`;

describe('local GitHub Actions runner', { timeout: 120_000 }, () => {
  let root: string;
  let project: string;
  const run = async (yaml: string, extra: Partial<WorkflowOptions> = {}) => {
    const dir = await mkdtemp(path.join(root, 'run-'));
    return runWorkflow(yaml, {
      project,
      root: dir,
      binDir: path.join(root, 'no-bin'),
      nodeModules: path.join(REPO_ROOT, 'node_modules'),
      vars: { WHO: 'tester' },
      secrets: { TOKEN: 's3cret' },
      ...extra,
    });
  };

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gridfleet-runner-'));
    project = await mkdtemp(path.join(root, 'project-'));
    await writeFile(path.join(project, 'hello.txt'), 'hi\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const failTwo of [false, true]) {
    test(`needs, matrix, outputs, env files, artifacts${failTwo ? ', with one failed matrix instance' : ''}`, async () => {
      const barrier = await mkdtemp(path.join(root, 'barrier-'));
      const { jobs, artifacts } = await run(WORKFLOW, {
        baseEnv: { BARRIER: barrier, FAIL_TWO: failTwo ? 'yes' : 'no' },
      });
      const logs = jobs.map((j) => `=== ${j.name} ${j.result}\n${j.log}`).join('\n');
      assert.deepEqual(
        jobs.map((j) => [j.name, j.result]).sort(),
        [
          ['first', 'success'],
          ['last', 'success'],
          ['shard (1)', 'success'],
          ['shard (2)', failTwo ? 'failure' : 'success'],
          ['shard (3)', 'success'],
        ],
        logs,
      );
      assert.equal(jobs.find((j) => j.name === 'first')?.outputs.id, 'run-42');
      const summary = await readFile(path.join(artifacts, 'summary', 'summary.txt'), 'utf8');
      assert.equal(
        summary,
        `shard 1 of run-42\nshard 2 of run-42\nshard 3 of run-42\nstatus ${failTwo ? 'failed' : 'passed'}\n`,
      );
    });
  }

  test('a job whose condition is false is skipped, and so are the jobs needing it by default', async () => {
    const { jobs } = await run(`
jobs:
  a:
    if: \${{ vars.WHO == 'nobody' }}
    steps: [{ run: 'true' }]
  b:
    needs: a
    steps: [{ run: 'true' }]
`);
    assert.deepEqual(
      jobs.map((j) => [j.name, j.result]),
      [
        ['a', 'skipped'],
        ['b', 'skipped'],
      ],
    );
  });

  test('anything it does not emulate is refused with the place it was found', async () => {
    const one = (steps: string) => `jobs:\n  j:\n    steps:\n${steps}`;
    await assert.rejects(
      run(one('      - uses: actions/cache@v4\n')),
      /jobs\.j\.steps\[0\]: uses actions\/cache@v4 is not emulated/,
    );
    await assert.rejects(run(one(`      - run: echo \${{ github.sha }}\n`)), /unknown context "github"/);
    await assert.rejects(
      run(one(`      - run: echo \${{ toJSON(vars) }}\n`)),
      /function toJSON\(\) is not supported/,
    );
    await assert.rejects(
      run(one('      - run: echo\n        continue-on-error: true\n')),
      /jobs\.j\.steps\[0\]: "continue-on-error" is not emulated/,
    );
    await assert.rejects(
      run('jobs:\n  j:\n    timeout-minutes: 5\n    steps: []\n'),
      /jobs\.j: "timeout-minutes" is not emulated/,
    );
    await assert.rejects(
      run('jobs:\n  j:\n    needs: nope\n    steps: []\n'),
      /jobs\.j needs unknown job "nope"/,
    );
    await assert.rejects(
      run('jobs:\n  j:\n    strategy: { matrix: { n: [1, 2] } }\n    steps: []\n'),
      /jobs\.j\.strategy: only "fail-fast: false" is emulated/,
    );
  });

  test('expressions: operators return operands, strings compare case-insensitively, typos fail', () => {
    const ctx = {
      contexts: { needs: { s: { result: 'failure', outputs: { x: '1' } } }, secrets: {}, vars: {} },
      succeeded: true,
    };
    assert.equal(evaluate("needs.s.result == 'success' && 'passed' || 'failed'", ctx), 'failed');
    assert.equal(evaluate("needs.s.result == 'FAILURE'", ctx), true);
    assert.equal(evaluate("!(needs.s.outputs.x != '1')", ctx), true);
    assert.equal(evaluate('secrets.MISSING', ctx), '');
    assert.throws(() => evaluate('needs.s.outputs.y', ctx), /needs\.s\.outputs\.y is not defined/);
    assert.throws(() => evaluate("needs.s.result == 'a' ? 1 : 2", ctx), /unsupported/);
  });

  test('command files: name=value and heredoc values', () => {
    assert.deepEqual(parseCommandFile('A=1\nB<<EOF\nline 1\nline=2\nEOF\nC=x=y\n'), {
      A: '1',
      B: 'line 1\nline=2',
      C: 'x=y',
    });
    assert.throws(() => parseCommandFile('oops\n'), /neither name=value nor name<<DELIM/);
  });
});
