import { randomUUID } from 'node:crypto';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import type { AllocationLink } from '../allocation/strategy';
import type { CoordinatorReply } from './coordinator';
import { hostedCoordinator, onCoordinatorMessage } from './coordinator_host';
import { type CoordinatorMessage, channelName, type WorkerEnvelope, type WorkerRequest } from './protocol';

const REPLY_TIMEOUT_MS = 60_000;

/** How scenario code talks to the run coordinator, in serial (same thread) and parallel (worker threads). */
export interface CoordinatorLink {
  /** Sends a request and waits for the coordinator's answer. */
  request(request: WorkerRequest): Promise<CoordinatorReply>;
  /** Receives coordinator broadcasts (run ended, shutdown, the allocation strategy's broadcasts). */
  onMessage(listener: (message: CoordinatorMessage) => void): void;
}

class DirectLink implements CoordinatorLink {
  request(request: WorkerRequest): Promise<CoordinatorReply> {
    return hostedCoordinator().handle(request);
  }
  onMessage(listener: (message: CoordinatorMessage) => void): void {
    onCoordinatorMessage(listener);
  }
}

class ChannelLink implements CoordinatorLink {
  private readonly channel = new BroadcastChannel(channelName());
  private readonly pending = new Map<string, (reply: CoordinatorReply) => void>();
  private readonly listeners: Array<(message: CoordinatorMessage) => void> = [];

  constructor() {
    this.channel.onmessage = (event: unknown) => {
      const data = (event as { data?: CoordinatorMessage }).data;
      if (!data || typeof data !== 'object') return;
      if (data.type === 'gridfleet:reply') {
        const resolve = this.pending.get(data.requestId);
        if (resolve) {
          this.pending.delete(data.requestId);
          resolve({ state: data.state, error: data.error, allocation: data.allocation });
        }
      } else if (
        data.type === 'gridfleet:run-ended' ||
        data.type === 'gridfleet:shutdown' ||
        data.type === 'gridfleet:allocation'
      ) {
        for (const listener of this.listeners) listener(data);
      }
    };
    this.channel.unref();
  }

  request(request: WorkerRequest): Promise<CoordinatorReply> {
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new Error(
            `No answer from the gridfleet coordinator after ${REPLY_TIMEOUT_MS / 1000} s (request "${request.kind}"). ` +
              'Is gridfleet-cucumber registered in the support code of every thread?',
          ),
        );
      }, REPLY_TIMEOUT_MS);
      this.pending.set(requestId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      const envelope: WorkerEnvelope = { type: 'gridfleet:request', requestId, request };
      this.channel.postMessage(envelope);
    });
  }

  onMessage(listener: (message: CoordinatorMessage) => void): void {
    this.listeners.push(listener);
  }
}

let link: CoordinatorLink | undefined;

/** This thread's link to the coordinator (direct in the main thread, a BroadcastChannel in workers). */
export function coordinatorLink(): CoordinatorLink {
  link ??= isMainThread ? new DirectLink() : new ChannelLink();
  return link;
}

let allocation: AllocationLink | undefined;

/** This thread's link between the allocation strategy's scenario level and its run level. */
export function allocationLink(): AllocationLink {
  allocation ??= {
    request: async (message) => {
      const reply = await coordinatorLink().request({ kind: 'allocation', message });
      return { error: reply.error, message: reply.allocation };
    },
    onBroadcast: (listener) =>
      coordinatorLink().onMessage((message) => {
        if (message.type === 'gridfleet:allocation') listener(message.message);
      }),
  };
  return allocation;
}
