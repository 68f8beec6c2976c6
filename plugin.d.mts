// Types of `plugin.mjs`, the ESM face of `gridfleet-cucumber/plugin` (see there).
import type { gridfleetPlugin as plugin } from './dist/run/plugin.js';

/** The gridfleet cucumber plugin (same object as the CommonJS `gridfleetPlugin`). */
export declare const gridfleetPlugin: typeof plugin;
export default gridfleetPlugin;
