import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import { pathSegment, type SuppressOptions } from './client_base';
import { DeviceApi } from './device_api';
import { wrapDeleteSession } from './driver_session';
import { SESSION_TIMEOUT_MS } from './http';
import { type SessionStatus, sessionStatusSchema } from './schemas/common';
import { type Session, type SessionDetail, sessionPageSchema, sessionSchema } from './schemas/session';
import {
  registrationFromCapabilities,
  type SessionRegistration,
  sessionRegistrationToWire,
} from './session_fields';
import { retryTransientOnce } from './transient_retry';

const SESSION_STATUSES: readonly SessionStatus[] = sessionStatusSchema.options;

/** Filters of {@link SessionApi.listSessions}. */
export interface SessionFilters {
  /** Sessions of this run. */
  readonly runId?: string;
  /** Sessions in this status. */
  readonly status?: SessionStatus;
  /** Page size (default the manager's, 50). */
  readonly limit?: number;
}

/**
 * Session reporting: a layer of {@link GridFleetClient} (construct that; see {@link ClientBase}). Failures
 * are suppressed (logged) by default, like the testkit.
 */
export class SessionApi extends DeviceApi {
  /** `GET /sessions`: the first page of session rows (with their device) matching the filters. */
  async listSessions(filters: SessionFilters = {}): Promise<SessionDetail[]> {
    const query = new URLSearchParams();
    if (filters.runId !== undefined) query.set('run_id', filters.runId);
    if (filters.status !== undefined) query.set('status', filters.status);
    if (filters.limit !== undefined) query.set('limit', String(filters.limit));
    const page = await this.http.request({
      method: 'GET',
      path: '/sessions',
      endpoint: 'GET /sessions',
      query,
      schema: sessionPageSchema,
    });
    return page.items;
  }

  /** `POST /sessions` (idempotent by session id). Errors suppressed by default: logged, null returned. */
  async registerSession(fields: SessionRegistration, options: SuppressOptions = {}): Promise<Session | null> {
    const body = sessionRegistrationToWire(fields);
    return this.maybeSuppress(
      `register session ${fields.sessionId}`,
      () =>
        this.claimEraCall('registerSession', 'drop the call: the manager records sessions itself.', () =>
          this.http.request({
            method: 'POST',
            path: '/sessions',
            endpoint: 'POST /sessions',
            body,
            timeoutMs: SESSION_TIMEOUT_MS,
            schema: sessionSchema,
          }),
        ),
      options.suppressErrors ?? true,
    );
  }

  /**
   * Registers the driver's session (id, device and target from its capabilities; `fields` win) and
   * wraps `driver.deleteSession` so `/sessions/{id}/finished` is posted exactly once.
   */
  async registerSessionFromDriver(
    driver: Browser,
    fields: Partial<SessionRegistration> = {},
    options: SuppressOptions = {},
  ): Promise<Session | null> {
    const sessionId = driver.sessionId;
    if (typeof sessionId !== 'string' || sessionId === '') {
      throw new TypeError(
        'registerSessionFromDriver: the driver has no sessionId (was the session created?).',
      );
    }
    const capabilities = (driver.capabilities ?? {}) as Record<string, unknown>;
    const derived = registrationFromCapabilities(sessionId, capabilities);
    const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    // On a manager known to be of a later generation there is no /finished to post: registerSession
    // reports the mismatch, and deleteSession stays untouched.
    const later = this.knownGeneration !== undefined && this.knownGeneration !== 'claim';
    if (!later) wrapDeleteSession(driver, sessionId, this);
    return this.registerSession({ ...derived, ...defined, sessionId }, options);
  }

  /** `POST /sessions/{id}/finished`. Errors suppressed by default (logged, false returned). */
  async notifySessionFinished(sessionId: string, options: SuppressOptions = {}): Promise<boolean> {
    const done = await this.maybeSuppress(
      `notify session ${sessionId} finished`,
      async () => {
        // Idempotent (a second call is a no-op 204): one retry on a transient failure.
        await this.claimEraCall(
          'notifySessionFinished',
          'drop the call: deleting the WebDriver session ends it.',
          () =>
            retryTransientOnce(
              `notify session ${sessionId} finished`,
              () =>
                this.http.request({
                  method: 'POST',
                  path: `/sessions/${pathSegment(sessionId, 'sessionId')}/finished`,
                  endpoint: 'POST /sessions/{session_id}/finished',
                  timeoutMs: SESSION_TIMEOUT_MS,
                }),
              // maybeSuppress logs the failure when the retry fails too.
              { clock: this.clock },
            ),
        );
        return true;
      },
      options.suppressErrors ?? true,
    );
    return done === true;
  }

  /**
   * `PATCH /sessions/{id}/status` (`pending` is router era only). Router era: send it after the WebDriver
   * DELETE; before it, it ends the session row (docs/manager-api.md §R5.4). Errors suppressed
   * by default (logged, null returned).
   */
  async updateSessionStatus(
    sessionId: string,
    status: SessionStatus,
    options: SuppressOptions = {},
  ): Promise<Session | null> {
    if (!SESSION_STATUSES.includes(status)) {
      throw new TypeError(
        `updateSessionStatus: status must be one of ${SESSION_STATUSES.join(', ')}, got '${status}'.`,
      );
    }
    return this.maybeSuppress(
      `update session ${sessionId} status to ${status}`,
      // Setting the same status twice is harmless; a lost update would leave the session `running`
      // (device busy) or let Grid sync end it as `passed` whatever the scenario's result.
      () =>
        retryTransientOnce(
          `update session ${sessionId} status to ${status}`,
          () =>
            this.http.request({
              method: 'PATCH',
              path: `/sessions/${pathSegment(sessionId, 'sessionId')}/status`,
              endpoint: 'PATCH /sessions/{session_id}/status',
              body: { status },
              timeoutMs: SESSION_TIMEOUT_MS,
              schema: sessionSchema,
            }),
          // maybeSuppress logs the failure when the retry fails too.
          { clock: this.clock },
        ),
      options.suppressErrors ?? true,
    );
  }
}
