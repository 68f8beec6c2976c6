// A TypeScript project transpiled by tsx (cucumber docs: `requireModule: ['tsx/cjs']`).
export default {
  requireModule: ['tsx/cjs'],
  require: ['features/support/*.ts', 'features/step_definitions/*.ts'],
  format: ['progress'],
  worldParameters: {
    gridfleet: {
      requirements: [{ platform_id: 'android_mobile', allocation: 'all_available', min_count: 1 }],
    },
  },
};
