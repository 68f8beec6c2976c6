import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PORTS, parsePortArg, resolvePorts } from './options';

test('ports default to 8000/4444/4723 and 0/auto become distinct free ports', async () => {
  assert.deepEqual(await resolvePorts(), DEFAULT_PORTS);
  const auto = await resolvePorts({ lab: 0, grid: 'auto', appium: 0 });
  assert.equal(new Set(Object.values(auto)).size, 3);
  for (const port of Object.values(auto)) assert.ok(port > 0 && port < 65536);
});

test('a bad port names the option', async () => {
  await assert.rejects(resolvePorts({ grid: -1 }), /ports\.grid must be an integer from 1 to 65535/);
  await assert.rejects(resolvePorts({ lab: 1.5 }), /ports\.lab must be/);
});

test('CLI port arguments accept numbers and auto, and name the flag otherwise', () => {
  assert.equal(parsePortArg('--grid-port', '5000'), 5000);
  assert.equal(parsePortArg('--grid-port', 'auto'), 'auto');
  assert.equal(parsePortArg('--grid-port', '0'), 0);
  assert.throws(() => parsePortArg('--appium-port', 'x'), /--appium-port needs a port number .* got "x"/);
});
