import { randomUUID } from 'node:crypto';
import { After, Before, setWorldConstructor, World } from '@cucumber/cucumber';
import { acceptanceStack } from './acceptance_stack';
import type { CucumberRun } from './cucumber_cli';
import { FixtureProject } from './fixture_project';
import { LabReader, type OperatorRun, type OperatorSession } from './lab_reader';

/**
 * World of the acceptance features: one fixture project per scenario, the last cucumber-js run in it, and
 * a reader of the manager API scoped to the runs that this scenario's fixture reserved.
 */
export class AcceptanceWorld extends World {
  /** The fixture project (created by the `Before` hook). */
  project: FixtureProject | undefined;
  /** The last cucumber-js run, once a `When I run cucumber-js` step ran. */
  lastRun: CucumberRun | undefined;
  /** Extra environment for the fixture run (on top of the stack's `GRIDFLEET_API_URL`, `GRID_URL`). */
  readonly env: Record<string, string> = {};
  /** Every run the fixture reserves is named with this prefix, so assertions only see this scenario's runs. */
  readonly runNamePrefix = `acceptance-${randomUUID().slice(0, 8)}`;

  /** The manager API as an operator reads it. */
  get lab(): LabReader {
    return new LabReader(acceptanceStack().apiUrl, acceptanceStack().labUrl);
  }

  /** The fixture project. @throws Error before the `Before` hook ran. */
  get fixture(): FixtureProject {
    if (!this.project) throw new Error('No fixture project: the Before hook did not run.');
    return this.project;
  }

  /** The last run. @throws Error when no run happened yet. */
  get run(): CucumberRun {
    if (!this.lastRun)
      throw new Error('cucumber-js has not run yet in this scenario: add a "When I run cucumber-js" step.');
    return this.lastRun;
  }

  /** Runs reserved by this scenario's fixture runs. @throws Error when there are none. */
  async runs(): Promise<OperatorRun[]> {
    const runs = await this.lab.runsNamed(this.runNamePrefix);
    if (runs.length === 0) {
      throw new Error(`The manager has no run named ${this.runNamePrefix}*.\n${this.describeRun()}`);
    }
    return runs;
  }

  /** Sessions of this scenario's runs, plus device-less `error-<uuid>` rows named after its scenarios. */
  async sessions(): Promise<OperatorSession[]> {
    const runs = await this.lab.runsNamed(this.runNamePrefix);
    const perRun = await Promise.all(runs.map((run) => this.lab.sessionsOfRun(run.id)));
    const names = new Set(this.run.report.attempts.map((attempt) => attempt.name));
    const errorRows = (await this.lab.allSessions()).filter(
      (session) => session.run_id === null && session.test_name !== null && names.has(session.test_name),
    );
    return [...perRun.flat(), ...errorRows];
  }

  /** The last run's exit and output, for failure messages. */
  describeRun(): string {
    if (!this.lastRun) return '(cucumber-js has not run)';
    const { exitCode, signal, stdout, stderr } = this.lastRun;
    return `cucumber-js exited with ${exitCode ?? signal}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  }

  /** Environment for a fixture run. */
  fixtureEnv(): Record<string, string> {
    return { ...acceptanceStack().env, GRIDFLEET_RUN_NAME: this.runNamePrefix, ...this.env };
  }
}

setWorldConstructor(AcceptanceWorld);

Before({ name: 'reset the lab and create a fixture project' }, async function (this: AcceptanceWorld) {
  await this.lab.reset();
  this.project = await FixtureProject.create();
});

After({ name: 'remove the fixture project' }, async function (this: AcceptanceWorld) {
  if (this.lastRun && this.lastRun.exitCode !== 0) this.log(this.describeRun());
  await this.project?.remove();
});
