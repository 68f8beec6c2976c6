/**
 * What `npm pack` would publish (`npm pack --dry-run --json`, no build, no lifecycle scripts): no tests,
 * fixtures, lab state or dev-only folders, and every file package.json points at is in it. Needs `dist/`
 * (`npm run build`, which `npm test` runs before this).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import {
  forbiddenPackFiles,
  type PackResult,
  packageEntryFiles,
  packPackage,
  REPO_ROOT,
} from '../../scripts/consumers';

describe('npm pack contents', () => {
  let packed: PackResult;
  before(async () => {
    packed = await packPackage();
  });

  test('has no tests, fixtures, lab state or dev-only folders', () => {
    assert.deepEqual(forbiddenPackFiles(packed.files), []);
  });

  test('has every file that main, types, exports, bin and typesVersions name', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const listed = new Set(packed.files.map((f) => f.path));
    const entries = packageEntryFiles(pkg);
    assert.ok(entries.includes('dist/register.js') || entries.includes('register.js'), `entries: ${entries}`);
    assert.deepEqual(
      entries.filter((file) => !listed.has(file)),
      [],
      'package.json names files the tarball does not have (run npm run build first?)',
    );
  });

  test('ships each compiled module with its declaration file', () => {
    const listed = new Set(packed.files.map((f) => f.path));
    const missing = packed.files
      .map((f) => f.path)
      .filter((p) => p.startsWith('dist/') && p.endsWith('.js'))
      .filter((p) => !listed.has(p.replace(/\.js$/, '.d.ts')));
    assert.deepEqual(missing, []);
  });

  test('the forbidden-path rules catch what they are meant to', () => {
    const bad = [
      'dist/index.test.js',
      'dist/lab/test_support/lab.js',
      'test/client/fixtures/a.json',
      'dist/test/x.js',
      '.gridfleet-stack/stack.json',
      'reports/junit.xml',
      'src/world.test.ts',
      'dist/lab/state/store.js',
      'lab/dist/index.js',
      'assets/labs/demo.yaml',
    ];
    assert.equal(forbiddenPackFiles(bad.map((p) => ({ path: p, size: 1 }))).length, bad.length);
    assert.deepEqual(forbiddenPackFiles([{ path: 'dist/client/client.js', size: 1 }]), []);
  });
});
