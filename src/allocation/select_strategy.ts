import type { GridFleetClient } from '../client/client';
import { detectGeneration } from '../client/detect_generation';
import { GridFleetError } from '../client/errors';
import { type Generation, generationLabel } from '../client/generation';
import { type GridFleetLogger, gridFleetLogger } from '../client/logger';
import type { GridFleetConfig } from '../config';
import { claimStrategy } from './claim/claim_strategy';
import { routerStrategy } from './router/router_strategy';
import type { AllocationStrategy } from './strategy';

/** Strategies this package ships, by name. */
const BUILT_IN: readonly AllocationStrategy[] = [claimStrategy, routerStrategy];

const INSTALLED = Symbol.for('gridfleet-cucumber.allocationStrategy');
type InstalledHolder = typeof globalThis & { [INSTALLED]?: AllocationStrategy };

/** The manager's generation is one no strategy of this package serves (the transition era). */
export class UnsupportedGenerationError extends GridFleetError {}

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
 * config was validated and before anything is reserved: the `generation` setting when it names one, else
 * the generation detected from the manager (docs/manager-api.md §R1.2). Prints one line saying
 * which generation is used and why.
 *
 * @throws UnsupportedGenerationError for a transition-era manager (GridFleet 0.2).
 * @throws GenerationDetectionError when the manager cannot be probed (unreachable, 401, not GridFleet).
 */
export async function selectStrategy(
  client: GridFleetClient,
  config: GridFleetConfig,
  logger: GridFleetLogger = gridFleetLogger(),
): Promise<AllocationStrategy> {
  const test = installed();
  if (test) return test;
  let generation: Generation;
  let how: string;
  if (config.generation !== 'auto') {
    generation = config.generation;
    how = 'set by the generation setting (GRIDFLEET_GENERATION)';
  } else {
    const report = await detectGeneration({ client, gridUrl: config.gridUrl });
    generation = report.generation;
    how = 'detected';
    if (report.gridCheck.problem) logger.warn(`gridfleet: ${report.gridCheck.problem}`);
    if (generation === 'transition') {
      throw new UnsupportedGenerationError(
        `gridfleet: ${config.apiUrl} is a ${generationLabel(generation)} manager (${report.evidence.join('; ')}). ` +
          'gridfleet-cucumber supports the claim era (GridFleet 0.1) and the router era (GridFleet ≥ 0.3): ' +
          'upgrade the manager to a router-era release, or run against a claim-era one.',
      );
    }
  }
  logger.warn(`gridfleet: manager generation ${generationLabel(generation)}, ${how}`);
  return generation === 'router' ? routerStrategy : claimStrategy;
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
