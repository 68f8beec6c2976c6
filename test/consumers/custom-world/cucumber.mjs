// A TypeScript project (tsx) with its own World class extending GridFleetWorld.
export default {
  requireModule: ['tsx/cjs'],
  require: ['features/support/*.ts', 'features/step_definitions/*.ts'],
  format: ['progress'],
  worldParameters: {
    appName: 'Consumer App',
    gridfleet: {
      requirements: [{ platform_id: 'android_mobile', allocation: 'all_available', min_count: 1 }],
    },
  },
};
