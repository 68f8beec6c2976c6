import { ENV_VARS } from './env';
import { GridFleetApiError, GridFleetTransportError } from './errors';
import { type Generation, GenerationDetectionError, generationLabel, isRetiredRoute } from './generation';
import type { HttpLayer } from './http';
import { CONTROL_PLANE_MESSAGE, managerGridStatusSchema } from './schemas/grid_status';

/** What the manager-side probes found. */
export interface ManagerGeneration {
  /** The manager's generation. */
  readonly generation: Generation;
  /**
   * Router era only: true when device groups are supported (backend ≥ 0.6: `?group=` of an unknown key is a
   * 422), false when the `group` filter is ignored (0.3–0.5, tags era); undefined when not probed/unclear.
   */
  readonly groups?: boolean | undefined;
  /** One line per probe: what was asked and what it showed. */
  readonly evidence: readonly string[];
}

/** A run id that exists nowhere: probe B targets it, so nothing is ever claimed. */
const NO_RUN = '00000000-0000-0000-0000-000000000000';
/** A well-formed group key no lab defines (probe E). */
const PROBE_GROUP = 'zz-detect-probe';

function failure(error: unknown, apiUrl: string): Error {
  if (error instanceof GridFleetTransportError) {
    return new GenerationDetectionError('unreachable', apiUrl, error.message, { cause: error });
  }
  if (error instanceof GridFleetApiError && error.status === 401) {
    return new GenerationDetectionError(
      'unauthorized',
      apiUrl,
      `the manager requires authentication (401 ${error.serverMessage}); set ${ENV_VARS.username} and ` +
        `${ENV_VARS.password} to its machine credentials (or pass auth to the client).`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Probe B (claim vs later eras): `POST /runs/{zero uuid}/claim {}`. The claim route exists only in the claim
 * era, where the missing run gives the 404 envelope; later managers give the framework 404.
 */
async function probeClaimRoute(http: HttpLayer, evidence: string[]): Promise<'claim' | 'later'> {
  const asked = `POST /runs/${NO_RUN}/claim {}`;
  try {
    await http.request({
      method: 'POST',
      path: `/runs/${NO_RUN}/claim`,
      endpoint: 'POST /runs/{run_id}/claim',
      body: {},
    });
    evidence.push(`${asked} answered 2xx: the claim route exists (claim era)`);
    return 'claim';
  } catch (error) {
    if (isRetiredRoute(error)) {
      evidence.push(`${asked} answered ${error.status} {"detail":"${error.serverMessage}"}: no claim route`);
      return 'later';
    }
    if (error instanceof GridFleetApiError && error.code !== null && error.status !== 401) {
      evidence.push(
        `${asked} answered the ${error.status} envelope "${error.serverMessage}": the claim route exists (claim era)`,
      );
      return 'claim';
    }
    throw failure(error, http.baseUrl);
  }
}

/** Probe C (router vs transition era): `POST /sessions {}` → 405 in the router era (registration removed). */
async function probeSessionRegistration(http: HttpLayer, evidence: string[]): Promise<Generation> {
  try {
    await http.request({ method: 'POST', path: '/sessions', endpoint: 'POST /sessions', body: {} });
  } catch (error) {
    if (error instanceof GridFleetApiError && error.status === 405) {
      evidence.push('POST /sessions {} answered 405: session registration is gone (router era)');
      return 'router';
    }
    if (error instanceof GridFleetApiError && error.status === 422) {
      evidence.push('POST /sessions {} answered 422: session registration exists (transition era)');
      return 'transition';
    }
    throw failure(error, http.baseUrl);
  }
  evidence.push('POST /sessions {} answered 2xx: session registration exists (transition era)');
  return 'transition';
}

/** Probe E (router era): groups supported when an unknown `group` key is a 422. */
async function probeGroups(http: HttpLayer, evidence: string[]): Promise<boolean | undefined> {
  const asked = `GET /devices?group=${PROBE_GROUP}`;
  try {
    await http.request({
      method: 'GET',
      path: '/devices',
      endpoint: 'GET /devices',
      query: new URLSearchParams({ group: PROBE_GROUP, limit: '1' }),
    });
    evidence.push(`${asked} answered 200: the group filter is ignored (backend 0.3–0.5, no device groups)`);
    return false;
  } catch (error) {
    if (
      error instanceof GridFleetApiError &&
      error.status === 422 &&
      /unknown device groups/.test(error.serverMessage)
    ) {
      evidence.push(`${asked} answered 422 "${error.serverMessage}": device groups are supported`);
      return true;
    }
    if (error instanceof GridFleetApiError && error.status !== 401) {
      evidence.push(`${asked} answered ${error.status}: group support unclear`);
      return undefined;
    }
    throw failure(error, http.baseUrl);
  }
}

/**
 * Tells the manager's generation from read-only probes (docs/manager-api.md §R1.2): probe A
 * (`GET /grid/status`: the router-era control-plane answer, or a `grid` key), then probe B (claim route)
 * only when A shows `grid`, probe E (groups) in the router era. A manager without `/grid/status` (a partial
 * simulator) is told by probe B and, when that route is missing too, probe C (`POST /sessions` → 405).
 *
 * @throws GenerationDetectionError when the manager cannot be reached, rejects the credentials, or answers
 *   like no GridFleet manager.
 */
export async function probeManagerGeneration(
  http: HttpLayer,
  options: { groups?: boolean } = {},
): Promise<ManagerGeneration> {
  const evidence: string[] = [];
  const apiUrl = http.baseUrl;
  let generation: Generation;
  try {
    const status = await http.request({
      method: 'GET',
      path: '/grid/status',
      endpoint: 'GET /grid/status',
      schema: managerGridStatusSchema,
    });
    if (status.grid !== undefined) {
      evidence.push(
        'GET /grid/status has a `grid` key (Selenium Grid behind the manager): claim or transition era',
      );
      generation = (await probeClaimRoute(http, evidence)) === 'claim' ? 'claim' : 'transition';
    } else if (status.message === CONTROL_PLANE_MESSAGE) {
      evidence.push(`GET /grid/status says "${CONTROL_PLANE_MESSAGE}" and has no \`grid\` key: router era`);
      generation = 'router';
    } else {
      throw new GenerationDetectionError(
        'not_gridfleet',
        apiUrl,
        `GET /grid/status answered neither a \`grid\` key nor "${CONTROL_PLANE_MESSAGE}"; ` +
          `is ${ENV_VARS.apiUrl} the GridFleet manager's API base (including /api)?`,
      );
    }
  } catch (error) {
    if (error instanceof GenerationDetectionError) throw error;
    if (!(error instanceof GridFleetApiError && error.status === 404)) throw failure(error, apiUrl);
    evidence.push(
      'GET /grid/status answered 404 (a partial manager, e.g. a simulator): probing the claim route',
    );
    const claim = await probeClaimRoute(http, evidence);
    generation = claim === 'claim' ? 'claim' : await probeSessionRegistration(http, evidence);
  }
  const groups =
    generation === 'router' && options.groups !== false ? await probeGroups(http, evidence) : undefined;
  evidence.push(`verdict: ${generationLabel(generation)}`);
  return { generation, groups, evidence };
}
