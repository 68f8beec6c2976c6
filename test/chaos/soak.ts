/**
 * Soak (`npm run soak`): 500 short scenarios, `--parallel 4`, 3 devices (the demo lab's android_mobile
 * lane), 5% random manager 5xx on every endpoint. Checks the matrix invariants (no leak, every status
 * right, exit code consistent) and samples the cucumber process's resident memory (VmRSS, one process:
 * cucumber's workers are threads): after warm-up (at 20% of the run) and at the end; the end must be
 * within 20% of the warm-up figure. Figures go to .results/chaos/results.json under `soak`.
 *
 * `SOAK_GENERATION=router` soaks the router era instead (router-generation lab + router simulator, row
 * `soak-router`): the 5% random 5xx hit the public API and the router's `create-session` calls.
 */
import { readFileSync } from 'node:fs';
import { liveChildPids } from '../support';
import type { ChaosRow } from './support/chaos_row';
import { matrixSuite } from './support/matrix_suite';
import { routerMatrixSuite } from './support/router_matrix_suite';

const SCENARIOS = Number(process.env.SOAK_SCENARIOS ?? 500);
const ROUTER = process.env.SOAK_GENERATION === 'router';
if (process.env.SOAK_GENERATION !== undefined && !ROUTER && process.env.SOAK_GENERATION !== 'claim')
  throw new Error(`SOAK_GENERATION must be claim or router (got "${process.env.SOAK_GENERATION}")`);

function cucumberPid(): number | undefined {
  return liveChildPids().find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cucumber.js');
    } catch {
      return false;
    }
  });
}

function rssKiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Where the random 5xx land: the public API, and in the router era also the router's create-session calls. */
const FAULT_PATH = ROUTER ? '/^\\/(api|internal\\/grid\\/create-session)/' : '/api/**';

const samples: Array<{ t: number; rss: number }> = [];
const feature = `Feature: Soak\n${Array.from(
  { length: SCENARIOS },
  (_, i) => `  Scenario: Soak ${i + 1}\n    When I look at the screen\n`,
).join('\n')}`;

const row: ChaosRow = {
  // A shorter soak gets its own id, so it never overwrites the 500-scenario figures.
  id: `soak${ROUTER ? '-router' : ''}${SCENARIOS === 500 ? '' : `-${SCENARIOS}`}`,
  group: 'manager',
  fault: ROUTER
    ? `soak (router era): ${SCENARIOS} scenarios, --parallel 4, 3 devices, 5% random 5xx on every /api request and on the router's create-session calls`
    : `soak: ${SCENARIOS} scenarios, --parallel 4, 3 devices, 5% random 5xx on every /api request`,
  feature,
  parallel: 4,
  limitMs: 1_500_000,
  faults: [
    { path: FAULT_PATH, status: 500, probability: 0.03 },
    { path: FAULT_PATH, status: 503, probability: 0.02 },
  ],
  exitCode: 'consistent',
  during: async () => {
    const started = Date.now();
    let pid: number | undefined;
    while (pid === undefined && Date.now() - started < 60_000) {
      pid = cucumberPid();
      await new Promise((r) => setTimeout(r, 200));
    }
    if (pid === undefined) throw new Error('soak: cucumber process not found');
    for (let rss = rssKiB(pid); rss !== undefined; rss = rssKiB(pid)) {
      samples.push({ t: Date.now() - started, rss });
      await new Promise((r) => setTimeout(r, 1000));
    }
  },
  extra: () => {
    const last = samples.at(-1);
    const total = last?.t ?? 0;
    const warm = samples.find((s) => s.t >= total * 0.2);
    const ratio = warm && last ? last.rss / warm.rss : Number.NaN;
    return {
      rss_after_warmup_mib: warm ? Math.round(warm.rss / 102.4) / 10 : null,
      rss_at_end_mib: last ? Math.round(last.rss / 102.4) / 10 : null,
      rss_end_vs_warmup: Math.round(ratio * 1000) / 1000,
      rss_peak_mib: Math.round(Math.max(...samples.map((s) => s.rss)) / 102.4) / 10,
      // The curve at every tenth of the run, to tell growth that levels off from a leak.
      // A string: results.json stays in the formatter's shape (it would put a number array on one line).
      rss_curve_mib: Array.from({ length: 11 }, (_, i) => {
        const at = samples.find((s) => s.t >= (total * i) / 10) ?? last;
        return at ? Math.round(at.rss / 102.4) / 10 : '?';
      }).join(' → '),
      duration_s: Math.round(total / 1000),
      rss_within_20_percent: ratio <= 1.2,
    };
  },
};

if (ROUTER) routerMatrixSuite('soak (router era)', [row]);
else matrixSuite('soak', [row]);
