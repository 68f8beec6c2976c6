// An ESM project: support files are ES modules loaded with `import`; the optional plugin ends the
// gridfleet runs even after a worker crash.
export default {
  import: ['features/support/*.mjs'],
  plugin: ['gridfleet-cucumber/plugin'],
  format: ['progress'],
  worldParameters: {
    gridfleet: {
      requirements: [{ platform_id: 'android_mobile', allocation: 'all_available', min_count: 1 }],
    },
  },
};
