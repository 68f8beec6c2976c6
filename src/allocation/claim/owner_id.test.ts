import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The claim owner id a fresh process would use as cucumber worker `workerId` (like one CI shard). */
function ownerOfShard(workerId: string): string {
  const script =
    "const { scenarioRuntime } = require('./src/run/scenario_runtime');" +
    "process.stdout.write(require('./src/allocation/claim/owner_id').claimOwnerId(scenarioRuntime.workerId()))";
  return execFileSync(process.execPath, ['--require', 'ts-node/register', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, CUCUMBER_WORKER_ID: workerId, TS_NODE_TRANSPILE_ONLY: 'true' },
    encoding: 'utf8',
  });
}

test('two CI shards joining one run never share a claim owner id, though both have a worker-0', () => {
  const a = ownerOfShard('0');
  const b = ownerOfShard('0');
  assert.match(a, /^worker-0@[^:]+:\d+:[0-9a-f]{6}$/);
  assert.match(b, /^worker-0@[^:]+:\d+:[0-9a-f]{6}$/);
  assert.notEqual(
    a,
    b,
    'a release or orphan-claim recovery of one shard could free the other shard’s device',
  );
});

test('the serial thread owns claims as main@…', () => {
  assert.match(ownerOfShard(''), /^main@/);
});
