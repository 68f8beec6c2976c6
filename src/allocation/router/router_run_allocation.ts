import { errorText } from '../../client/error_text';
import type { ReservedDevice } from '../../client/schemas/reserved_device';
import type {
  AllocationMessage,
  AllocationReply,
  AllocationRun,
  Leftovers,
  RunAllocation,
  RunLevelContext,
} from '../strategy';
import { parseRouterMessage, routerMessage, type TrackedSession } from './router_messages';

/**
 * Longest time the coordinator holds a scenario back waiting for a device of its run to free up; after
 * it the scenario goes to the router's own queue. Below the worker link's 60 s reply timeout, and a bound
 * should a slot never come back (a worker terminated mid-scenario).
 */
export const SLOT_HOLD_LIMIT_MS = 45_000;

/** The router plan of {@link RouterRunAllocation.leftovers}: sessions no worker ended. */
export interface RouterLeftoverPlan {
  /** Sessions no worker deleted. */
  sessions: TrackedSession[];
}

interface Waiter {
  slotId: string;
  grant: (held: boolean) => void;
  timer: NodeJS.Timeout;
}

interface RunSlots {
  /** Devices of the run that can take a session, or undefined when the coordinator cannot know (joined run). */
  capacity: number | undefined;
  /** Slots handed out (sessions being created or running). */
  open: Set<string>;
  /** Scenarios held back, oldest first. */
  waiters: Waiter[];
}

/**
 * Devices of a reservation that may take sessions: those not released from the run. A device cooling down
 * counts (its cooldown ends during the run; until then the router's queue waits for it, rather than the
 * coordinator holding a scenario that a device could take).
 */
export function usableDevices(devices: readonly ReservedDevice[]): number {
  return devices.filter((d) => !d.released_at).length;
}

/**
 * Router-era run level, in the coordinator thread: hands every thread the runs' reserved devices and the
 * manager's group keys (fetched once per cucumber run), tracks the sessions of this cucumber run (so a
 * crash or a signal can delete them), and holds a scenario back while every device of its run is busy
 * with a session of this cucumber run, waking the oldest one the moment a session is given back, so its
 * create lands on the router's first attempt instead of the manager's 1 s re-try (docs/manager-api.md,
 * docs/manager-api.md §R4.3). Where it cannot count (a joined run shared with other shards) it grants at once and
 * the router's queue decides.
 */
export class RouterRunAllocation implements RunAllocation {
  private readonly sessions = new Map<string, TrackedSession>();
  private readonly slots = new Map<string, RunSlots>();
  private groups: Promise<string[] | null> | undefined;

  constructor(
    private readonly context: Pick<RunLevelContext, 'client' | 'closing' | 'logger'> & {
      runs: readonly AllocationRun[];
    },
  ) {
    for (const run of context.runs) {
      this.slots.set(run.runId, {
        capacity: run.owned ? usableDevices(run.devices) : undefined,
        open: new Set(),
        waiters: [],
      });
    }
  }

  async handle(raw: AllocationMessage): Promise<AllocationReply> {
    const message = parseRouterMessage(raw);
    switch (message?.kind) {
      case 'router-runs':
        return {
          message: routerMessage({
            kind: 'router-runs-info',
            runs: this.context.runs.map((r) => ({ runId: r.runId, devices: [...r.devices] })),
            groups: await this.groupKeys(),
          }),
        };
      case 'router-slot': {
        if (this.context.closing())
          return { error: 'the cucumber run is shutting down; no new devices are handed out' };
        const held = await this.slot(message.runId, message.slotId);
        return { message: routerMessage({ kind: 'router-slot-granted', held }) };
      }
      case 'router-session-started':
        this.sessions.set(message.slotId, message.session);
        return {};
      case 'router-slot-free':
        this.free(message.slotId, message.cooldownSec, message.deviceLeft ?? false);
        return {};
      default:
        return { error: `the router strategy does not understand message "${raw.kind}"` };
    }
  }

  leftovers(): Leftovers {
    const plan: RouterLeftoverPlan = { sessions: [...this.sessions.values()] };
    return { count: plan.sessions.length, plan };
  }

  forgetLeftovers(): void {
    this.sessions.clear();
  }

  /** The manager's group keys, read once per cucumber run; null without device groups. */
  private groupKeys(): Promise<string[] | null> {
    this.groups ??= this.context.client.listDeviceGroups().then(
      (groups) => groups.map((g) => g.key),
      (error: unknown) => {
        this.context.logger.warn(
          `gridfleet: could not read the manager's device groups: ${errorText(error)}`,
        );
        return null;
      },
    );
    return this.groups;
  }

  /** Resolves once the run has a device free for this slot (true when the slot had to wait). */
  private slot(runId: string, slotId: string): Promise<boolean> {
    const run = this.slots.get(runId);
    if (!run || run.capacity === undefined) return Promise.resolve(false);
    if (run.waiters.length === 0 && run.open.size < run.capacity) {
      run.open.add(slotId);
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // Waited long enough: the router's queue takes over (a slot may have leaked with its worker).
        run.waiters = run.waiters.filter((w) => w.slotId !== slotId);
        run.open.add(slotId);
        resolve(true);
      }, SLOT_HOLD_LIMIT_MS);
      timer.unref();
      run.waiters.push({ slotId, timer, grant: resolve });
    });
  }

  private free(slotId: string, cooldownSec: number | undefined, deviceLeft: boolean): void {
    this.sessions.delete(slotId);
    for (const run of this.slots.values()) {
      run.waiters = run.waiters.filter((w) => {
        if (w.slotId !== slotId) return true;
        clearTimeout(w.timer);
        return false;
      });
      if (!run.open.delete(slotId)) continue;
      if (run.capacity !== undefined && (deviceLeft || cooldownSec !== undefined)) {
        // The device takes no session for a while (or never again in this run).
        run.capacity -= 1;
        if (!deviceLeft && cooldownSec !== undefined) {
          setTimeout(() => this.restore(run), cooldownSec * 1000).unref();
        }
      }
      this.wake(run);
    }
  }

  private restore(run: RunSlots): void {
    if (run.capacity === undefined) return;
    run.capacity += 1;
    this.wake(run);
  }

  /** Grants the oldest waiters as long as the run has devices free. */
  private wake(run: RunSlots): void {
    while (run.capacity !== undefined && run.open.size < run.capacity) {
      const next = run.waiters.shift();
      if (!next) return;
      clearTimeout(next.timer);
      run.open.add(next.slotId);
      next.grant(true);
    }
  }
}
