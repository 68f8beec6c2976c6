import type { GridFleetClient } from '../client/client';
import { checkGridUrl } from '../client/detect_generation';
import { ENV_VARS } from '../client/env';
import { errorText } from '../client/error_text';
import { GenerationDetectionError, generationLabel } from '../client/generation';
import { GridStatusError, readGridStatus } from '../client/grid_status';
import type { ManagerGeneration } from '../client/manager_probes';
import type { CheckResult, DoctorCheck } from './doctor_checks';

const redact = (url: string): string => url.replace(/\/\/[^/@]*@/, '//');

/** What the generation and WebDriver checks share with the rest of the doctor. */
export interface GridCheckContext {
  /** Client of the manager (credentials already checked). */
  readonly client: GridFleetClient;
  /** `GRID_URL`. */
  readonly gridUrl: string;
  /** The platform ids to find (requested lanes, or the joined run's). */
  readonly platformIds: () => readonly string[];
}

const GRID_URL_HELP = `${ENV_VARS.gridUrl} (or worldParameters.gridfleet.gridUrl)`;
const NO_PLATFORMS: CheckResult = {
  status: 'fail',
  summary: 'no platforms requested',
  fix: 'Configure requirements or pass --platform ID.',
};

/**
 * The doctor's generation check and its WebDriver checks: the GridFleet router (`/status`, `/healthz`) and
 * the manager's devices per platform in the router era (docs/manager-api.md §R1.2, §R8);
 * the Selenium Grid hub and its slots before it. Titles follow the detected generation.
 */
export function generationAndGridChecks(context: GridCheckContext): DoctorCheck[] {
  const { client, gridUrl } = context;
  let detected: ManagerGeneration | undefined;
  const router = () => detected?.generation === 'router';

  async function generationCheck(): Promise<CheckResult> {
    try {
      detected = await client.detectManagerGeneration({ refresh: true });
    } catch (error) {
      return {
        status: 'fail',
        summary: errorText(error),
        fix: `Point ${ENV_VARS.apiUrl} at the GridFleet manager's API base including /api.`,
        retryable: error instanceof GenerationDetectionError && error.reason === 'unreachable',
      };
    }
    const groups =
      detected.groups === true
        ? '; device groups supported'
        : detected.groups === false
          ? '; no device groups (backend before 0.6: requirements cannot select groups)'
          : '';
    return { status: 'ok', summary: `${generationLabel(detected.generation)}${groups}` };
  }

  async function routerCheck(): Promise<CheckResult> {
    const check = await checkGridUrl('router', gridUrl);
    if (!check.matches) {
      return {
        status: 'fail',
        summary: check.problem ?? `${gridUrl} is not the GridFleet router`,
        fix: `Set ${GRID_URL_HELP} to the GridFleet router (not a Selenium Grid), e.g. http://router:4444`,
        retryable: check.answeredAs === 'unreachable',
      };
    }
    if (check.healthz !== true) {
      return {
        status: 'fail',
        summary: `${redact(gridUrl)}/status answers as the GridFleet router, but /healthz did not answer ok`,
        fix: 'Check the router logs; it may be starting or shutting down.',
        retryable: true,
      };
    }
    return { status: 'ok', summary: 'the GridFleet router is up (/status ready, /healthz ok)' };
  }

  async function hubCheck(): Promise<CheckResult> {
    try {
      const status = await readGridStatus(gridUrl);
      if (status.kind === 'router' && detected !== undefined) {
        const check = await checkGridUrl(detected.generation, gridUrl);
        return {
          status: 'fail',
          summary: check.problem ?? `${gridUrl} is the GridFleet router`,
          fix: `Set ${GRID_URL_HELP} to the Selenium Grid hub the manager registers its nodes with.`,
        };
      }
      if (!status.ready) {
        return {
          status: 'fail',
          summary: `the Grid answers but is not ready: ${status.message || 'no message'} (${status.nodes} node(s))`,
          fix: 'Wait for the Grid nodes to register (the manager starts one Appium node per device), or check the Grid logs.',
          retryable: true,
        };
      }
      return { status: 'ok', summary: `ready, ${status.nodes} node(s)` };
    } catch (error) {
      return {
        status: 'fail',
        summary: errorText(error),
        fix: `Start the Selenium Grid hub, or set ${GRID_URL_HELP} to it, e.g. http://grid:4444`,
        retryable: error instanceof GridStatusError && error.unreachable,
      };
    }
  }

  async function slotsCheck(): Promise<CheckResult> {
    const platformIds = context.platformIds();
    if (platformIds.length === 0) return NO_PLATFORMS;
    const status = await readGridStatus(gridUrl);
    const missing = platformIds.filter((p) => !status.platformSlots.has(p));
    const offered = [...status.platformSlots].map(([p, n]) => `${p} (${n})`).join(', ') || 'none';
    if (missing.length > 0) {
      return {
        status: 'fail',
        summary: `no Grid slot with appium:platform = ${missing.join(', ')} (slots: ${offered})`,
        fix: 'Bring a device of that platform online on the manager (its Appium node registers the slot), or drop the platform from the requirements.',
        retryable: true,
      };
    }
    return {
      status: 'ok',
      summary: platformIds.map((p) => `${p}: ${status.platformSlots.get(p)} slot(s)`).join(', '),
    };
  }

  // The router has no slots to read: the manager's device list says what can serve each platform.
  async function devicesCheck(): Promise<CheckResult> {
    const platformIds = context.platformIds();
    if (platformIds.length === 0) return NO_PLATFORMS;
    const counts = await Promise.all(
      platformIds.map(async (platformId) => {
        const devices = await client.listDevices({ platformId });
        const usable = devices.filter((d) => !['offline', 'maintenance'].includes(d.operational_state));
        return { platformId, usable: usable.length, total: devices.length };
      }),
    );
    const missing = counts.filter((c) => c.usable === 0);
    if (missing.length > 0) {
      return {
        status: 'fail',
        summary: `no usable device (not offline, not in maintenance) for ${missing.map((c) => `${c.platformId} (${c.total} device(s) in all)`).join(', ')}`,
        fix: 'Bring a device of that platform online on the manager, or drop the platform from the requirements.',
        retryable: true,
      };
    }
    return {
      status: 'ok',
      summary: counts.map((c) => `${c.platformId}: ${c.usable} usable device(s)`).join(', '),
    };
  }

  return [
    {
      id: 'generation',
      title: 'GridFleet generation of the manager',
      dependsOn: ['credentials'],
      run: generationCheck,
    },
    {
      id: 'grid',
      get title() {
        return router()
          ? `GridFleet router answers at ${redact(gridUrl)}`
          : `Selenium Grid answers at ${redact(gridUrl)}`;
      },
      dependsOn: [],
      run: () => (router() ? routerCheck() : hubCheck()),
    },
    {
      id: 'grid-slots',
      get title() {
        return router()
          ? 'manager has a usable device for each requested platform'
          : 'Grid has a slot for each requested platform';
      },
      dependsOn: ['grid'],
      run: () => (router() ? devicesCheck() : slotsCheck()),
    },
  ];
}
