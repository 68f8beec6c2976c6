import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_LAB_PATH, loadLabFile, type ResolvedLab } from '../lab/lab_file';
import { resolveStackBinaries } from './dependencies';
import { StackError } from './errors';
import { guardDetachedChildren } from './exit_guard';
import { renderGridConfig } from './grid_config';
import {
  type LabCli,
  type LabHandle,
  labFileForStack,
  resolveLabCli,
  type StackLabSettings,
  startLabChild,
  startLabInProcess,
} from './lab_runner';
import {
  DEFAULT_PORTS,
  parseGeneration,
  type ResolvedPorts,
  resolvePorts,
  type StackGeneration,
  type StackOptions,
} from './options';
import { defaultStateDir, FAKE_APP_PATH } from './paths';
import { readPidFiles, removePidFile, writePidFile } from './pid_files';
import { assertPortsFree, STACK_HOST, waitForPortsFree } from './ports';
import { isAlive, spawnServer, terminateAll } from './processes';
import {
  appiumProbe,
  gridProbe,
  labProbe,
  routerProbe,
  type WatchedServer,
  waitUntilReady,
} from './readiness';
import { removeStackInfo, writeStackInfo } from './stack_info';
import { buildStackDevices, nonFakeDevices, type StackDevice } from './stereotypes';

/**
 * A running local stack: lab + Appium (fake driver) + Selenium Grid standalone in relay mode
 * (claim generation), or lab + Appium + the router simulator (router generation).
 */
export interface RunningStack {
  /** Which GridFleet the stack plays. */
  readonly generation: StackGeneration;
  /** Lab base URL, e.g. `http://127.0.0.1:8000`. */
  readonly labUrl: string;
  /** GridFleet API base (`<labUrl>/api`), what `GRIDFLEET_API_URL` expects. */
  readonly apiUrl: string;
  /** Selenium Grid URL (claim) or router simulator URL (router), what `GRID_URL` expects. */
  readonly gridUrl: string;
  /** Appium server URL (direct, bypassing the Grid). */
  readonly appiumUrl: string;
  /** Environment to point a test at this stack: `GRIDFLEET_API_URL`, `GRID_URL`, `GRIDFLEET_LAB_URL`, `APPIUM_URL`. */
  readonly env: Readonly<Record<string, string>>;
  /** The lab devices, each with the udid (claim) / id (router, `gridfleet:deviceId`) that pins a session to it. */
  readonly devices: readonly StackDevice[];
  /**
   * PIDs of the started processes (`lab` is absent when the lab runs in-process; `grid` only in the
   * claim generation, `router` only in the router generation).
   */
  readonly pids: {
    readonly lab?: number;
    readonly appium: number;
    readonly grid?: number;
    readonly router?: number;
  };
  /** The ports in use. */
  readonly ports: ResolvedPorts;
  /** State dir holding the PID files, logs and `grid.toml`. */
  readonly stateDir: string;
  /** Stops everything by PID (SIGTERM, up to 10 s, then SIGKILL) and removes the PID files. Idempotent. */
  stop(): Promise<void>;
}

function loadLab(lab: StackOptions['lab']): ResolvedLab {
  if (lab === undefined) return loadLabFile(DEMO_LAB_PATH);
  if (typeof lab === 'string') return loadLabFile(path.resolve(lab));
  return lab;
}

/** A stack already running from this state dir must be stopped first; stale PID files are dropped. */
function claimStateDir(stateDir: string): void {
  const live = [];
  for (const record of readPidFiles(stateDir)) {
    if (isAlive(record.pid)) live.push(`${record.name} pid ${record.pid}`);
    else removePidFile(record.file);
  }
  if (live.length > 0) {
    throw new StackError(
      `A stack started from ${stateDir} is still running (${live.join(', ')}); stop it with \`npm run lab:down\` ` +
        '(or stopRecordedStack) or use another stateDir.',
    );
  }
  fs.mkdirSync(stateDir, { recursive: true });
}

/** Labels for the port check messages. */
function portLabels(generation: StackGeneration) {
  return {
    lab: { what: 'GridFleet lab', flag: '--lab-port / ports.lab' },
    grid: {
      what: generation === 'router' ? 'GridFleet router simulator' : 'Selenium Grid',
      flag: '--grid-port / ports.grid',
    },
    appium: { what: 'Appium', flag: '--appium-port / ports.appium' },
  } as const;
}

