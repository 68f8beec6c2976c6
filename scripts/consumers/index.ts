/**
 * Support for the consumer-project tests (`npm run test:consumers`) and the package checks: build and
 * pack this package, install the tarball, run each consumer's cucumber-js.
 *
 * @packageDocumentation
 */
export {
  CONSUMER_PROJECTS,
  CONSUMERS_DIR,
  type ConsumerProject,
  copyConsumer,
  installTarball,
  npmInstallTarball,
  type ProcessResult,
  runConsumerCucumber,
  typeCheckConsumer,
} from './consumer_projects';
export {
  buildPackage,
  LAB_PACKAGE_DIR,
  type PackedFile,
  type PackResult,
  packPackage,
  REPO_ROOT,
} from './pack_package';
export { FORBIDDEN_PACK_PATHS, forbiddenPackFiles, packageEntryFiles } from './pack_rules';
