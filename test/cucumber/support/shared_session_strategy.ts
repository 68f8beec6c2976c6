/**
 * A test-only second allocation strategy, proof of the seam: every scenario of a thread gets the same
 * session, created once through the Grid on a device of the run's reserved list; nothing is claimed. Its
 * scenario level asks its run level (over the worker link) to count what was handed out, and prints one
 * line per scenario start and end for the test to read.
 */
import type { AllocationStrategy, ScenarioDevice } from '../../../src/allocation';
import { type AllocatedDevice, createAppiumDriver, hydrateAllocatedDevice } from '../../../src/appium';

type Driver = ScenarioDevice['driver'];

export const sharedSessionStrategy: AllocationStrategy = {
  name: 'test-shared-session',
  runLevel: async () => {
    let handedOut = 0;
    return {
      handle: async (message) =>
        message.kind === 'count' ? { message: { kind: 'counted', n: ++handedOut } } : { error: 'unknown' },
      leftovers: () => ({ count: 0, plan: undefined }),
      forgetLeftovers: () => {},
    };
  },
  scenarioLevel: ({ client, config, link }) => {
    let shared: Promise<{ driver: Driver; device: AllocatedDevice }> | undefined;
    let ended = false;
    return {
      acquire: async (request) => {
        shared ??= (async () => {
          const entry = (await client.getRun(request.runId)).devices[0];
          if (!entry) throw new Error(`run ${request.runId} reserved no device`);
          const driver = await createAppiumDriver({
            gridUrl: config.gridUrl,
            packId: request.packId,
            platformId: request.platformId,
            capabilities: { ...request.extraCapabilities, ...request.metadata },
            testName: 'shared session',
            client,
            pinTo: { connectionTarget: entry.connection_target, deviceId: entry.device_id },
          });
          // A reserved entry is a claim response but for its claim fields: hydrate it the same way.
          const device = await hydrateAllocatedDevice(
            { ...entry, claimed_by: request.workerId, claimed_at: new Date().toISOString() },
            { runId: request.runId, client, fetchConfig: false },
          );
          return { driver, device };
        })();
        const { driver, device } = await shared;
        const reply = await link.request({ kind: 'count' });
        process.stdout.write(`\nSHARED-START ${request.testName} ${driver.sessionId} #${reply.message?.n}\n`);
        return {
          runId: request.runId,
          device,
          driver,
          sessionId: driver.sessionId,
          end: async (outcome) => {
            process.stdout.write(`\nSHARED-END ${request.testName} ${outcome.status}\n`);
          },
        };
      },
      finishThread: async () => {
        if (ended || !shared) return;
        ended = true;
        await (await shared).driver.deleteSession();
      },
      dispose: () => {},
    };
  },
  endLeftovers: async () => 'nothing',
};
