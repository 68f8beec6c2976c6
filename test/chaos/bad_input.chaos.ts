/**
 * Bad input (issue #5): every configuration field with a wrong value, bad requirement JSON, unknown or
 * ambiguous platforms, a malformed GRIDFLEET_RUN_ID, and bad test data. Each config case runs the real
 * cucumber-js CLI against its own lab and must fail with a message naming the field and the fix, before
 * any device is reserved (the lab's request log shows no `POST /api/runs`).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { type RunningLab, startLab } from '../../lab/src/manager';
import { DEMO_LAB_PATH, parseLabFile } from '../../lab/src/manager/lab_file';
import { FixtureSuite } from '../cucumber/support/cucumber_fixture';
import { ANDROID_LANE, FIXTURE_STEPS } from '../cucumber/support/fixture_steps';
import { BAD_INPUTS, type BadInput } from './support/bad_inputs';

const FEATURE = `Feature: Bad input
  Scenario: Needs a device
    When I look at the screen
`;
const RESULTS = path.resolve(__dirname, '..', '..', '.results', 'chaos', 'bad_input_results.json');
const CONCURRENCY = 3;

/** The demo lab with the disabled Espresso pack enabled and offering android_mobile too. */
function ambiguousLab() {
  const text = readFileSync(DEMO_LAB_PATH, 'utf8')
    .replace(/state: disabled/, 'state: enabled')
    .replace(/- id: android_espresso/, '- id: android_mobile');
  return parseLabFile(parseYaml(text), 'ambiguous.yaml');
}

async function apiRequests(lab: RunningLab): Promise<string[]> {
  const body = (await (await fetch(`${lab.url}/lab/requests`)).json()) as Array<{
    method: string;
    path: string;
  }>;
  return body.map((r) => `${r.method} ${r.path}`);
}

interface Outcome {
  id: string;
  input: string;
  exit_code: number | null;
  message: string;
  runs_created: number;
}

async function runCase(bad: BadInput): Promise<Outcome> {
  const lab = await startLab({ port: 0, ...(bad.ambiguousLab ? { lab: ambiguousLab() } : {}) });
  const suite = await FixtureSuite.create({
    'features/suite.feature': FEATURE,
    'support/steps.js': FIXTURE_STEPS,
  });
  try {
    const args =
      bad.gridfleet === undefined ? [] : ['--world-parameters', JSON.stringify({ gridfleet: bad.gridfleet })];
    const result = await suite.run(args, {
      env: { ...ANDROID_LANE, GRIDFLEET_API_URL: lab.apiUrl, GRID_URL: 'http://127.0.0.1:9', ...bad.env },
    });
    const text = result.stdout + result.stderr;
    const requests = await apiRequests(lab);
    const runsCreated = requests.filter((r) => r === 'POST /api/runs').length;
    const explain = `case ${bad.id}\nexit ${result.exitCode}\n${text}\nrequests: ${requests.join(', ')}`;
    assert.equal(result.exitCode, 1, explain);
    for (const pattern of bad.message) assert.match(text, pattern, explain);
    assert.equal(runsCreated, 0, `a run was reserved despite the bad input\n${explain}`);
    const line =
      text
        .split('\n')
        .map((l) => l.trim())
        .find((l) => bad.message.every((p) => p.test(l))) ??
      text
        .split('\n')
        .map((l) => l.trim())
        .find((l) => bad.message[0]?.test(l)) ??
      '';
    return {
      id: bad.id,
      input: bad.input,
      exit_code: result.exitCode,
      message: line,
      runs_created: runsCreated,
    };
  } finally {
    await suite.remove();
    await lab.close();
  }
}

describe('bad input fails clearly before any device is reserved', { timeout: 600_000 }, () => {
  const outcomes: Outcome[] = [];
  const failures: string[] = [];
  test('every case', async () => {
    const queue = [...BAD_INPUTS];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let bad = queue.shift(); bad; bad = queue.shift()) {
          try {
            outcomes.push(await runCase(bad));
          } catch (error) {
            failures.push((error as Error).message);
          }
        }
      }),
    );
    outcomes.sort(
      (a, b) => BAD_INPUTS.findIndex((x) => x.id === a.id) - BAD_INPUTS.findIndex((x) => x.id === b.id),
    );
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(outcomes, null, 2)}\n`);
    assert.deepEqual(failures, [], failures.join('\n\n=====\n\n'));
  });
});
