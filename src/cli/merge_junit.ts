import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GridFleetError } from '../client/errors';

/** Totals of a merged JUnit report. */
export interface JunitTotals {
  /** Test cases. */
  tests: number;
  /** Failed test cases. */
  failures: number;
  /** Errored test cases. */
  errors: number;
  /** Skipped test cases. */
  skipped: number;
  /** Seconds, summed over the shards (machine time, not wall time). */
  time: number;
  /** Number of `<testsuite>` elements merged. */
  suites: number;
}

const SUITE = /<testsuite\b[^>]*?(?:\/>|>[\s\S]*?<\/testsuite>)/g;
const escapeAttr = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function attr(openTag: string, name: string): number {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(openTag);
  const n = m ? Number(m[1]) : 0;
  return Number.isFinite(n) ? n : 0;
}

/**
 * Merges the JUnit files of several shards (cucumber-js `--format junit:FILE`, one `<testsuite>` each)
 * into one `<testsuites>` document with summed totals. Each suite's name gets its file's name appended, so
 * a CI report shows which shard ran which scenario.
 *
 * @throws Error naming a file that holds no `<testsuite>` element.
 */
export function mergeJunitFiles(inputs: readonly string[], output: string, name = 'Cucumber'): JunitTotals {
  const totals: JunitTotals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0, suites: 0 };
  const blocks: string[] = [];
  for (const file of inputs) {
    const xml = readFileSync(file, 'utf8');
    const suites = xml.match(SUITE) ?? [];
    if (suites.length === 0) {
      throw new GridFleetError(
        `${file} holds no <testsuite> element; pass the files cucumber-js wrote with --format junit:FILE.`,
      );
    }
    const label = path.basename(file).replace(/\.xml$/i, '');
    for (const suite of suites) {
      const open = /^<testsuite\b[^>]*>/.exec(suite)?.[0] ?? '';
      totals.tests += attr(open, 'tests');
      totals.failures += attr(open, 'failures');
      totals.errors += attr(open, 'errors');
      totals.skipped += attr(open, 'skipped');
      totals.time += attr(open, 'time');
      totals.suites += 1;
      blocks.push(
        suite.replace(
          /^(<testsuite\b[^>]*?\sname=")([^"]*)"/,
          (_all, head: string, value: string) => `${head}${value} (${escapeAttr(label)})"`,
        ),
      );
    }
  }
  const time = Math.round(totals.time * 1000) / 1000;
  writeFileSync(
    output,
    '<?xml version="1.0"?>\n' +
      `<testsuites name="${escapeAttr(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${time}">\n` +
      `${blocks.join('\n')}\n</testsuites>\n`,
  );
  return { ...totals, time };
}
