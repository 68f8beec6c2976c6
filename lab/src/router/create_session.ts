/**
 * The router's new-session loop against `POST /internal/grid/create-session`
 * (docs/manager-api.md §R4.6.1, "How the router treats them").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type ManagerAnswer, type ManagerClient, ManagerTransportError } from './manager_client';
import { w3cError } from './wire';

/** Header carrying the milliseconds left before the router's own deadline. */
export const BUDGET_HEADER = 'X-Gridfleet-Create-Budget-Ms';

const answerSchema = z.object({
  status: z.string(),
  ticket: z.string().nullish(),
  session_id: z.string().nullish(),
  target: z.string().nullish(),
  device_id: z.string().nullish(),
  appium_status: z.number().int().nullish(),
  appium_body: z.unknown().optional(),
  message: z.string().nullish(),
});

type Answer = z.output<typeof answerSchema>;

/** How one new-session request ended. */
export type CreateOutcome =
  | {
      readonly kind: 'created';
      readonly sessionId: string;
      readonly target: string;
      readonly deviceId: string | null;
      /** HTTP status to relay (Appium's, 200 when absent). */
      readonly status: number;
      /** Appium's create answer (without `gridfleet:deviceId`; the caller injects it). */
      readonly body: unknown;
    }
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown; readonly label: string }
  | { readonly kind: 'abandoned' };

/** Inputs of {@link createSession}. */
export interface CreateSessionInput {
  /** Manager client. */
  readonly manager: ManagerClient;
  /** The client's parsed W3C new-session body. */
  readonly body: unknown;
  /** Run id from the `/run/{id}` prefix, or null for a free session. */
  readonly runId: string | null;
  /** Epoch ms after which the router gives up (`--new-session-timeout`). */
  readonly deadline: number;
  /** Aborted when the client disconnected. */
  readonly clientGone: AbortSignal;
  /** HTTP timeout of one create-session call (280 s in the real router). */
  readonly callTimeoutMs: number;
  /** Pause before re-calling after a 5xx, a transport error or an unreadable 200 (2 s). */
  readonly retryPauseMs: number;
  /** Where problems worth a log line go. */
  readonly log: (line: string) => void;
}

function sessionNotCreated(status: number, message: string, label: string): CreateOutcome {
  return { kind: 'answer', status, body: w3cError('session not created', message), label };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Top-level `message` of a manager error body, else `undefined`. */
function topMessage(json: unknown): string | undefined {
  const message = (json as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** Detail text of "backend rejected create-session": message, FastAPI detail, joined msgs, raw body. */
export function rejectionDetail(text: string): string {
  const json = parseJson(text);
  const message = topMessage(json);
  if (message !== undefined) return message;
  const detail = (json as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const msgs = detail.map((d) => (d as { msg?: unknown })?.msg).filter((m) => typeof m === 'string');
    if (msgs.length > 0) return msgs.join('; ');
  }
  return text;
}

/** A 200 body the router can act on, or undefined when it is unreadable. */
function readAnswer(text: string): Answer | undefined {
  const parsed = answerSchema.safeParse(parseJson(text));
  if (!parsed.success) return undefined;
  if (parsed.data.status === 'created' && (!parsed.data.session_id || !parsed.data.target)) return undefined;
  return parsed.data;
}

/**
 * Runs the create-session loop for one client request until it ends: created, an answer to relay,
 * the router's own deadline, or the client gone (then the held ticket is cancelled).
 */
export async function createSession(input: CreateSessionInput): Promise<CreateOutcome> {
  const { manager, clientGone, log } = input;
  let ticket: string | null = null;
  const cancelTicket = async (): Promise<void> => {
    if (ticket === null) return;
    const id = ticket;
    ticket = null;
    try {
      await manager.expectOk('DELETE', `/internal/grid/tickets/${encodeURIComponent(id)}`, undefined, 10_000);
    } catch (err) {
      log(`could not cancel ticket ${id}: ${(err as Error).message}`);
    }
  };
  const pause = async (): Promise<void> => {
    try {
      await sleep(input.retryPauseMs, undefined, { signal: clientGone });
    } catch {
      // Client gone; the loop head notices.
    }
  };

  for (;;) {
    if (clientGone.aborted) {
      await cancelTicket();
      return { kind: 'abandoned' };
    }
    let raw: ManagerAnswer | undefined;
    try {
      raw = await manager.request('POST', '/internal/grid/create-session', {
        body: { body: input.body, ticket, run_id: input.runId },
        headers: { [BUDGET_HEADER]: String(Math.max(0, Math.round(input.deadline - Date.now()))) },
        timeoutMs: input.callTimeoutMs,
        // Only a call under a held ticket may be cut short: cancelling that ticket also tears down a
        // session the manager created under it. A first call's answer is awaited (the caller rolls
        // back a session the client can no longer receive).
        signal: ticket === null ? undefined : clientGone,
      });
    } catch (err) {
      if (!(err instanceof ManagerTransportError)) throw err;
      if (clientGone.aborted) continue;
      log(`create-session transport failure, retrying in ${input.retryPauseMs} ms: ${err.message}`);
      await pause();
    }

    if (raw !== undefined) {
      const { status, text } = raw;
      if (status === 200) {
        const answer = readAnswer(text);
        if (answer === undefined) {
          log(`create-session answered an unreadable 200, retrying: ${text.slice(0, 200)}`);
          await pause();
        } else if (answer.status === 'created') {
          return {
            kind: 'created',
            sessionId: answer.session_id as string,
            target: answer.target as string,
            deviceId: answer.device_id ?? null,
            status: answer.appium_status ?? 200,
            body: answer.appium_body,
          };
        } else if (answer.status === 'create_failed') {
          return {
            kind: 'answer',
            status: answer.appium_status ?? 500,
            body: answer.appium_body,
            label: 'create_failed',
          };
        } else if (answer.status === 'create_error') {
          return sessionNotCreated(500, answer.message ?? 'session create failed', 'create_error');
        } else {
          // queued, or any status the router does not know: ask again at once with the ticket.
          ticket = answer.ticket ?? ticket;
        }
      } else if (status === 400) {
        return sessionNotCreated(400, topMessage(parseJson(text)) ?? text, 'invalid');
      } else if (status === 410) {
        return sessionNotCreated(500, 'no matching device became available', 'expired');
      } else if (status === 401 || status === 403 || status === 404) {
        await cancelTicket();
        const what = status === 404 ? 'backend internal grid API not found' : 'backend authentication failed';
        return sessionNotCreated(500, `router misconfigured: ${what}`, 'misconfigured');
      } else if (status >= 400 && status < 500) {
        await cancelTicket();
        return sessionNotCreated(
          400,
          `backend rejected create-session (${status}): ${rejectionDetail(text)}`,
          'rejected',
        );
      } else {
        log(`create-session answered ${status}, retrying in ${input.retryPauseMs} ms`);
        await pause();
      }
    }

    if (Date.now() >= input.deadline && !clientGone.aborted) {
      await cancelTicket();
      return sessionNotCreated(500, 'timed out waiting for a device', 'timeout');
    }
  }
}
