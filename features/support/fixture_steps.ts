import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Given, Then, When } from '@cucumber/cucumber';
import type { AcceptanceWorld } from './acceptance_world';
import { runCucumberCli } from './cucumber_cli';
import { REPO_ROOT } from './paths';

Given('a file named {string} with:', async function (this: AcceptanceWorld, file: string, content: string) {
  await this.fixture.writeFile(file, content);
});

Given('the device requirements are:', function (this: AcceptanceWorld, json: string) {
  JSON.parse(json); // fail here, not in the fixture run, on a typo
  this.env.GRIDFLEET_REQUIREMENTS = json;
});

Given(
  'the environment variable {string} is {string}',
  function (this: AcceptanceWorld, name: string, value: string) {
    this.env[name] = value;
  },
);

Given('the environment variable {string} is not set', function (this: AcceptanceWorld, name: string) {
  delete this.env[name];
});

When(
  'I run cucumber-js with `{}`',
  { timeout: 180_000 },
  async function (this: AcceptanceWorld, args: string) {
    this.lastRun = await this.fixture.runCucumber(args.split(/\s+/).filter(Boolean), this.fixtureEnv());
  },
);

When('I run cucumber-js', { timeout: 180_000 }, async function (this: AcceptanceWorld) {
  this.lastRun = await this.fixture.runCucumber([], this.fixtureEnv());
});

When(
  "I run this repository's cucumber-js with `{}`",
  { timeout: 180_000 },
  async function (this: AcceptanceWorld, args: string) {
    // Reports and screenshots go to the fixture dir, not over the ones `npm run demo` left in the repo.
    const reports = path.join(this.fixture.dir, 'reports');
    this.lastRun = await runCucumberCli({
      cwd: REPO_ROOT,
      args: args.split(/\s+/).filter(Boolean),
      env: {
        ...this.fixtureEnv(),
        REPORTS_DIR: reports,
        GRIDFLEET_SCREENSHOT_DIR: path.join(this.fixture.dir, 'screenshots'),
      },
      messagesFile: path.join(reports, 'messages.ndjson'),
    });
  },
);

Then('no step is undefined or ambiguous', function (this: AcceptanceWorld) {
  const attempts = this.run.report.attempts;
  assert.ok(attempts.length > 0, `no scenario ran\n${this.describeRun()}`);
  const broken = attempts.filter((a) => a.status === 'undefined' || a.status === 'ambiguous');
  assert.deepEqual(
    broken.map((a) => `${a.name}: ${a.status}`),
    [],
    this.describeRun(),
  );
});

Then('the HTML report embeds {int} PNG screenshots', async function (this: AcceptanceWorld, count: number) {
  const html = await readFile(path.join(this.fixture.dir, 'reports', 'cucumber.html'), 'utf8');
  // Each attachment is one message in the page: count the PNG ones.
  const embedded = html.match(/\\?"mediaType\\?":\s*\\?"image\/png/g) ?? [];
  assert.equal(embedded.length, count, 'PNG attachments in reports/cucumber.html');
});

Then('it passes', function (this: AcceptanceWorld) {
  assert.equal(this.run.exitCode, 0, this.describeRun());
  assert.equal(this.run.report.success, true, `testRunFinished.success is not true\n${this.describeRun()}`);
});

Then('it fails', function (this: AcceptanceWorld) {
  assert.equal(this.run.exitCode, 1, this.describeRun());
  assert.equal(this.run.report.success, false, `testRunFinished.success is not false\n${this.describeRun()}`);
});

Then('scenario {string} has status {string}', function (this: AcceptanceWorld, name: string, status: string) {
  assert.equal(this.run.report.scenario(name).status, status, `scenario "${name}"\n${this.describeRun()}`);
});

Then(
  'scenario {string} has a {string} attachment',
  function (this: AcceptanceWorld, name: string, mediaType: string) {
    const attempt = this.run.report.scenario(name);
    assert.ok(
      attempt.attachmentMediaTypes.includes(mediaType),
      `scenario "${name}" has no ${mediaType} attachment (it has: ${attempt.attachmentMediaTypes.join(', ') || 'none'})`,
    );
  },
);

Then(
  'scenario {string} has no {string} attachment',
  function (this: AcceptanceWorld, name: string, mediaType: string) {
    const attempt = this.run.report.scenario(name);
    assert.ok(
      !attempt.attachmentMediaTypes.includes(mediaType),
      `scenario "${name}" has a ${mediaType} attachment`,
    );
  },
);

Then('the output contains {string}', function (this: AcceptanceWorld, text: string) {
  assert.ok(this.run.stdout.includes(text), `stdout does not contain "${text}"\n${this.describeRun()}`);
});
