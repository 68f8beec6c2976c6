// Side-effect entry for `--require node_modules/gridfleet-cucumber/register.js`: registers the gridfleet
// World and hooks (see src/register.ts). The package is built to dist/ by `npm run build`.
module.exports = require('./dist/register.js');
