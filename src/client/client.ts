import { type ClaimRetryOptions, retryClaim } from './claim_retry';
import { pathSegment } from './client_base';
import { GridFleetApiError, GridFleetTransportError } from './errors';
import { RunHeartbeat, type RunHeartbeatOptions } from './heartbeat';
import { ABOVE_SERVER_TIMEOUT_MS, RESERVE_TIMEOUT_MS } from './http';
import { type ClaimInclude, includeQueryValue, type ReserveInclude } from './include';
import { type DeviceRequirement, requirementsToWire } from './requirements';
import { RouterApi } from './router_api';
import {
  type ClaimResponse,
  claimResponseSchema,
  type ReleaseResponse,
  releaseResponseSchema,
} from './schemas/claim';
import { type CooldownResult, cooldownResultSchema } from './schemas/cooldown';
import {
  type HeartbeatResponse,
  heartbeatResponseSchema,
  type RunCreateResponse,
  type RunDetail,
  type RunRead,
  runCreateResponseSchema,
  runDetailSchema,
  runListResponseSchema,
  runReadSchema,
} from './schemas/run';
import { retryTransientOnce } from './transient_retry';

/** Arguments of {@link GridFleetClient.reserveDevices}. */
export interface ReserveDevicesRequest {
  /** Run name (not unique). */
  readonly name: string;
  /** What to reserve; may be empty. */
  readonly requirements: readonly DeviceRequirement[];
  /** Absolute TTL in minutes (default 60; manager max 180). */
  readonly ttlMinutes?: number;
  /** Heartbeat timeout in seconds (default 120). */
  readonly heartbeatTimeoutSec?: number;
  /** Free text, e.g. the CI job. */
  readonly createdBy?: string | null;
  /** Inline data per device; `capabilities` is rejected client-side. */
  readonly include?: readonly ReserveInclude[];
}

/** Worker identity and device of a release. */
export interface ReleaseRequest {
  /** Claimed device id. */
  readonly deviceId: string;
  /** The worker that claimed it. */
  readonly workerId: string;
}

/** Arguments of {@link GridFleetClient.claimDevice}. */
export interface ClaimRequest {
  /** Claim owner; omitted → the manager invents `anonymous-<hex>`. */
  readonly workerId?: string;
  /** Inline data for the claimed device. */
  readonly include?: readonly ClaimInclude[];
  /** Aborts the request (and, with retries, the wait). */
  readonly signal?: AbortSignal;
}

/**
 * Client of the GridFleet manager API, both generations: the claim-era calls (claim, release, session
 * registration; refused with GenerationMismatchError on a later manager) and the router-era ones
 * (`cooldownDevice`, device groups, `reserved`/`groups` filters). Mirrors the Python testkit's
 * `GridFleetClient`. Configuration is read from the environment at call time unless given to the
 * constructor `(baseUrl?, options?)`.
 */
export class GridFleetClient extends RouterApi {
  /**
   * `POST /runs`: reserves devices. Sends all five body keys like the testkit.
   *
   * @throws ReserveCapabilitiesUnsupportedError before any request when include has `capabilities`.
   */
  async reserveDevices(request: ReserveDevicesRequest): Promise<RunCreateResponse> {
    const include = includeQueryValue(request.include, 'reserveDevices', true);
    if (typeof request.name !== 'string' || request.name === '') {
      throw new TypeError('reserveDevices: name must be a non-empty string.');
    }
    return this.http.request({
      method: 'POST',
      path: '/runs',
      endpoint: 'POST /runs',
      query: include ? new URLSearchParams({ include }) : undefined,
      body: {
        name: request.name,
        requirements: requirementsToWire(request.requirements),
        ttl_minutes: request.ttlMinutes ?? 60,
        heartbeat_timeout_sec: request.heartbeatTimeoutSec ?? 120,
        created_by: request.createdBy ?? null,
      },
      timeoutMs: RESERVE_TIMEOUT_MS,
      schema: runCreateResponseSchema,
    });
  }

  /**
   * `GET /runs`: the newest runs first, at most `limit` (1..200, default 50), optionally only those in
   * `state` and created at or after `createdFrom` (an ISO timestamp).
   */
  async listRuns(query: { state?: string; createdFrom?: string; limit?: number } = {}): Promise<RunRead[]> {
    const params = new URLSearchParams();
    if (query.state !== undefined) params.set('state', query.state);
    if (query.createdFrom !== undefined) params.set('created_from', query.createdFrom);
    params.set('limit', String(query.limit ?? 50));
    const answer = await this.http.request({
      method: 'GET',
      path: '/runs',
      endpoint: 'GET /runs',
      query: params,
      schema: runListResponseSchema,
    });
    return answer.items;
  }

  /** `GET /runs/{id}`: the run with its devices. */
  async getRun(runId: string): Promise<RunDetail> {
    return this.http.request({
      method: 'GET',
      path: `/runs/${pathSegment(runId, 'runId')}`,
      endpoint: 'GET /runs/{run_id}',
      runId,
      schema: runDetailSchema,
    });
  }

