import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GridFleetClient } from '../client/client';
import type { ManagerGeneration } from '../client/manager_probes';
import type { GridFleetConfig } from '../config';
import { selectStrategy, UnsupportedGenerationError } from './select_strategy';

/** A client whose manager probes answer `generation` (and counts them). */
function probed(generation: ManagerGeneration['generation']) {
  const calls = { probes: 0 };
  const client = {
    detectManagerGeneration: async (): Promise<ManagerGeneration> => {
      calls.probes += 1;
      return { generation, evidence: [`probe says ${generation}`] };
    },
  } as unknown as GridFleetClient;
  return { client, calls };
}

const config = (generation: GridFleetConfig['generation']) =>
  ({ generation, apiUrl: 'http://manager.invalid/api', gridUrl: 'http://127.0.0.1:9/' }) as GridFleetConfig;

function lines() {
  const seen: string[] = [];
  return { seen, logger: { warn: (line: string) => seen.push(line) } };
}

describe('selectStrategy', () => {
  test('auto: the detected generation picks the strategy, and one line says so', async () => {
    for (const generation of ['claim', 'router'] as const) {
      const { client, calls } = probed(generation);
      const log = lines();
      const strategy = await selectStrategy(client, config('auto'), log.logger);
      assert.equal(strategy.name, generation);
      assert.equal(calls.probes, 1);
      assert.equal(
        log.seen.filter((l) => /manager generation .* detected$/.test(l)).length,
        1,
        log.seen.join('\n'),
      );
    }
  });

  test('the generation setting wins and skips the probes', async () => {
    const { client, calls } = probed('claim');
    const log = lines();
    assert.equal((await selectStrategy(client, config('router'), log.logger)).name, 'router');
    assert.equal(calls.probes, 0);
    assert.match(log.seen.join('\n'), /router era .* set by the generation setting/);
  });

  test('a transition-era manager is refused, saying what was found and what is supported', async () => {
    const { client } = probed('transition');
    await assert.rejects(
      selectStrategy(client, config('auto'), lines().logger),
      (error: unknown) =>
        error instanceof UnsupportedGenerationError &&
        /transition era \(GridFleet 0\.2\)/.test(error.message) &&
        /supports the claim era \(GridFleet 0\.1\) and the router era/.test(error.message) &&
        /probe says transition/.test(error.message),
    );
  });
});
