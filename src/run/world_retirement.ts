import { GridFleetError } from '../client/errors';

/**
 * Why this exists: webdriver arms an `AbortSignal.timeout(connectionRetryTimeout)` for every WebDriver
 * request, and on Node 24 a timer keeps the async context it was created in, which holds cucumber's
 * `{ world }` scope. So every World stays reachable for `connectionRetryTimeout` (300 s here) after its
 * scenario's last request. The World itself is small; what it references is not: the device (webdriverio
 * Browser, hundreds of closures) and cucumber's `attach`/`log`/`link`, bound to the test case runner and
 * everything it recorded. A soak of fast scenarios kept about a megabyte per scenario that way.
 *
 * The device is dropped by the After hook itself; the cucumber functions are cut only when the thread's
 * next scenario starts (or the worker ends), so After hooks that run after ours can still attach.
 */

/** The parts of a World this module cuts. */
interface RetirableWorld {
  attach?: unknown;
  log?: unknown;
  link?: unknown;
}

const CUT = ['attach', 'log', 'link'] as const;

let previous: RetirableWorld | undefined;

/** Called when a scenario starts in this thread: retires the World of the scenario before it. */
export function worldStarting(world: object): void {
  const before = previous;
  previous = world as RetirableWorld;
  if (before && before !== world) retire(before);
}

/** Called when the thread's last scenario is over (worker AfterAll): retires its World. */
export function retireLastWorld(): void {
  if (previous) retire(previous);
  previous = undefined;
}

function retire(world: RetirableWorld): void {
  for (const key of CUT) {
    if (!Object.hasOwn(world, key)) continue;
    Object.defineProperty(world, key, {
      configurable: true,
      writable: true,
      value: () => {
        throw new GridFleetError(
          `gridfleet-cucumber: this World belongs to a scenario that has ended; ${key}() is only available ` +
            'while its own scenario runs.',
        );
      },
    });
  }
}
