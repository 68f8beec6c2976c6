/**
 * `report messages` / `report html` on real `--format message` output of cucumber-js 13 shards (a plain
 * suite, no lab needed): two shards of one suite merged into one stream whose every reference resolves,
 * with each scenario's status and attachments, rendered by cucumber's HTML renderer; and the clear errors
 * for a file that is not a message stream and for shards of different suites. The same merge on shards
 * that ran on the device stack is checked in shard_recipe.e2e.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { mergeMessageFiles } from '../../src/cli/merge_reports';
import { envelopeType, parseMessageStream } from '../../src/cli/message_stream';
import { explain, makeProject, removeProject, runCliProcess } from './support/cli_process';
import { envelopesOfHtmlReport } from './support/html_envelopes';
import {
  danglingReferences,
  messagesOf,
  runCucumber,
  scenarioResults,
  shardFile,
} from './support/message_checks';

const SCREENS = `@screens
Feature: Screens
  Background:
    Given the app is open

  Scenario: Home renders
    When I take a screenshot

  Scenario Outline: <page> renders
    When I take a screenshot
    Examples:
      | page     |
      | Settings |
      | Profile  |

  Scenario: Login fails on purpose
    When I take a screenshot
    Then it fails
`;

const CART = `Feature: Cart
  Rule: checkout
    Scenario: Empty cart
      When I take a screenshot
    Scenario: Pending payment
      When I wait for the payment
    Scenario: Undefined coupon step
      When I type a coupon nobody implemented
`;

// Two hooks on one line (registered in a loop) must stay two hooks after the merge.
const STEPS = `const { Given, When, Then, Before, After, BeforeAll } = require('@cucumber/cucumber');
BeforeAll(function () {});
for (const name of ['first', 'second']) Before({ name }, function () {});
After(function () { this.attach('log line with <html> & "quotes"', 'text/plain'); });
Given('the app is open', function () {});
When('I take a screenshot', function () { this.attach(Buffer.from('89504e470d0a1a0a66616b65', 'hex'), 'image/png'); });
When('I wait for the payment', function () { return 'pending'; });
Then('it fails', function () { throw new Error('expected <ok> but was <broken>'); });
`;

/** The part of `@cucumber/query`'s Query this test reads. */
interface CucumberQuery {
  update(envelope: unknown): void;
  findAllTestCaseStarted(): unknown[];
  findPickleBy(started: unknown): { name: string } | undefined;
  findLineageBy(started: unknown): { feature?: { name: string } } | undefined;
  findMostSevereTestStepResultBy(started: unknown): { status: string } | undefined;
  findTestRunFinished(): { success: boolean } | undefined;
}

const byValue = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

const ARGS = ['--require', 'support/*.js', 'features/**/*.feature'];
const shardArgs = (n: number, extra: string[] = []) => [
  ...ARGS,
  '--shard',
  `${n}/2`,
  '--format',
  `message:reports/messages-shard-${n}.ndjson`,
  ...extra,
];

const EXPECTED = [
  { name: 'Empty cart', status: 'PASSED', attachments: ['image/png', 'text/plain'] },
  { name: 'Home renders', status: 'PASSED', attachments: ['image/png', 'text/plain'] },
  { name: 'Login fails on purpose', status: 'FAILED', attachments: ['image/png', 'text/plain'] },
  { name: 'Pending payment', status: 'PENDING', attachments: ['text/plain'] },
  { name: 'Profile renders', status: 'PASSED', attachments: ['image/png', 'text/plain'] },
  { name: 'Settings renders', status: 'PASSED', attachments: ['image/png', 'text/plain'] },
  { name: 'Undefined coupon step', status: 'UNDEFINED', attachments: ['text/plain'] },
];

