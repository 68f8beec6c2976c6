import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack } from '../lab/src/stack';
import { bareLoop, bareThroughput, recipeRun } from './baselines';
import { BENCH_DEVICES, benchLab } from './bench_lab';
import { type CucumberTimings, runCucumber } from './cucumber_run';
import { machineInfo } from './machine';
import { formatTable } from './report';
import { idleGaps, readRequestLog, resetLab, roundTrips } from './request_log';
import { routerBench } from './router_bench';
import { formatRouterTable } from './router_report';
import { ratio, summarize } from './stats';

/** How long each scenario of the device-bound scaling runs holds its device (ms). */
const HOLD_MS = 500;

/** Sizes of one bench run (`held`: scenarios per device-bound scaling run; `rounds`: of each scaling set). */
const PROFILES = {
  quick: { bare: 10, scenarios: 8, contention: 12, startupRuns: 2, held: 8, rounds: 1 },
  default: { bare: 40, scenarios: 40, contention: 40, startupRuns: 4, held: 24, rounds: 2 },
  full: { bare: 100, scenarios: 100, contention: 100, startupRuns: 8, held: 48, rounds: 3 },
} as const;

type Generation = 'claim' | 'router' | 'both';

function optionsFromArgs(argv: readonly string[]): {
  profile: keyof typeof PROFILES;
  generation: Generation;
} {
  let generation: Generation = 'both';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    const value = a.startsWith('--generation=')
      ? a.slice('--generation='.length)
      : a === '--generation'
        ? argv[++i]
        : null;
    if (value === null) {
      rest.push(a);
    } else if (value === 'claim' || value === 'router' || value === 'both') {
      generation = value;
    } else {
      throw new Error(`bench: --generation takes claim, router or both (got ${value ?? 'nothing'}).`);
    }
  }
  const unknown = rest.filter((a) => !['--quick', '--full'].includes(a));
  if (unknown.length > 0) {
    throw new Error(
      `bench: unknown option(s) ${unknown.join(' ')}; use --quick or --full, and --generation claim|router|both.`,
    );
  }
  if (rest.includes('--quick') && rest.includes('--full'))
    throw new Error('bench: pick one of --quick and --full.');
  const profile = rest.includes('--quick') ? 'quick' : rest.includes('--full') ? 'full' : 'default';
  return { profile, generation };
}

function mustPass(label: string, run: CucumberTimings): CucumberTimings {
  if (run.exitCode !== 0)
    throw new Error(`bench: cucumber run "${label}" failed (exit ${run.exitCode}):\n${run.stderr}`);
  return run;
}

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

/** Where generated figures go (git-ignored: docs/performance.md keeps its own tables). */
const RESULTS_DIR = path.join(__dirname, '..', '.results', 'bench');

