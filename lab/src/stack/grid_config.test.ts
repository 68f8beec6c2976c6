import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderGridConfig } from './grid_config';

test('renders the flat relay configs list with one "1", "<json>" pair per stereotype', () => {
  const stereotypes: Record<string, string>[] = [
    { platformName: 'Fake', 'appium:udid': 'a', 'appium:deviceName': 'Bob\'s "phone" \\ #1' },
    { platformName: 'Fake', 'appium:udid': 'b' },
  ];
  const toml = renderGridConfig({
    host: '127.0.0.1',
    port: 4545,
    appiumUrl: 'http://127.0.0.1:4799',
    stereotypes,
  });
  assert.match(toml, /^port = 4545$/m);
  assert.match(toml, /^url = "http:\/\/127\.0\.0\.1:4799"$/m);
  assert.match(toml, /^reject-unsupported-caps = true$/m);
  assert.match(toml, /^max-sessions = 2$/m);
  assert.match(toml, /^selenium-manager = false$/m);
  assert.match(toml, /^detect-drivers = false$/m);
  assert.doesNotMatch(toml, /\[\[relay\.configs\]\]/);
  const entries = [...toml.matchAll(/^ {2}"1", (".*"),$/gm)].map((m) =>
    JSON.parse(JSON.parse(m[1] as string)),
  );
  assert.deepEqual(entries, stereotypes);
});
