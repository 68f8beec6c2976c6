import type { Plugin } from '@cucumber/cucumber/api';
import { existingCoordinator } from './coordinator_host';

/**
 * Optional cucumber plugin `gridfleet-cucumber/plugin` (`plugin: ['gridfleet-cucumber/plugin']` in the
 * cucumber config). Cucumber runs a plugin's cleanup at the end of `runCucumber` even after a worker thread
 * crashed, and before `--exit` ends the process; the cleanup ends the gridfleet runs (cancel, give devices back)
 * exactly once. Without the plugin, a `beforeExit` handler does the same unless `--exit` is used.
 */
export const gridfleetPlugin: Plugin = {
  type: 'plugin',
  coordinator: async ({ operation }) => {
    if (operation !== 'runCucumber') return undefined;
    return async () => {
      // A no-op after a normal AfterAll (finish runs once); after a crash it cancels and gives devices back.
      await existingCoordinator()?.finish('crash');
    };
  },
};

export default gridfleetPlugin;
