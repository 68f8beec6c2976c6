/**
 * The `WebdriverIO.Capabilities` augmentation must reach consumers through the built declaration files:
 * build `src/appium` with the package's build config into a temp dir, then type-check consumer files
 * (CommonJS and ESM) that use the GridFleet capability keys, plus a control file proving that the same
 * literal is rejected by webdriverio's types without the augmentation.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const TSC = require.resolve('typescript/bin/tsc', { paths: [ROOT] });

const CAPS_LITERAL = `{
  platformName: 'Fake',
  'appium:udid': 'emulator-5554',
  'appium:platform': 'firetv_real',
  'appium:device_type': 'real_device',
  'appium:os_version': '9',
  'appium:gridfleet:deviceId': '11db20ff-e3da-43d5-a1e5-1c54ad4bb0e4',
  'gridfleet:testName': 'Login works',
  'gridfleet:runId': 'd105a5f4-7bf9-4864-9f4c-f9ba47f53f41',
  'gridfleet:workerId': 'worker-0',
  'gridfleet:feature': 'Login',
  'gridfleet:scenarioUri': 'features/login.feature:12',
  'gridfleet:attempt': 1,
}`;

/** Runs tsc on one file; resolves with its diagnostics output and exit code. */
async function typeCheck(
  dir: string,
  file: string,
  module: 'node16' | 'nodenext',
): Promise<{ code: number; output: string }> {
  const config = path.join(dir, `tsconfig.${path.basename(file)}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      // skipLibCheck as consumers have it: webdriverio's own .d.ts need puppeteer-core and clash with lib.dom.
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module,
        moduleResolution: module,
        target: 'ES2023',
        types: [],
      },
      files: [file],
    }),
  );
  try {
    const { stdout } = await run(process.execPath, [TSC, '-p', config], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('GridFleet capability keys type-check for consumers of the built package', {
  concurrency: true,
}, () => {
  let dir: string;

  before(
    async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridfleet-appium-types-'));
      // Consumers resolve webdriverio and @types/node from their own node_modules.
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      const buildConfig = path.join(dir, 'tsconfig.build.json');
      fs.writeFileSync(
        buildConfig,
        JSON.stringify({
          extends: path.join(ROOT, 'tsconfig.build.json'),
          compilerOptions: {
            outDir: path.join(dir, 'dist'),
            rootDir: path.join(ROOT, 'src'),
            typeRoots: [path.join(ROOT, 'node_modules/@types')],
            declarationMap: false,
            sourceMap: false,
          },
          include: [],
          files: [path.join(ROOT, 'src/appium/index.ts')],
        }),
      );
      // Errors elsewhere in the tree must not hide ours, so only emitted files are checked below.
      await run(process.execPath, [TSC, '-p', buildConfig], { cwd: dir }).catch(() => undefined);
      assert.ok(
        fs.existsSync(path.join(dir, 'dist/appium/index.d.ts')),
        'the build emitted appium/index.d.ts',
      );
    },
    { timeout: 120_000 },
  );
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the emitted declaration keeps the augmentation and its link to webdriverio', () => {
    const emitted = fs.readFileSync(path.join(dir, 'dist/appium/capabilities_types.d.ts'), 'utf8');
    assert.match(emitted, /\/\/\/ <reference types="webdriverio"/);
    assert.match(emitted, /declare global/);
    assert.match(fs.readFileSync(path.join(dir, 'dist/appium/index.d.ts'), 'utf8'), /capabilities_types/);
  });

  test('a CommonJS consumer importing the package can use every GridFleet key', {
    timeout: 60_000,
  }, async () => {
    fs.writeFileSync(
      path.join(dir, 'consumer_cjs.ts'),
      `import { buildAppiumCapabilities } from './dist/appium/index.js';\n` +
        `export const caps: WebdriverIO.Capabilities = ${CAPS_LITERAL};\n` +
        `export const built: WebdriverIO.Capabilities = buildAppiumCapabilities({ capabilities: caps });\n`,
    );
    const result = await typeCheck(dir, 'consumer_cjs.ts', 'node16');
    assert.equal(result.code, 0, result.output);
  });

  test('an ESM consumer can too', { timeout: 60_000 }, async () => {
    fs.writeFileSync(
      path.join(dir, 'consumer_esm.mts'),
      `import { buildAppiumCapabilities } from './dist/appium/index.js';\n` +
        `export const caps: WebdriverIO.Capabilities = ${CAPS_LITERAL};\n` +
        `export const built = buildAppiumCapabilities({ capabilities: caps });\n`,
    );
    const result = await typeCheck(dir, 'consumer_esm.mts', 'nodenext');
    assert.equal(result.code, 0, result.output);
  });

  test('control: without the package the same literal is rejected (TS2353)', {
    timeout: 60_000,
  }, async () => {
    fs.writeFileSync(
      path.join(dir, 'control.mts'),
      `import type {} from 'webdriverio';\nexport const caps: WebdriverIO.Capabilities = ${CAPS_LITERAL};\n`,
    );
    const result = await typeCheck(dir, 'control.mts', 'nodenext');
    assert.notEqual(result.code, 0);
    assert.match(result.output, /TS2353.*'appium:platform'/);
  });
});