/**
 * Starts the GridFleet lab, one Appium 3 server (fake driver) and, in the claim generation, one
 * Selenium Grid 4 standalone relaying to it with one slot per lab device, or, in the router
 * generation, the router simulator in front of a router-generation lab whose devices all use that
 * Appium; then waits until every device is routable.
 *
 * On any failure everything already started is stopped before the error is thrown.
 *
 * @throws StackError for a taken port, missing dev dependencies, a server that died or never got
 *   ready (with the tail of its log), or a lab the stack cannot serve.
 */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  // Cheap validation first, so bad options fail before anything is looked up or started.
  const ports = await resolvePorts(options.ports);
  const lab = loadLab(options.lab);
  const generation = parseGeneration('generation', options.generation ?? lab.settings.generation);
  const inProcess = options.labInProcess ?? typeof options.lab === 'object';
  let labFile: string | undefined;
  let labCli: LabCli | undefined;
  if (!inProcess) {
    labCli = resolveLabCli();
    labFile = typeof options.lab === 'object' ? options.lab.source : lab.source;
    if (!fs.existsSync(labFile)) {
      throw new StackError(
        `The lab "${labFile}" has no file behind it, so it cannot run as a child process; pass labInProcess: true or a lab file path.`,
      );
    }
  }
  const binaries = resolveStackBinaries(undefined, { grid: generation === 'claim' });
  const routerCli = generation === 'router' ? resolveLabCli('router_sim') : undefined;
  const devices = buildStackDevices(lab, FAKE_APP_PATH);
  for (const d of nonFakeDevices(devices)) {
    log(
      `warning: device "${d.name}" advertises ${d.stereotype.platformName}/${d.stereotype['appium:automationName']}, ` +
        'but only the Appium fake driver runs here; sessions routed to it will fail.',
    );
  }
  const labels = portLabels(generation);
  await assertPortsFree(
    (Object.keys(labels) as (keyof ResolvedPorts)[]).map((key) => ({
      ...labels[key],
      port: ports[key],
      defaultPort: DEFAULT_PORTS[key],
    })),
  );
  const stateDir = path.resolve(options.stateDir ?? defaultStateDir());
  claimStateDir(stateDir);

  const labUrl = `http://${STACK_HOST}:${ports.lab}`;
  const gridUrl = `http://${STACK_HOST}:${ports.grid}`;
  const appiumUrl = `http://${STACK_HOST}:${ports.appium}`;
  const labSettings: StackLabSettings =
    generation === 'router'
      ? { grid_url: gridUrl, generation: 'router', appium_url: appiumUrl }
      : { grid_url: gridUrl };
  const started: { name: string; child: ChildProcess; pidFile: string }[] = [];
  let labHandle: LabHandle | undefined;
  let stopped = false;
  const unguard = guardDetachedChildren(() =>
    started.flatMap((s) => (s.child.pid === undefined ? [] : [{ pid: s.child.pid, pidFile: s.pidFile }])),
  );

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const pids = started.map((s) => s.child.pid).filter((p): p is number => p !== undefined);
    const outcomes = await terminateAll(pids);
    for (const s of started) removePidFile(s.pidFile);
    removeStackInfo(stateDir);
    if (labHandle?.kind === 'in-process') await labHandle.close();
    // A dead server's port can stay unbindable for a moment (sockets of its last connections).
    await waitForPortsFree(Object.values(ports), 5_000);
    unguard();
    if (outcomes.length > 0) log(`stopped ${outcomes.map((o) => `pid ${o.pid} (${o.result})`).join(', ')}`);
  };

  const track = (name: string, child: ChildProcess): WatchedServer => {
    if (child.pid === undefined)
      throw new StackError(`Could not start ${name}; see ${stateDir}/${name}.log.`);
    started.push({ name, child, pidFile: writePidFile(stateDir, name, child.pid).file });
    return { name, child, logFile: path.join(stateDir, `${name}.log`) };
  };

  const began = Date.now();
  const watched: WatchedServer[] = [];
  try {
    // Lab and Appium first; the Grid only once Appium is ready: a relay whose Appium is not up at
    // start never registers its slots (measured: still absent 50 s after Appium came up).
    if (inProcess) {
      labHandle = await startLabInProcess(lab, STACK_HOST, ports.lab, labSettings);
    } else {
      const child = startLabChild(
        labCli as LabCli,
        labFileForStack(lab, labFile as string, labSettings, stateDir),
        STACK_HOST,
        ports.lab,
        stateDir,
        process.cwd(),
        process.env,
      );
      labHandle = child;
      watched.push(track('lab', child.child));
    }
    const appium = track(
      'appium',
      spawnServer({
        name: 'appium',
        command: process.execPath,
        args: [
          binaries.appiumEntry,
          'server',
          ...['--address', STACK_HOST, '--port', String(ports.appium), '--use-drivers', 'fake'],
          ...['--log-no-colors', '--log-timestamp', '--log-level', 'info'],
        ],
        cwd: binaries.appiumHome,
        // Without APPIUM_HOME Appium falls back to ~/.appium, which has no drivers.
        env: { ...process.env, APPIUM_HOME: binaries.appiumHome },
        logFile: path.join(stateDir, 'appium.log'),
      }),
    );
    watched.push(appium);
    log(`starting lab on ${labUrl} and Appium on ${appiumUrl} (state dir ${stateDir})`);
    if (routerCli) {
      // The router needs nothing at start (it asks the lab per request), so it starts alongside.
      const auth = lab.settings.auth;
      watched.push(
        track(
          'router',
          spawnServer({
            name: 'router',
            command: process.execPath,
            args: [
              ...routerCli.nodeArgs,
              routerCli.file,
              ...['--manager-url', labUrl, '--port', String(ports.grid), '--host', STACK_HOST],
            ],
            cwd: process.cwd(),
            // Credentials through the environment, not the command line (visible in ps).
            env: auth.enabled
              ? { ...process.env, GRIDFLEET_ROUTER_BACKEND_AUTH: `${auth.username}:${auth.password}` }
              : process.env,
            logFile: path.join(stateDir, 'router.log'),
          }),
        ),
      );
      log(`starting the router simulator on ${gridUrl}`);
    }
    await waitUntilReady(`Appium (${appiumUrl})`, appiumProbe(appiumUrl), watched, timeoutMs);
    if (generation === 'router') {
      await waitUntilReady(`GridFleet lab (${labUrl})`, labProbe(labUrl), watched, timeoutMs);
      await waitUntilReady(`router simulator (${gridUrl})`, routerProbe(gridUrl, labUrl), watched, timeoutMs);
    } else {
      await startGrid();
    }
    log(`all ${devices.length} device(s) routable after ${Date.now() - began} ms`);
  } catch (err) {
    await stop();
    throw err;
  }

  /** Claim generation: the Grid only once Appium is ready, then until every udid is listed. */
  async function startGrid(): Promise<void> {
    log(`Appium ready after ${Date.now() - began} ms; starting Selenium Grid on ${gridUrl}`);

    const gridToml = path.join(stateDir, 'grid.toml');
    fs.writeFileSync(
      gridToml,
      renderGridConfig({
        host: STACK_HOST,
        port: ports.grid,
        appiumUrl,
        stereotypes: devices.map((d) => d.stereotype),
        sessionRequestTimeoutSec: options.sessionRequestTimeoutSec,
      }),
    );
    const grid = track(
      'grid',
      spawnServer({
        name: 'grid',
        command: binaries.java,
        args: [
          '-Xmx512m',
          // No hsperfdata files in the temp dir.
          '-XX:-UsePerfData',
          // Faster start on small machines: C1 JIT only, and a GC without helper threads.
          '-XX:TieredStopAtLevel=1',
          '-XX:+UseSerialGC',
          '-jar',
          binaries.seleniumJar,
          'standalone',
          '--config',
          gridToml,
        ],
        cwd: stateDir,
        env: process.env,
        logFile: path.join(stateDir, 'grid.log'),
      }),
    );
    watched.push(grid);
    await waitUntilReady(`GridFleet lab (${labUrl})`, labProbe(labUrl), watched, timeoutMs);
    await waitUntilReady(
      `Selenium Grid (${gridUrl})`,
      gridProbe(
        gridUrl,
        devices.map((d) => d.udid),
      ),
      watched,
      timeoutMs,
    );
  }

  const pidOf = (name: string): number | undefined => started.find((s) => s.name === name)?.child.pid;
  const apiUrl = `${labUrl}/api`;
  const env = {
    GRIDFLEET_API_URL: apiUrl,
    GRID_URL: gridUrl,
    GRIDFLEET_LAB_URL: labUrl,
    APPIUM_URL: appiumUrl,
  };
  writeStackInfo(stateDir, {
    generation,
    labUrl,
    apiUrl,
    gridUrl,
    appiumUrl,
    env,
    ports,
    devices: devices.map(({ id, name, udid, platformId }) => ({ id, name, udid, platformId })),
  });
  return {
    generation,
    labUrl,
    apiUrl,
    gridUrl,
    appiumUrl,
    env,
    devices,
    pids: {
      lab: pidOf('lab'),
      appium: pidOf('appium') as number,
      grid: pidOf('grid'),
      router: pidOf('router'),
    },
    ports,
    stateDir,
    stop,
  };
}
