import type { GridFleetClient } from '../client/client';
import { GridFleetError } from '../client/errors';
import type { GridFleetConfig } from '../config';
import { claimStrategy } from './claim/claim_strategy';
import type { AllocationStrategy } from './strategy';

/** Strategies this package ships, by name. */
const BUILT_IN: readonly AllocationStrategy[] = [claimStrategy];

const INSTALLED = Symbol.for('gridfleet-cucumber.allocationStrategy');
type InstalledHolder = typeof globalThis & { [INSTALLED]?: AllocationStrategy };

/**
 * Replaces the strategy {@link selectStrategy} picks, in this thread (every copy of this module shares it).
 * Test seam: call it identically in every thread's support code; `undefined` restores the default.
 * @internal
 */
export function installAllocationStrategy(strategy: AllocationStrategy | undefined): void {
  (globalThis as InstalledHolder)[INSTALLED] = strategy;
}

function installed(): AllocationStrategy | undefined {
  return (globalThis as InstalledHolder)[INSTALLED];
}

/**
 * The one place where the cucumber run's allocation strategy is chosen, in the coordinator after the
 * config was validated. Today always the claim era; the router era will be chosen here by detecting the
 * manager's generation.
 */
export async function selectStrategy(
  _client: GridFleetClient,
  _config: GridFleetConfig,
): Promise<AllocationStrategy> {
  return installed() ?? claimStrategy;
}

/**
 * The strategy the coordinator selected, looked up by the name it hands to worker threads (and to the exit
 * cleanup child process).
 *
 * @throws GridFleetError when no strategy of that name exists in this thread.
 */
export function strategyNamed(name: string): AllocationStrategy {
  const found = [installed(), ...BUILT_IN].find((s) => s?.name === name);
  if (!found) {
    throw new GridFleetError(
      `gridfleet: no allocation strategy "${name}" in this thread (known: ${BUILT_IN.map((s) => s.name).join(', ')}). ` +
        'A strategy installed for tests must be installed in the support code of every thread.',
    );
  }
  return found;
}
