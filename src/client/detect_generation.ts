import type { ClientBase } from './client_base';
import { ENV_VARS, readGridFleetEnv } from './env';
import { errorText } from './error_text';
import { type Generation, generationLabel } from './generation';
import { GridStatusError, readGridStatus, readRouterHealth } from './grid_status';

/** What `GRID_URL` answered, and whether that fits the manager's generation (probe D). */
export interface GridCheck {
  /** The WebDriver base URL that was probed. */
  readonly url: string;
  /** `router` / `selenium-grid` from its `/status`, `unreachable` when nothing answered, `other` for no WebDriver status. */
  readonly answeredAs: 'router' | 'selenium-grid' | 'unreachable' | 'other';
  /** `value.ready` of its `/status`, or null when there was none. */
  readonly ready: boolean | null;
  /** Router only: `GET /healthz` answered `ok`; null when not asked. */
  readonly healthz: boolean | null;
  /** True when `GRID_URL` is what the manager's generation needs (the router, or a Selenium Grid hub before it). */
  readonly matches: boolean;
  /** Why it does not match, as a fix-it sentence; null when it does. */
  readonly problem: string | null;
}

/** The answer of {@link detectGeneration}. */
export interface GenerationReport {
  /** The manager's generation. */
  readonly generation: Generation;
  /** Router era: device groups supported (backend ≥ 0.6); undefined outside the router era or when unclear. */
  readonly groups?: boolean | undefined;
  /** One line per probe: what was asked and what it showed. */
  readonly evidence: string[];
  /** What `GRID_URL` answers and whether that fits. */
  readonly gridCheck: GridCheck;
}

/** Options of {@link detectGeneration}. */
export interface DetectGenerationOptions {
  /** Client for the manager probes (its base URL, credentials and cache are used). */
  readonly client: ClientBase;
  /** WebDriver base URL to check (default `GRID_URL` from the environment). */
  readonly gridUrl?: string;
  /** Probe the manager again even when the client already knows the answer. */
  readonly refresh?: boolean;
}

/**
 * Checks that `gridUrl` is what a manager of `generation` needs: the GridFleet router (`/status` says
 * "GridFleet router", `/healthz` answers `ok`) in the router era, a Selenium Grid hub before it.
 */
export async function checkGridUrl(generation: Generation, gridUrl: string): Promise<GridCheck> {
  const wantsRouter = generation === 'router';
  const wanted = wantsRouter
    ? 'the GridFleet router'
    : 'the Selenium Grid hub the manager registers its nodes with';
  const api = `${ENV_VARS.apiUrl} is a ${generationLabel(generation)} manager`;
  try {
    const status = await readGridStatus(gridUrl);
    const healthz = status.kind === 'router' ? await readRouterHealth(gridUrl).catch(() => false) : null;
    const matches = (status.kind === 'router') === wantsRouter;
    const answered = status.kind === 'router' ? 'the GridFleet router' : 'a Selenium Grid';
    return {
      url: gridUrl,
      answeredAs: status.kind,
      ready: status.ready,
      healthz,
      matches,
      problem: matches
        ? null
        : `${api} but ${ENV_VARS.gridUrl} answers as ${answered}: point ${ENV_VARS.gridUrl} at ${wanted}.`,
    };
  } catch (error) {
    const unreachable = error instanceof GridStatusError && error.unreachable;
    return {
      url: gridUrl,
      answeredAs: unreachable ? 'unreachable' : 'other',
      ready: null,
      healthz: null,
      matches: false,
      problem: `${api}; ${ENV_VARS.gridUrl} must be ${wanted}, but ${errorText(error)}.`,
    };
  }
}

/**
 * Detects the GridFleet generation behind `client` from read-only probes (docs/manager-api.md, router era
 * docs/manager-api.md §R1.2: A, then B or E) and checks that `gridUrl` fits it (probe D). A mismatch is reported in
 * `gridCheck`, not thrown. The manager part is cached by the client.
 *
 * @throws GenerationDetectionError when the manager is unreachable, rejects the credentials (401) or is
 *   not a GridFleet manager.
 */
export async function detectGeneration(options: DetectGenerationOptions): Promise<GenerationReport> {
  const manager = await options.client.detectManagerGeneration({ refresh: options.refresh ?? false });
  const gridUrl = options.gridUrl ?? readGridFleetEnv().gridUrl;
  const gridCheck = await checkGridUrl(manager.generation, gridUrl);
  const evidence = [...manager.evidence];
  evidence.push(
    gridCheck.matches
      ? `GET ${gridUrl}/status answered as ${gridCheck.answeredAs === 'router' ? 'the GridFleet router' : 'a Selenium Grid'}`
      : `GRID_URL check: ${gridCheck.problem}`,
  );
  return { generation: manager.generation, groups: manager.groups, evidence, gridCheck };
}
