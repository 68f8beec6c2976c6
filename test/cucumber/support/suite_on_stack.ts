import { after, beforeEach } from 'node:test';
import type { StackOptions } from '../../../lab/src/stack';
import { type StackFixture, withStack } from '../../support';
import { type CucumberResult, FixtureSuite, type RunOptions } from './cucumber_fixture';
import { ANDROID_LANE, CANCEL_STEP, FIXTURE_STEPS } from './fixture_steps';
import { ManagerView } from './manager_view';

/** Options of {@link SuiteOnStack.runSuite}. */
export interface SuiteRunOptions extends RunOptions {
  /** Further files of the fixture project (path relative to the project → content). */
  files?: Record<string, string>;
}

/** The shared setup of the cucumber CLI test files. */
export interface SuiteOnStack {
  /** The local stack (lab + Grid + Appium) of this test file. */
  readonly fixture: StackFixture;
  /** The manager as an operator sees it; reset before every test. */
  readonly view: ManagerView;
  /** Every fixture suite created so far (removed after the file). */
  readonly suites: FixtureSuite[];
  /**
   * Writes a fixture suite (the feature + the fixture steps, plus `options.files`) and runs the real
   * cucumber-js on it.
   */
  runSuite(feature: string, args: string[], options?: SuiteRunOptions): Promise<CucumberResult>;
}

/**
 * Registers the node:test hooks the cucumber CLI tests share: one stack for the file (claim generation
 * unless `options.generation` says `router`), a `ManagerView` reset before each test, fixture suites
 * removed at the end. Call it at the top level of a test file.
 */
export function suiteOnStack(options: Pick<StackOptions, 'generation'> = {}): SuiteOnStack {
  const fixture = withStack(options);
  const suites: FixtureSuite[] = [];
  let view: ManagerView | undefined;
  // Created on first use, inside a test: the stack starts in withStack's own before hook.
  const managerView = (): ManagerView => {
    view ??= new ManagerView(
      fixture.stack.apiUrl,
      fixture.stack.labUrl,
      fixture.stack.gridUrl,
      fixture.stack.generation,
    );
    return view;
  };
  beforeEach(async () => {
    await managerView().reset();
  });
  after(async () => {
    for (const suite of suites) await suite.remove();
  });
  return {
    fixture,
    suites,
    get view(): ManagerView {
      return managerView();
    },
    async runSuite(feature, args, { files, ...options } = {}) {
      const suite = await FixtureSuite.create({
        'features/suite.feature': feature,
        'support/steps.js': FIXTURE_STEPS + CANCEL_STEP,
        ...files,
      });
      suites.push(suite);
      return suite.run(args, { ...options, env: { ...fixture.stack.env, ...ANDROID_LANE, ...options.env } });
    },
  };
}

/** Exit code, signal and both output streams of a cucumber run, for assertion messages. */
export function explain(result: CucumberResult): string {
  return `exit ${result.exitCode} signal ${result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
