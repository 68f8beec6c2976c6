import type { MachineInfo } from './machine';
import { ratio, type Summary } from './stats';

/** The parts of `.results/bench/results.json` (written by bench/run.ts) the table shows. */
export interface BenchResults {
  generatedAt: string;
  profile: string;
  machine: MachineInfo;
  roundTrips: {
    ours: { perScenarioMean: number; perScenario: Summary; runLevel: number } | undefined;
    recipe: { perScenarioMean: number; perScenario: Summary; runLevel: number };
  };
  scenarioWallMs: {
    bareWebdriverio: Summary;
    ours: Summary;
    recipe: Summary;
    oursOverBareMedianMs: number | null;
    recipeOverBareMedianMs: number | null;
    oursToBare: number | null;
    oursToRecipe: number | null;
  };
  idleGapMs: { ours: Summary & { failedClaims: number }; recipe: Summary & { failedClaims: number } };
  startup: {
    launchToFirstStepMs: Summary;
    plainCucumberLaunchToFirstStepMs: Summary;
    firstScenarioMs: number;
    requireRegisterMs: Summary;
  };
  scaling: {
    scenariosPerSec: { w1: number; w2: number; w4: number };
    speedup2: number | null;
    speedup4: number | null;
    recipe1wPerSec: number;
    /** Bare webdriverio create/quit loops side by side: what the machine itself scales to. */
    bareSessionsPerSec: { l1: number; l2: number; l4: number };
    bareSpeedup2: number | null;
    bareSpeedup4: number | null;
    /** Scenarios that hold their device `holdMs` (device time dominates, as on real devices). */
    deviceBound: { holdMs: number; scenariosPerSec: { w1: number; w2: number }; speedup2: number | null };
  };
}

const v = (x: number | null | undefined, unit = ''): string =>
  x === null || x === undefined ? 'n/a' : `${x}${unit}`;
const mp = (s: Summary | undefined, unit = ' ms'): string =>
  s ? `${v(s.median, unit)} / ${v(s.p95, unit)}` : 'n/a';
const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/** Renders the results as a Markdown table (the same table `docs/performance.md` shows). */
export function formatTable(r: BenchResults): string {
  const ours = r.roundTrips.ours;
  const rows: string[][] = [
    ['measure', 'gridfleet-cucumber (median / p95)', 'testkit recipe', 'bare webdriverio', 'target'],
    [
      '1. manager round trips per scenario',
      ours ? `${mp(ours.perScenario, '')} (mean ${ours.perScenarioMean})` : 'n/a',
      `${mp(r.roundTrips.recipe.perScenario, '')} (mean ${r.roundTrips.recipe.perScenarioMean})`,
      '0',
      `<= 5: ${mark((ours?.perScenario.p95 ?? 99) <= 5)}`,
    ],
    [
      '2. scenario wall time (after the first)',
      mp(r.scenarioWallMs.ours),
      mp(r.scenarioWallMs.recipe),
      mp(r.scenarioWallMs.bareWebdriverio),
      '',
    ],
    [
      '2. added over bare webdriverio (median)',
      `${v(r.scenarioWallMs.oursOverBareMedianMs, ' ms')} (x${v(r.scenarioWallMs.oursToBare)} bare, x${v(r.scenarioWallMs.oursToRecipe)} recipe)`,
      v(r.scenarioWallMs.recipeOverBareMedianMs, ' ms'),
      '0 ms',
      `<= 10 ms: ${mark((r.scenarioWallMs.oursOverBareMedianMs ?? 99) <= 10)}`,
    ],
    [
      '3. device idle gap, 4 workers / 2 devices',
      `${mp(r.idleGapMs.ours)} (${r.idleGapMs.ours.failedClaims} refused claims)`,
      `${mp(r.idleGapMs.recipe)} (${r.idleGapMs.recipe.failedClaims} refused claims)`,
      '',
      `p95 <= 100 ms: ${mark((r.idleGapMs.ours.p95 ?? 1e9) <= 100)}`,
    ],
    [
      '4. launch to first step (1 scenario, serial)',
      mp(r.startup.launchToFirstStepMs),
      '',
      `${mp(r.startup.plainCucumberLaunchToFirstStepMs)} (plain cucumber)`,
      `<= 1500 ms: ${mark((r.startup.launchToFirstStepMs.median ?? 1e9) <= 1500)}`,
    ],
    ["4. require('gridfleet-cucumber/register')", mp(r.startup.requireRegisterMs), '', '', ''],
    [
      '5. steady scenarios/s, 1 / 2 / 4 workers',
      `${r.scaling.scenariosPerSec.w1} / ${r.scaling.scenariosPerSec.w2} / ${r.scaling.scenariosPerSec.w4} (x${v(r.scaling.speedup2)}, x${v(r.scaling.speedup4)})`,
      `${r.scaling.recipe1wPerSec} (1 worker)`,
      '',
      `2w >= 1.8x 1w: ${mark((r.scaling.speedup2 ?? 0) >= 1.8)}`,
    ],
    [
      '5. same, share of the machine ceiling (2 / 4)',
      `${v(ratio(r.scaling.speedup2, r.scaling.bareSpeedup2))} / ${v(ratio(r.scaling.speedup4, r.scaling.bareSpeedup4))}`,
      '',
      `${r.scaling.bareSessionsPerSec.l1} / ${r.scaling.bareSessionsPerSec.l2} / ${r.scaling.bareSessionsPerSec.l4} sessions/s (x${v(r.scaling.bareSpeedup2)}, x${v(r.scaling.bareSpeedup4)})`,
      '',
    ],
    [
      `5. device-bound scenarios/s (${r.scaling.deviceBound.holdMs} ms on the device), 1 / 2 workers`,
      `${r.scaling.deviceBound.scenariosPerSec.w1} / ${r.scaling.deviceBound.scenariosPerSec.w2} (x${v(r.scaling.deviceBound.speedup2)})`,
      '',
      '',
      `2w >= 1.8x 1w: ${mark((r.scaling.deviceBound.speedup2 ?? 0) >= 1.8)}`,
    ],
  ];
  const m = r.machine;
  return [
    `gridfleet-cucumber bench (${r.profile}), ${r.generatedAt}`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.os}, load average ${m.loadAverage1m}`,
    '',
    markdownTable(rows),
  ].join('\n');
}

/** Renders rows (the first is the header) as an aligned Markdown table. */
export function markdownTable(rows: readonly string[][]): string {
  const widths = (rows[0] as string[]).map((_, i) =>
    Math.max(...rows.map((row) => (row[i] as string).length)),
  );
  const line = (row: readonly string[]): string =>
    `| ${row.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [
    line(rows[0] as string[]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}
