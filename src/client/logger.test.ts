import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { GridFleetClient } from './client';
import { consoleLogger, gridFleetLogger, setGridFleetLogger } from './logger';

afterEach(() => setGridFleetLogger(undefined));

test('the thread logger defaults to consoleLogger and is replaced by setGridFleetLogger', () => {
  assert.equal(gridFleetLogger(), consoleLogger);
  const lines: string[] = [];
  setGridFleetLogger({ warn: (line) => lines.push(line) });
  gridFleetLogger().warn('one');
  assert.deepEqual(lines, ['one']);
  setGridFleetLogger(undefined);
  assert.equal(gridFleetLogger(), consoleLogger);
});

test('a client without a logger option logs suppressed failures through the thread logger', async () => {
  const lines: string[] = [];
  // Port 9 (discard) on localhost: nothing listens, so the call fails fast as a transport error.
  const client = new GridFleetClient('http://127.0.0.1:9/api', { timeoutMs: 2_000 });
  setGridFleetLogger({ warn: (line) => lines.push(line) });
  const result = await client.notifySessionFinished('s-1');
  assert.equal(result, false);
  assert.ok(
    lines.some((line) => line.includes('s-1') || line.includes('session')),
    JSON.stringify(lines),
  );
});