async function main(): Promise<void> {
  const { profile: profileName, generation } = optionsFromArgs(process.argv.slice(2));
  const size = PROFILES[profileName];
  if (generation !== 'router') await claimBench(profileName);
  if (generation !== 'claim') {
    const router = await routerBench(size, log);
    const meta = { generatedAt: new Date().toISOString(), profile: profileName, machine: machineInfo() };
    const file = path.join(RESULTS_DIR, 'results-router.json');
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ ...meta, sizes: size, ...router }, null, 2)}\n`);
    process.stdout.write(
      `${formatRouterTable(router, meta)}\nwritten: ${path.relative(process.cwd(), file)}\n`,
    );
  }
}

/** The claim-era set (Selenium Grid stack), as before the router era. */
async function claimBench(profileName: keyof typeof PROFILES): Promise<void> {
  const size = PROFILES[profileName];
  const stateDir = mkdtempSync(path.join(tmpdir(), 'gridfleet-bench-stack-'));
  log(`profile ${profileName}; starting the stack (lab + Grid + Appium) with ${BENCH_DEVICES} bench devices`);
  const stack = await startStack({
    lab: benchLab(),
    labInProcess: true,
    stateDir,
    ports: { lab: 0, grid: 0, appium: 0 },
  });
  try {
    const env = { ...stack.env, GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '30' };
    log('baseline: testkit recipe, 1 worker / 1 device');
    await resetLab(stack.labUrl);
    const recipe = await recipeRun(stack, { workers: 1, devices: 1, scenarios: size.scenarios });
    const recipeTrips = roundTrips(await readRequestLog(stack.labUrl), size.scenarios);

    // The bare loop runs in two halves around the serial cucumber run, so both see the same machine load.
    log('baseline: bare webdriverio create/quit loop (first half)');
    const bare = await bareLoop(stack, Math.ceil(size.bare / 2));

    // Scaling runs come in rounds (1, 2, 4 workers each) so a burst of machine load hits one round, not
    // one worker count; each figure is the median over rounds.
    const rates: Record<'w1' | 'w2' | 'w4', number[]> = { w1: [], w2: [], w4: [] };
    let one: CucumberTimings | undefined;
    let oursTrips: ReturnType<typeof roundTrips> | undefined;
    for (let round = 0; round < size.rounds; round += 1) {
      for (const workers of [1, 2, 4] as const) {
        log(
          `gridfleet-cucumber: ${workers} worker(s) / ${workers} device(s), ${size.scenarios} scenarios (round ${round + 1}/${size.rounds})`,
        );
        await resetLab(stack.labUrl);
        const run = mustPass(
          `${workers}w`,
          await runCucumber({ env, scenarios: size.scenarios, devices: workers, parallel: workers }),
        );
        rates[`w${workers}`].push(run.perWorkerScenariosPerSec);
        if (workers === 1 && round === 0) {
          one = run;
          oursTrips = roundTrips(await readRequestLog(stack.labUrl), size.scenarios);
          log('baseline: bare webdriverio create/quit loop (second half)');
          bare.push(...(await bareLoop(stack, Math.floor(size.bare / 2))));
        }
      }
    }

    log('machine ceiling: bare webdriverio loops side by side, 1 / 2 / 4 loops');
    const bareRate = {
      l1: await bareThroughput(stack, 1, Math.ceil(size.bare / 2)),
      l2: await bareThroughput(stack, 2, Math.ceil(size.bare / 2)),
      l4: await bareThroughput(stack, 4, Math.ceil(size.bare / 2)),
    };

    const heldRates: Record<'w1' | 'w2', number[]> = { w1: [], w2: [] };
    for (let round = 0; round < size.rounds; round += 1) {
      for (const workers of [1, 2] as const) {
        log(
          `device-bound: ${workers} worker(s) / ${workers} device(s), ${size.held} scenarios holding the device ${HOLD_MS} ms (round ${round + 1}/${size.rounds})`,
        );
        await resetLab(stack.labUrl);
        const run = mustPass(
          `held ${workers}w`,
          await runCucumber({
            env,
            scenarios: size.held,
            devices: workers,
            parallel: workers,
            holdMs: HOLD_MS,
          }),
        );
        heldRates[`w${workers}`].push(run.perWorkerScenariosPerSec);
      }
    }

    log(`gridfleet-cucumber under contention: 4 workers / 2 devices, ${size.contention} scenarios`);
    await resetLab(stack.labUrl);
    const contended = mustPass(
      'contention',
      await runCucumber({ env, scenarios: size.contention, devices: 2, parallel: 4 }),
    );
    const oursGaps = idleGaps(await readRequestLog(stack.labUrl));

    log(`baseline: testkit recipe under contention: 4 workers / 2 devices, ${size.contention} scenarios`);
    await resetLab(stack.labUrl);
    await recipeRun(stack, { workers: 4, devices: 2, scenarios: size.contention });
    const recipeGaps = idleGaps(await readRequestLog(stack.labUrl));

    log(
      `start-up: ${size.startupRuns} one-scenario serial runs with gridfleet-cucumber, and as many without`,
    );
    const startupOurs: CucumberTimings[] = [];
    const startupPlain: CucumberTimings[] = [];
    for (let i = 0; i < size.startupRuns; i += 1) {
      await resetLab(stack.labUrl);
      startupOurs.push(
        mustPass('startup', await runCucumber({ env, scenarios: 1, devices: 1, parallel: 1 })),
      );
      startupPlain.push(
        mustPass(
          'plain',
          await runCucumber({ env, scenarios: 1, devices: 1, parallel: 1, gridfleet: false }),
        ),
      );
    }

    if (!one) throw new Error('bench: no 1-worker run');
    const med = (values: number[]): number => summarize(values).median ?? Number.NaN;
    const w = { w1: med(rates.w1), w2: med(rates.w2), w4: med(rates.w4) };
    const h = { w1: med(heldRates.w1), w2: med(heldRates.w2) };
    const bareS = summarize(bare);
    // The first scenario of a process also pays the webdriverio import and the catalog: that is start-up
    // (measure 4), so the per-scenario figures leave it out, as the bare loop leaves out its warm-up.
    const oursS = summarize(one.testCaseMs.slice(1));
    const recipeS = summarize(recipe.times.slice(1)); // its first scenario imported webdriverio
    const results = {
      generatedAt: new Date().toISOString(),
      profile: profileName,
      sizes: size,
      machine: machineInfo(),
      roundTrips: { ours: oursTrips, recipe: recipeTrips },
      scenarioWallMs: {
        bareWebdriverio: bareS,
        ours: oursS,
        recipe: recipeS,
        oursOverBareMedianMs:
          oursS.median !== null && bareS.median !== null
            ? Math.round((oursS.median - bareS.median) * 100) / 100
            : null,
        recipeOverBareMedianMs:
          recipeS.median !== null && bareS.median !== null
            ? Math.round((recipeS.median - bareS.median) * 100) / 100
            : null,
        oursToBare: ratio(oursS.median, bareS.median),
        oursToRecipe: ratio(oursS.median, recipeS.median),
      },
      idleGapMs: {
        ours: { ...summarize(oursGaps.gapsMs), failedClaims: oursGaps.failedClaims },
        recipe: { ...summarize(recipeGaps.gapsMs), failedClaims: recipeGaps.failedClaims },
      },
      startup: {
        launchToFirstStepMs: summarize(startupOurs.map((r) => r.launchToFirstStepMs)),
        plainCucumberLaunchToFirstStepMs: summarize(startupPlain.map((r) => r.launchToFirstStepMs)),
        firstScenarioMs: Math.round(one.testCaseMs[0] ?? Number.NaN),
        requireRegisterMs: summarize(startupOurs.map((r) => r.registerRequireMs[0] ?? Number.NaN)),
      },
      scaling: {
        rounds: size.rounds,
        perRound: rates,
        scenariosPerSec: w,
        speedup2: ratio(w.w2, w.w1),
        speedup4: ratio(w.w4, w.w1),
        recipe1wPerSec: Math.round((size.scenarios / (recipe.wallMs / 1000)) * 100) / 100,
        bareSessionsPerSec: bareRate,
        bareSpeedup2: ratio(bareRate.l2, bareRate.l1),
        bareSpeedup4: ratio(bareRate.l4, bareRate.l1),
        deviceBound: {
          holdMs: HOLD_MS,
          perRound: heldRates,
          scenariosPerSec: h,
          speedup2: ratio(h.w2, h.w1),
        },
      },
      contention: { scenariosWallMs: Math.round(contended.scenariosWallMs) },
    };
    // Generated figures are not committed: docs/performance.md keeps its own table of them.
    const file = path.join(RESULTS_DIR, 'results.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${formatTable(results)}\nwritten: ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
