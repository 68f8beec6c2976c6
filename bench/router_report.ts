import type { MachineInfo } from './machine';
import { markdownTable } from './report';
import type { RouterBenchResults } from './router_bench';
import type { Summary } from './stats';

const v = (x: number | null | undefined, unit = ''): string =>
  x === null || x === undefined ? 'n/a' : `${x}${unit}`;
const mp = (s: Summary, unit = ' ms'): string => `${v(s.median, unit)} / ${v(s.p95, unit)}`;
const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/** Renders the router-era set as a Markdown table (the router-era table of `docs/performance.md`). */
export function formatRouterTable(
  r: RouterBenchResults,
  meta: { generatedAt: string; profile: string; machine: MachineInfo },
): string {
  const { ours, testkit } = r.roundTrips;
  const w = r.scenarioWallMs;
  const rows: string[][] = [
    [
      'measure (router era)',
      'gridfleet-cucumber (median / p95)',
      'testkit 0.16.2 flow',
      'bare webdriverio',
      'target',
    ],
    [
      '1. public API round trips per scenario',
      `${mp(ours.api.perScenario, '')} (mean ${ours.api.perScenarioMean})`,
      `${mp(testkit.api.perScenario, '')} (mean ${testkit.api.perScenarioMean})`,
      '0',
      `<= 1: ${mark((ours.api.perScenario.p95 ?? 99) <= 1)}`,
    ],
    [
      '1. internal router ↔ manager calls per scenario',
      `mean ${ours.internalPerScenarioMean}`,
      `mean ${testkit.internalPerScenarioMean}`,
      '',
      'counted apart',
    ],
    ['2. scenario wall time (after the first)', mp(w.ours), mp(w.testkit), mp(w.bareWebdriverio), ''],
    [
      '2. added over bare webdriverio (median)',
      v(w.oursOverBareMedianMs, ' ms'),
      v(w.testkitOverBareMedianMs, ' ms'),
      '0 ms',
      `<= 10 ms: ${mark((w.oursOverBareMedianMs ?? 99) <= 10)}`,
    ],
    [
      '3. device idle gap, 4 workers / 2 devices, 1 s retry',
      `${mp(r.idleGapMs.ours.all)} (n ${r.idleGapMs.ours.all.n})`,
      `${mp(r.idleGapMs.testkit.all)} (n ${r.idleGapMs.testkit.all.n})`,
      '',
      `p95 <= 100 ms: ${mark((r.idleGapMs.ours.all.p95 ?? 1e9) <= 100)}`,
    ],
    [
      "3. same, workers' first sessions left out",
      `${mp(r.idleGapMs.ours.steady)} (n ${r.idleGapMs.ours.steady.n})`,
      `${mp(r.idleGapMs.testkit.steady)} (n ${r.idleGapMs.testkit.steady.n})`,
      '',
      `p95 <= 100 ms: ${mark((r.idleGapMs.ours.steady.p95 ?? 1e9) <= 100)}`,
    ],
  ];
  const m = meta.machine;
  return [
    `gridfleet-cucumber bench, router era (${meta.profile}), ${meta.generatedAt}`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.os}, load average ${m.loadAverage1m}`,
    '',
    markdownTable(rows),
  ].join('\n');
}