describe('report messages / report html: merging the shards of one cucumber run', {
  timeout: 180_000,
}, () => {
  let dir: string;
  let single: string;
  const cli = (args: string[]) => runCliProcess(args, { cwd: dir });

  before(async () => {
    dir = await makeProject({
      'features/screens.feature': SCREENS,
      'features/cart.feature': CART,
      'support/steps.js': STEPS,
    });
    const shards = await Promise.all([1, 2].map((n) => runCucumber(dir, shardArgs(n))));
    // The failing, pending and undefined scenarios make both shards exit 1; that is the point.
    for (const shard of shards) assert.equal(shard.code, 1, `${shard.stdout}\n${shard.stderr}`);
    // The same suite unsharded, as the reference the merge must reproduce.
    single = path.join(dir, 'reports', 'messages-single.ndjson');
    const whole = await runCucumber(dir, [...ARGS, '--format', 'message:reports/messages-single.ndjson']);
    assert.equal(whole.code, 1, whole.stdout);
  });
  after(async () => {
    await removeProject(dir);
  });

  test('cucumber-js gives each shard its own random ids, and every shard carries every pickle', () => {
    const [one, two] = [1, 2].map((n) =>
      parseMessageStream(readFileSync(shardFile(dir, n), 'utf8'), `shard ${n}`),
    );
    assert.ok(one && two);
    const names = (envs: typeof one) => messagesOf(envs, 'pickle').map((p) => p.name);
    assert.deepEqual(names(one), names(two));
    assert.equal(names(one).length, 7);
    const ids = (envs: typeof one) => new Set(messagesOf(envs, 'pickle').map((p) => p.id as string));
    assert.equal([...ids(one)].filter((id) => ids(two).has(id)).length, 0, 'the same pickle, different ids');
    assert.equal(messagesOf(one, 'testCase').length + messagesOf(two, 'testCase').length, 7);
  });

  test('report messages: one valid run with every scenario, its status and attachments, like the unsharded run', async () => {
    const result = await cli([
      'report',
      'messages',
      '-o',
      'reports/merged.ndjson',
      shardFile(dir, 1),
      shardFile(dir, 2),
    ]);
    assert.equal(result.code, 0, explain(result));
    assert.match(
      result.stdout,
      /merged 2 message stream\(s\) into reports\/merged.ndjson: 7 scenario\(s\), 7 test case\(s\), run failed/,
    );
    const merged = parseMessageStream(
      await readFile(path.join(dir, 'reports', 'merged.ndjson'), 'utf8'),
      'merged',
    );
    const reference = parseMessageStream(await readFile(single, 'utf8'), 'single');

    assert.deepEqual(danglingReferences(merged), []);
    const count = (envs: typeof merged) => {
      const counts: Record<string, number> = {};
      for (const e of envs) counts[envelopeType(e)] = (counts[envelopeType(e)] ?? 0) + 1;
      return counts;
    };
    // Same shape as one process running everything, except that each shard ran its own BeforeAll.
    const { testRunHookStarted, testRunHookFinished, ...mergedCounts } = count(merged);
    const { testRunHookStarted: h1, testRunHookFinished: h2, ...singleCounts } = count(reference);
    assert.deepEqual(mergedCounts, singleCounts);
    assert.deepEqual([testRunHookStarted, testRunHookFinished, h1, h2], [2, 2, 1, 1]);
    assert.equal(messagesOf(merged, 'hook').length, 4, 'BeforeAll, two Befores on one line, After');
    assert.equal(envelopeType(merged[0] ?? {}), 'meta');
    assert.equal(envelopeType(merged.at(-1) ?? {}), 'testRunFinished');
    assert.equal(messagesOf(merged, 'testRunFinished')[0]?.success, false);

    assert.deepEqual(scenarioResults(merged), EXPECTED);
    assert.deepEqual(scenarioResults(reference), EXPECTED);

    // The run spans both shards: earliest start, latest finish.
    const nanos = (t: unknown) => {
      const { seconds, nanos: n } = t as { seconds: number; nanos: number };
      return BigInt(seconds) * 1_000_000_000n + BigInt(n);
    };
    const shards = [1, 2].map((n) =>
      parseMessageStream(readFileSync(shardFile(dir, n), 'utf8'), `shard ${n}`),
    );
    const starts = shards.map((s) => nanos(messagesOf(s, 'testRunStarted')[0]?.timestamp));
    const ends = shards.map((s) => nanos(messagesOf(s, 'testRunFinished')[0]?.timestamp));
    assert.equal(nanos(messagesOf(merged, 'testRunStarted')[0]?.timestamp), [...starts].sort(byValue)[0]);
    assert.equal(nanos(messagesOf(merged, 'testRunFinished')[0]?.timestamp), [...ends].sort(byValue).at(-1));
  });

  test("cucumber's own message reader (@cucumber/query, behind its HTML and JUnit formatters) reads the merged run", async () => {
    // Resolved the way cucumber-js itself reaches it (cucumber → junit-xml-formatter → query).
    const from = (pkg: string, dir: string) =>
      path.dirname(require.resolve(`${pkg}/package.json`, { paths: [dir] }));
    const junit = from('@cucumber/junit-xml-formatter', from('@cucumber/cucumber', dir));
    const { Query } = (await import(
      pathToFileURL(require.resolve('@cucumber/query', { paths: [junit] })).href
    )) as {
      Query: new () => CucumberQuery;
    };
    const query = new Query();
    const text = await readFile(path.join(dir, 'reports', 'merged.ndjson'), 'utf8');
    for (const envelope of parseMessageStream(text, 'merged')) query.update(envelope);
    const rows = query
      .findAllTestCaseStarted()
      .map((started) => [
        query.findPickleBy(started)?.name,
        query.findLineageBy(started)?.feature?.name,
        query.findMostSevereTestStepResultBy(started)?.status,
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const inCart = new Set(['Empty cart', 'Pending payment', 'Undefined coupon step']);
    const feature = (name: string) => (inCart.has(name) ? 'Cart' : 'Screens');
    assert.deepEqual(
      rows,
      EXPECTED.map((e) => [e.name, feature(e.name), e.status]),
    );
    assert.equal(query.findTestRunFinished()?.success, false);
  });

  test("report html: cucumber's renderer, embedding every scenario of both shards with status and attachments", async () => {
    const result = await cli([
      'report',
      'html',
      '-o',
      'reports/cucumber.html',
      shardFile(dir, 1),
      shardFile(dir, 2),
    ]);
    assert.equal(result.code, 0, explain(result));
    const html = await readFile(path.join(dir, 'reports', 'cucumber.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /<html> & /, 'attachment text is escaped inside the page');
    const envelopes = envelopesOfHtmlReport(html);
    assert.deepEqual(danglingReferences(envelopes), []);
    assert.deepEqual(scenarioResults(envelopes), EXPECTED);
    const screenshots = messagesOf(envelopes, 'attachment').filter((a) => a.mediaType === 'image/png');
    assert.equal(screenshots.length, 5);
    for (const shot of screenshots)
      assert.equal(Buffer.from(shot.body as string, 'base64').toString('hex'), '89504e470d0a1a0a66616b65');
    assert.ok(
      messagesOf(envelopes, 'attachment').some((a) => a.body === 'log line with <html> & "quotes"'),
      'text attachments survive byte for byte',
    );
    // The same renderer cucumber-js uses: its own --format html page has the same scaffolding.
    const own = await runCucumber(dir, [...ARGS, '--dry-run', '--format', 'html:reports/own.html']);
    assert.equal(own.code, 0, own.stdout);
    const ownHtml = await readFile(path.join(dir, 'reports', 'own.html'), 'utf8');
    const scaffold = (page: string) => page.replace(/window\.CUCUMBER_MESSAGES = \[[\s\S]*?\];\n/, '');
    assert.equal(scaffold(html), scaffold(ownHtml));
  });

  test('dry-run shards merge too (no results, every scenario listed once)', async () => {
    await Promise.all([1, 2].map((n) => runCucumber(dir, shardArgs(n, ['--dry-run']))));
    const merged = mergeMessageFiles([shardFile(dir, 1), shardFile(dir, 2)]);
    assert.equal(merged.pickles, 7);
    assert.equal(merged.testCases, 7);
    assert.deepEqual(danglingReferences(merged.envelopes), []);
    assert.deepEqual(
      scenarioResults(merged.envelopes).map((r) => r.status),
      ['SKIPPED', 'SKIPPED', 'SKIPPED', 'SKIPPED', 'SKIPPED', 'SKIPPED', 'UNDEFINED'],
    );
  });

  test('ids two shards happen to share for different things are re-keyed', async () => {
    await Promise.all([1, 2].map((n) => runCucumber(dir, shardArgs(n))));
    // Give shard 2's first test case and its first start the ids shard 1 used for its own.
    const one = await readFile(shardFile(dir, 1), 'utf8');
    let two = await readFile(shardFile(dir, 2), 'utf8');
    const first = (text: string, type: string) =>
      (messagesOf(parseMessageStream(text, type), type)[0]?.id as string) ?? '';
    for (const type of ['testCase', 'testCaseStarted'])
      two = two.replaceAll(first(two, type), first(one, type));
    const clashing = path.join(dir, 'reports', 'clashing-shard-2.ndjson');
    await writeFile(clashing, two);
    const merged = mergeMessageFiles([shardFile(dir, 1), clashing]);
    assert.deepEqual(danglingReferences(merged.envelopes), []);
    assert.deepEqual(scenarioResults(merged.envelopes), EXPECTED);
  });

  test('a file that is not a message stream: named, with its line', async () => {
    const junit = await cli([
      'report',
      'html',
      '-o',
      'reports/x.html',
      shardFile(dir, 1),
      'features/cart.feature',
    ]);
    assert.equal(junit.code, 1, explain(junit));
    assert.match(
      junit.stderr,
      /features\/cart\.feature line 1 is not JSON \("Feature: Cart"\), so features\/cart\.feature is not a cucumber message stream; pass the files cucumber-js wrote with --format message:FILE/,
    );
    const lines = (await readFile(shardFile(dir, 1), 'utf8')).split('\n');
    lines.splice(4, 0, '{"testCase":{"id":"x"},"pickle":{}}');
    await writeFile(path.join(dir, 'reports', 'broken.ndjson'), lines.join('\n'));
    const broken = await cli(['report', 'messages', '-o', 'reports/x.ndjson', 'reports/broken.ndjson']);
    assert.equal(broken.code, 1, explain(broken));
    assert.match(
      broken.stderr,
      /reports\/broken\.ndjson line 5 is not a cucumber message envelope \(found keys testCase, pickle;/,
    );
    await writeFile(path.join(dir, 'reports', 'empty.ndjson'), '\n');
    const empty = await cli(['report', 'messages', '-o', 'reports/x.ndjson', 'reports/empty.ndjson']);
    assert.match(empty.stderr, /reports\/empty\.ndjson is empty/);
    const twice = await cli(['report', 'html', '-o', 'reports/x.html', shardFile(dir, 1), shardFile(dir, 1)]);
    assert.equal(twice.code, 1, explain(twice));
    assert.match(
      twice.stderr,
      /hold the same run \(testRunStarted id [0-9a-f-]+\); pass each shard's file once/,
    );
    const usage = await cli(['report', 'html', shardFile(dir, 1)]);
    assert.equal(usage.code, 2, explain(usage));
    assert.match(usage.stderr, /report html needs --output FILE/);
    const unknown = await cli(['report', 'pdf', '-o', 'x.pdf', shardFile(dir, 1)]);
    assert.equal(unknown.code, 2, explain(unknown));
    assert.match(unknown.stderr, /report needs a format: junit, html or messages \(got "pdf"\)/);
  });

  test('shards of different suites (a feature file that differs) are refused, naming the file', async () => {
    await runCucumber(dir, shardArgs(1, ['--dry-run']));
    await writeFile(path.join(dir, 'features', 'cart.feature'), CART.replace('Empty cart', 'Full cart'));
    try {
      await runCucumber(dir, shardArgs(2, ['--dry-run']));
    } finally {
      await writeFile(path.join(dir, 'features', 'cart.feature'), CART);
    }
    const result = await cli([
      'report',
      'html',
      '-o',
      'reports/x.html',
      shardFile(dir, 1),
      shardFile(dir, 2),
    ]);
    assert.equal(result.code, 1, explain(result));
    assert.match(
      result.stderr,
      /features\/cart\.feature differs between \S+messages-shard-1\.ndjson and \S+messages-shard-2\.ndjson: these are shards of different suites/,
    );
  });

  test('a shard that was killed before it finished: merged, the run marked failed, and a warning', async () => {
    await Promise.all([1, 2].map((n) => runCucumber(dir, shardArgs(n, ['--tags', 'not @nothing']))));
    const text = await readFile(shardFile(dir, 2), 'utf8');
    const cut = text.split('\n').filter((l) => l !== '' && !l.startsWith('{"testRunFinished"'));
    await writeFile(path.join(dir, 'reports', 'killed.ndjson'), `${cut.join('\n')}\n`);
    const result = await cli([
      'report',
      'messages',
      '-o',
      'reports/k.ndjson',
      shardFile(dir, 1),
      'reports/killed.ndjson',
    ]);
    assert.equal(result.code, 0, explain(result));
    assert.match(
      result.stderr,
      /warning: reports\/killed\.ndjson has no testRunFinished message: the shard did not finish/,
    );
    assert.match(result.stdout, /run failed$/m);
  });
});
