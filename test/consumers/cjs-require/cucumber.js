// A CommonJS project: gridfleet-cucumber is loaded with `--require`, as a path (cucumber takes globs).
// Manager and Grid URLs come from the environment (GRIDFLEET_API_URL, GRID_URL) as in CI.
module.exports = {
  default: {
    require: ['node_modules/gridfleet-cucumber/register.js', 'features/step_definitions/*.js'],
    format: ['progress'],
    worldParameters: {
      gridfleet: {
        requirements: [{ platform_id: 'android_mobile', allocation: 'all_available', min_count: 1 }],
      },
    },
  },
};
