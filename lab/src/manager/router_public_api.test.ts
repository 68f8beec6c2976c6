/**
 * Router generation, public API details the contract suite cannot reach on the demo lab: the
 * shortfall breakdown parts, the maintenance toggle, unavailable reasons, and that the claim
 * generation is untouched by it (docs/manager-api.md §R3.2, §R3.8, §R3.9, §R6.2).
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { parseLabFile } from './lab_file';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call } from './test_support/http';

const PACK = 'appium-uiautomator2';

function routerLab(settings: Record<string, unknown> = {}) {
  const device = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    pack_id: PACK,
    platform_id: 'android_mobile',
    identity_value: name,
    os_version: '14',
    ...extra,
  });
  return parseLabFile(
    {
      packs: [
        {
          id: PACK,
          platforms: [
            { id: 'android_mobile', automation_name: 'UiAutomator2', appium_platform_name: 'Android' },
            { id: 'android_tv', automation_name: 'UiAutomator2', appium_platform_name: 'Android' },
          ],
        },
      ],
      groups: [{ key: 'g1', name: 'Group one', description: null }],
      devices: [
        device('A1', { groups: ['g1'] }),
        device('A2', { hold: 'maintenance' }),
        device('A3', { readiness_state: 'verification_required' }),
        device('A4'),
      ],
      settings: { generation: 'router', ...settings },
    },
    'router.yaml',
  );
}

let lab: RunningLab | undefined;
const api = (method: string, path: string, body?: unknown) => call(lab?.apiUrl ?? '', method, path, body);
const reserve = (requirements: unknown[]) => api('POST', '/runs', { name: 'r', requirements });
const byName = async (name: string) =>
  ((await api('GET', '/devices')).body as { name: string; id: string }[]).find(
    (d) => d.name === name,
  ) as Record<string, unknown>;

describe('router generation: public API details', () => {
  beforeEach(async () => {
    await lab?.close();
    lab = undefined;
  });
  after(async () => {
    await lab?.close();
  });

  test('the shortfall 409 breakdown names every reason, and the empty platform', async () => {
    lab = await startLab({ lab: routerLab() });
    const held = await reserve([{ pack_id: PACK, platform_id: 'android_mobile', count: 1, groups: ['g1'] }]);
    assert.equal(held.status, 201, held.text);
    const short = await reserve([{ pack_id: PACK, platform_id: 'android_mobile', count: 2, groups: ['g1'] }]);
    assert.equal(short.status, 409);
    assert.equal(
      short.body.error.message,
      `Not enough devices for requirement: pack_id=${PACK}, platform_id=android_mobile, os_version=None, count=2 ` +
        `(matched 0 eligible devices right now; 4 candidate devices: 1 held by active reservation (run ${held.body.id}), ` +
        '1 in state maintenance, 2 not matching requested groups). ' +
        'Check /api/availability for current platform capacity or retry later.',
    );
    const readiness = await reserve([{ pack_id: PACK, platform_id: 'android_mobile', count: 2 }]);
    assert.match(
      readiness.body.error.message,
      /matched 1 eligible devices right now; 4 candidate devices: .*1 not ready or health-blocked\)/,
    );
    const none = await reserve([{ pack_id: PACK, platform_id: 'android_tv' }]);
    assert.match(
      none.body.error.message,
      /\(matched 0 eligible devices right now; no devices are configured for this pack\/platform\)/,
    );
  });

  test('unavailable reasons: maintenance state, offline for an unverified device, reserved', async () => {
    lab = await startLab({ lab: routerLab() });
    const a2 = await byName('A2');
    assert.equal(a2.operational_state, 'maintenance');
    assert.equal(a2.unavailable_reason, 'maintenance');
    assert.equal((await byName('A3')).unavailable_reason, 'offline');
    assert.equal((await byName('A4')).unavailable_reason, null);
    const maint = (await api('GET', '/devices?status=maintenance')).body as { name: string }[];
    assert.deepEqual(
      maint.map((d) => d.name),
      ['A2'],
    );
  });

  test('with run_failure_escalates_to_maintenance off, escalation answers "released" and frees the device', async () => {
    lab = await startLab({
      lab: routerLab({ run_failure_escalates_to_maintenance: false, cooldown_escalation_threshold: 2 }),
    });
    const run = await reserve([{ pack_id: PACK, platform_id: 'android_mobile', count: 2 }]);
    const [first, second] = run.body.devices.map((d: { device_id: string }) => d.device_id);
    const cd = (id: string) =>
      api('POST', `/runs/${run.body.id}/devices/${id}/cooldown`, { reason: 'flake', ttl_seconds: 5 });
    assert.equal((await cd(first)).body.status, 'cooldown_set');
    assert.deepEqual((await cd(first)).body, { status: 'released', cooldown_count: 2, threshold: 2 });
    const freed = (await api('GET', `/devices/${first}`)).body;
    assert.equal(freed.operational_state, 'available');
    assert.equal(freed.is_reserved, false);
    assert.equal(freed.allocatable, true);
    const pf = await api('POST', `/runs/${run.body.id}/devices/${second}/preparation-failed`, {
      message: 'no adb',
    });
    assert.equal(pf.status, 200, pf.text);
    assert.equal((await api('GET', `/devices/${second}`)).body.operational_state, 'available');
  });

  test('the claim generation keeps its shapes and its auth text before routing', async () => {
    lab = await startLab({
      lab: routerLab({ generation: 'claim', auth: { enabled: true, username: 'u', password: 'p' } }),
    });
    const anon = await call(lab.url, 'GET', '/api/no-such-route');
    assert.equal(anon.status, 401);
    assert.equal(anon.body.error.message, 'Authentication is required');
  });
});
