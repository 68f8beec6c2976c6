import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import * as root from './index';

test('the package root exports the documented runtime API', () => {
  const expected = [
    'GridFleetClient',
    'RunHeartbeat',
    'registerRunCleanup',
    'NoClaimableDevicesError',
    'UnknownIncludeError',
    'ReserveCapabilitiesUnsupportedError',
    'GridFleetApiError',
    'buildAppiumCapabilities',
    'createAppiumDriver',
    'getConnectionTargetFromDriver',
    'getDeviceConfigForDriver',
    'getDeviceTestDataForDriver',
    'hydrateAllocatedDevice',
    'hydrateAllocatedDeviceFromDriver',
    'buildErrorSessionPayload',
    'GridFleetWorld',
    'loadGridFleetConfig',
    'registerGridFleetHooks',
    'setGridFleetLogger',
  ];
  const missing = expected.filter((name) => typeof (root as Record<string, unknown>)[name] !== 'function');
  assert.deepEqual(missing, []);
  assert.match(root.VERSION, /^\d+\.\d+\.\d+/);
});

test('importing the package root registers nothing with cucumber', () => {
  const registered = (globalThis as Record<symbol, unknown>)[Symbol.for('gridfleet-cucumber.registered')];
  assert.equal(registered, undefined);
});

/** The product's entries (`package.json` `exports` without the lab and stack, which leave the package). */
const PRODUCT_ENTRIES = ['src/index.ts', 'src/register.ts', 'src/steps/index.ts', 'src/run/plugin.ts'];

/** Exported names (values and types) of each product entry, read with the TypeScript checker. */
function entryExports(): Map<string, string[]> {
  const repo = path.resolve(__dirname, '..');
  const files = PRODUCT_ENTRIES.map((file) => path.join(repo, file));
  const program = ts.createProgram(files, {
    strict: true,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, string[]>();
  for (const [i, file] of files.entries()) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    result.set(
      PRODUCT_ENTRIES[i] as string,
      symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [],
    );
  }
  return result;
}

test('the product entries export what a user needs, at most 104 names in all', () => {
  const exports = entryExports();
  const total = [...exports.values()].reduce((sum, names) => sum + names.length, 0);
  // 162 before the API cleanup; a new export should be something a user of the integration or client calls.
  assert.ok(
    total <= 104,
    `the product entries export ${total} names: ${JSON.stringify(Object.fromEntries(exports))}`,
  );
  assert.deepEqual(exports.get('src/register.ts'), [], 'the register entry is side effects only');
  const root = exports.get('src/index.ts') ?? [];
  for (const internal of [
    'HOOK_NAMES',
    'HOOK_TIMEOUTS',
    'CONFIG_KEYS',
    'stderrLogger',
    'parseGridUrl',
    'sessionVerdict',
  ]) {
    assert.ok(!root.includes(internal), `${internal} is internal and must not be exported by the root entry`);
  }
});

test('VERSION is the version of package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  assert.equal(root.VERSION, pkg.version);
});
