/**
 * `gridfleet-cucumber doctor` against router-era and claim-era stand-ins over real HTTP (raw managers
 * answering recorded bodies, a raw router and Selenium Grid front): the generation is reported, and the
 * router era checks the router and the manager's devices instead of a Grid and its slots.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startManager, startWebDriverFront } from '../client/support/generation_servers';
import type { RawServer } from '../client/support/raw_server';
import { doctorJson, explain, makeProject, removeProject, runCliProcess } from './support/cli_process';

describe('gridfleet-cucumber doctor across generations', { timeout: 180_000 }, () => {
  let routerManager: RawServer;
  let claimManager: RawServer;
  let router: RawServer & { url: string };
  let hub: RawServer & { url: string };
  let project: string;

  before(async () => {
    routerManager = await startManager('router');
    claimManager = await startManager('claim');
    router = await startWebDriverFront('router');
    hub = await startWebDriverFront('selenium-grid');
    project = await makeProject({});
  });
  after(async () => {
    for (const server of [routerManager, claimManager, router, hub]) await server.close();
    await removeProject(project);
  });

  const doctor = (platform: string, apiUrl: string, gridUrl: string) =>
    runCliProcess(['doctor', '--json', '--timeout', '0', '--platform', platform], {
      cwd: project,
      env: { GRIDFLEET_API_URL: apiUrl, GRID_URL: gridUrl },
    });

  test('router era: reports the generation, checks the router and the devices of the platform', async () => {
    const result = await doctor('firetv_real', routerManager.apiUrl, router.url);
    const { report, status } = doctorJson(result);
    assert.equal(result.code, 0, explain(result));
    assert.deepEqual(status, {
      config: 'ok',
      cucumber: 'ok',
      manager: 'ok',
      credentials: 'ok',
      catalog: 'ok',
      generation: 'ok',
      grid: 'ok',
      'grid-slots': 'ok',
    });
    const entry = (id: string) => report.checks.find((c) => c.id === id);
    assert.equal(entry('generation')?.summary, 'router era (GridFleet ≥ 0.3); device groups supported');
    assert.equal(entry('grid')?.title, `GridFleet router answers at ${router.url}`);
    assert.match(entry('grid')?.summary ?? '', /\/healthz ok/);
    assert.equal(entry('grid-slots')?.summary, 'firetv_real: 1 usable device(s)');
    assert.ok(
      !routerManager.requests.some((r) => r.url.includes('/claim') || r.method === 'POST'),
      'no claim-era probe or call against a router-era manager',
    );
  });

  test('router era with a Selenium Grid on GRID_URL: the grid check fails with the mismatch', async () => {
    const result = await doctor('firetv_real', routerManager.apiUrl, hub.url);
    const { report, status } = doctorJson(result);
    assert.equal(result.code, 1, explain(result));
    assert.equal(status.grid, 'fail');
    assert.equal(status['grid-slots'], 'skipped');
    const grid = report.checks.find((c) => c.id === 'grid');
    assert.match(
      grid?.summary ?? '',
      /GRIDFLEET_API_URL is a router era \(GridFleet ≥ 0\.3\) manager but GRID_URL answers as a Selenium Grid: point GRID_URL at the GridFleet router/,
    );
    assert.match(grid?.fix ?? '', /GridFleet router \(not a Selenium Grid\)/);
  });

  test('router era, a platform without devices: the device check names it', async () => {
    const result = await doctor('android_mobile', routerManager.apiUrl, router.url);
    const { report, status } = doctorJson(result);
    assert.equal(status['grid-slots'], 'fail', explain(result));
    assert.match(
      report.checks.find((c) => c.id === 'grid-slots')?.summary ?? '',
      /no usable device .* android_mobile \(0 device\(s\) in all\)/,
    );
  });

  test('claim era with the router on GRID_URL: the Grid check says to point GRID_URL at the hub', async () => {
    const result = await doctor('android_mobile', claimManager.apiUrl, router.url);
    const { report, status } = doctorJson(result);
    assert.equal(status.generation, 'ok', explain(result));
    assert.equal(report.checks.find((c) => c.id === 'generation')?.summary, 'claim era (GridFleet 0.1)');
    assert.equal(status.grid, 'fail');
    const grid = report.checks.find((c) => c.id === 'grid');
    assert.equal(grid?.title, `Selenium Grid answers at ${router.url}`);
    assert.match(grid?.summary ?? '', /claim era .* but GRID_URL answers as the GridFleet router/);
  });

  test('claim era with the hub: Grid and slots pass', async () => {
    const result = await doctor('android_mobile', claimManager.apiUrl, hub.url);
    const { status } = doctorJson(result);
    assert.equal(result.code, 0, explain(result));
    assert.equal(status.grid, 'ok');
    assert.equal(status['grid-slots'], 'ok');
  });
});