  async #lifecycle(runId: string, action: 'ready' | 'active' | 'complete' | 'cancel'): Promise<RunRead> {
    const send = () =>
      this.http.request({
        method: 'POST',
        path: `/runs/${pathSegment(runId, 'runId')}/${action}`,
        endpoint: `POST /runs/{run_id}/${action}`,
        runId,
        schema: runReadSchema,
      });
    let first = true;
    // Lifecycle calls are idempotent, so a transient failure gets one retry. When the lost first attempt
    // did end the run, the retry answers 409 (terminal state): the run is then read back, not reported
    // as a failure.
    return retryTransientOnce(
      `POST /runs/${runId}/${action}`,
      async () => {
        const retry = !first;
        first = false;
        try {
          return await send();
        } catch (error) {
          if (retry && (action === 'complete' || action === 'cancel') && isTerminalConflict(error)) {
            const run = await this.getRun(runId);
            if (['completed', 'cancelled', 'expired', 'failed'].includes(run.state)) return run;
          }
          throw error;
        }
      },
      { clock: this.clock, logger: this.logger },
    );
  }

  /** `POST /runs/{id}/ready` (claim era: → `ready`; later era: → `active`). */
  async signalReady(runId: string): Promise<RunRead> {
    return this.#lifecycle(runId, 'ready');
  }

  /** `POST /runs/{id}/active` (claim era: `ready → active`; later era: `preparing → active` or no-op). */
  async signalActive(runId: string): Promise<RunRead> {
    return this.#lifecycle(runId, 'active');
  }

  /**
   * Brings a run to `active` on either manager era: `/ready`, then `/active` when the run stopped at
   * `ready` (claim era). A run that is already `ready` or `active` is fine too.
   */
  async activateRun(runId: string): Promise<RunRead> {
    let run: RunRead;
    try {
      run = await this.signalReady(runId);
    } catch (error) {
      if (!(error instanceof GridFleetApiError && error.status === 409 && error.code === 'CONFLICT'))
        throw error;
      run = await this.getRun(runId);
      if (run.state !== 'ready' && run.state !== 'active') throw error;
    }
    return run.state === 'ready' ? this.signalActive(runId) : run;
  }

  /** `POST /runs/{id}/heartbeat`: keeps the run alive and reports its state. */
  async heartbeat(runId: string): Promise<HeartbeatResponse> {
    return this.http.request({
      method: 'POST',
      path: `/runs/${pathSegment(runId, 'runId')}/heartbeat`,
      endpoint: 'POST /runs/{run_id}/heartbeat',
      runId,
      schema: heartbeatResponseSchema,
    });
  }

  /** `POST /runs/{id}/complete`. */
  async completeRun(runId: string): Promise<RunRead> {
    return this.#lifecycle(runId, 'complete');
  }

  /** `POST /runs/{id}/cancel`. */
  async cancelRun(runId: string): Promise<RunRead> {
    return this.#lifecycle(runId, 'cancel');
  }

  /**
   * `POST /runs/{id}/devices/{device_id}/preparation-failed`: permanently excludes the device from the
   * run. At most two attempts, retrying only transport errors and 503/504, each with a timeout above
   * the manager's own 30 s. With `suppressErrors` a failure is logged and null returned.
   */
  async reportPreparationFailure(
    runId: string,
    deviceId: string,
    message: string,
    options: { source?: string; suppressErrors?: boolean } = {},
  ): Promise<RunRead | null> {
    const spec = {
      method: 'POST' as const,
      path: `/runs/${pathSegment(runId, 'runId')}/devices/${pathSegment(deviceId, 'deviceId')}/preparation-failed`,
      endpoint: 'POST /runs/{run_id}/devices/{device_id}/preparation-failed',
      runId,
      body: { message, source: options.source ?? 'ci_preparation' },
      timeoutMs: ABOVE_SERVER_TIMEOUT_MS,
      schema: runReadSchema,
    };
    const send = async (): Promise<RunRead> => {
      try {
        return await this.http.request(spec);
      } catch (error) {
        const retryable =
          error instanceof GridFleetTransportError ||
          (error instanceof GridFleetApiError && (error.status === 503 || error.status === 504));
        if (!retryable) throw error;
        this.logger.warn(
          `preparation-failed report for device ${deviceId} failed, retrying once: ${error.message}`,
        );
        return this.http.request(spec);
      }
    };
    return this.maybeSuppress(
      `report preparation failure of ${deviceId}`,
      send,
      options.suppressErrors ?? false,
    );
  }

  /**
   * `POST /runs/{id}/claim`: leases one reserved device to a worker.
   *
   * @throws NoClaimableDevicesError when nothing is claimable right now; UnknownIncludeError on a bad include;
   *   GenerationMismatchError on a later-generation manager (there is no claim after the claim era).
   */
  async claimDevice(runId: string, request: ClaimRequest = {}): Promise<ClaimResponse> {
    const include = includeQueryValue(request.include, 'claimDevice');
    return this.claimEraCall('claimDevice', insteadOfClaim(runId), () =>
      this.http.request({
        method: 'POST',
        path: `/runs/${pathSegment(runId, 'runId')}/claim`,
        endpoint: 'POST /runs/{run_id}/claim',
        runId,
        query: include ? new URLSearchParams({ include }) : undefined,
        body: request.workerId === undefined ? undefined : { worker_id: request.workerId },
        signal: request.signal,
        schema: claimResponseSchema,
      }),
    );
  }

  /**
   * Claims with retries: waits for the earliest of `next_available_at`, `retry_after_sec` and
   * `Retry-After` (never past `maxWaitSec`), can be aborted or woken early, and finally throws
   * NoClaimableDevicesError naming the run and how long it waited.
   */
  async claimDeviceWithRetry(
    runId: string,
    request: ClaimRequest & ClaimRetryOptions = {},
  ): Promise<ClaimResponse> {
    includeQueryValue(request.include, 'claimDeviceWithRetry');
    return retryClaim(runId, () => this.claimDevice(runId, request), this.clock, request);
  }

  /** `POST /runs/{id}/release`: gives a claimed device back (throws on any error). */
  async releaseDevice(runId: string, request: ReleaseRequest): Promise<ReleaseResponse> {
    return this.claimEraCall('releaseDevice', INSTEAD_OF_RELEASE, () => this.#release(runId, request));
  }

  #release(runId: string, request: ReleaseRequest): Promise<ReleaseResponse> {
    return this.http.request({
      method: 'POST',
      path: `/runs/${pathSegment(runId, 'runId')}/release`,
      endpoint: 'POST /runs/{run_id}/release',
      runId,
      body: { device_id: request.deviceId, worker_id: request.workerId },
      schema: releaseResponseSchema,
    });
  }

  /**
   * Release that tolerates what is already done: true on success, false when the run is gone (404) or
   * the device is already unclaimed (409 "is not claimed", real envelope or legacy `detail`). Throws on
   * a wrong-worker conflict and everything else.
   */
  async releaseDeviceSafe(runId: string, request: ReleaseRequest): Promise<boolean> {
    try {
      // A release lost to a transient failure keeps the device claimed for the rest of the run (other
      // workers wait for it); one retry is safe: a release that did land answers 409 "is not claimed".
      // A framework 404 (no release route) stays "nothing to release" here; only a known later
      // generation is refused up front.
      await this.claimEraCall(
        'releaseDeviceSafe',
        INSTEAD_OF_RELEASE,
        () =>
          retryTransientOnce(`release of device ${request.deviceId}`, () => this.#release(runId, request), {
            clock: this.clock,
            logger: this.logger,
          }),
        false,
      );
      return true;
    } catch (error) {
      if (!(error instanceof GridFleetApiError)) throw error;
      if (error.status === 404 && (error.code === 'NOT_FOUND' || error.code === null)) return false;
      const text = `${error.code === null ? '' : error.serverMessage} ${error.legacyDetail ?? ''}`;
      if (error.status === 409 && text.includes('is not claimed')) return false;
      throw error;
    }
  }

  /** `POST /runs/{id}/devices/{device_id}/release-with-cooldown`: release and keep the run off the device. */
  async releaseDeviceWithCooldown(
    runId: string,
    request: ReleaseRequest & { reason: string; ttlSeconds: number },
  ): Promise<CooldownResult> {
    return this.claimEraCall(
      'releaseDeviceWithCooldown',
      'delete the WebDriver session, then call cooldownDevice(runId, deviceId, { reason, ttlSeconds }) instead.',
      () =>
        this.http.request({
          method: 'POST',
          path: `/runs/${pathSegment(runId, 'runId')}/devices/${pathSegment(request.deviceId, 'deviceId')}/release-with-cooldown`,
          endpoint: 'POST /runs/{run_id}/devices/{device_id}/release-with-cooldown',
          runId,
          body: { worker_id: request.workerId, reason: request.reason, ttl_seconds: request.ttlSeconds },
          schema: cooldownResultSchema,
        }),
    );
  }

  /** Starts a background heartbeat for the run (first beat after one interval). */
  startHeartbeat(
    runId: string,
    intervalSec = 30,
    options: Omit<RunHeartbeatOptions, 'intervalSec'> = {},
  ): RunHeartbeat {
    return new RunHeartbeat(this, runId, { logger: this.logger, ...options, intervalSec }).start();
  }
}

const INSTEAD_OF_RELEASE =
  'delete the WebDriver session instead (driver.deleteSession()); that gives the device back.';

function insteadOfClaim(runId: string): string {
  return (
    `create the session at GRID_URL/run/${runId} instead (the router allocates one of the run's devices; ` +
    '`gridfleet:deviceId` in the returned capabilities names it).'
  );
}

function isTerminalConflict(error: unknown): boolean {
  return (
    error instanceof GridFleetApiError && error.status === 409 && /terminal state/.test(error.serverMessage)
  );
}
