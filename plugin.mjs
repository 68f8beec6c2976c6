// ESM face of `gridfleet-cucumber/plugin` (cucumber loads plugins with `import()`): re-exports the one
// CommonJS build, so ESM and CJS users share one module instance, with a real ESM default export
// instead of the CJS `exports.default` + `__esModule` simulation that Node's ESM loader ignores.
import plugin from './dist/run/plugin.js';

/** The gridfleet cucumber plugin (same object as the CommonJS `gridfleetPlugin`). */
export const gridfleetPlugin = plugin.gridfleetPlugin;
export default gridfleetPlugin;
