// A TypeScript project loaded through ts-node (transpile-only, see tsconfig.json; `npm run typecheck`
// type-checks). The requirement lane comes from GRIDFLEET_REQUIREMENTS-style env, here the config file.
module.exports = {
  default: {
    requireModule: ['ts-node/register'],
    require: ['features/support/*.ts', 'features/step_definitions/*.ts'],
    format: ['progress'],
    worldParameters: {
      gridfleet: {
        requirements: [{ platform_id: 'android_mobile', allocation: 'all_available', min_count: 1 }],
      },
    },
  },
};
