/**
 * Prints .results/chaos/results.json (git-ignored, written by the chaos rows) as the Markdown table of
 * docs/reliability.md
 * (`npx node --require ts-node/register test/chaos/render_results.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { RESULTS_FILE, type RowFigures } from './support/chaos_row';
import { ROUTER_FAST_ROWS, ROUTER_FULL_ROWS } from './support/router_rows';
import { FAST_ROWS, FULL_ROWS } from './support/rows';

/** Rows that check a message (the others recover, or only need the exit code). */
const CHECKED = new Set(
  [...FAST_ROWS, ...FULL_ROWS, ...ROUTER_FAST_ROWS, ...ROUTER_FULL_ROWS]
    .filter((r) => r.message)
    .map((r) => r.id),
);

if (!existsSync(RESULTS_FILE)) {
  console.error(
    `${RESULTS_FILE} does not exist: run the chaos rows first (npm run test:chaos), they write their figures there`,
  );
  process.exit(1);
}
const { generated_at, rows } = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as {
  generated_at: string;
  rows: Record<string, RowFigures>;
};
const order = ['manager', 'appium-grid', 'cucumber', 'run'];
const sorted = Object.values(rows).sort(
  (a, b) => order.indexOf(a.group) - order.indexOf(b.group) || a.id.localeCompare(b.id),
);
console.log(`Figures from ${generated_at}.\n`);
console.log(
  '| row | group | fault | runs | scenarios | faults injected | claims leaked | statuses wrong | exit (expected) | cause named |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of sorted) {
  const exit = `${r.exit_code} (${r.expected_exit_code})`;
  console.log(
    `| \`${r.id}\` | ${r.group} | ${r.fault.replace(/\|/g, '\\|')} | ${r.runs} | ${r.scenarios} | ${r.faults_injected} | ${r.claims_leaked} | ${r.statuses_wrong} | ${exit} | ${CHECKED.has(r.id) ? (r.message_ok ? 'yes' : 'NO') : '–'} |`,
  );
}
