import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGridStatus } from './grid_status';

describe('parseGridStatus: the one parser of GRID_URL/status', () => {
  test('the GridFleet router (docs/manager-api.md §R4.1): kind router, no nodes, no slots, no sessions', () => {
    const status = parseGridStatus(JSON.parse('{"value":{"message":"GridFleet router","ready":true}}'));
    assert.deepEqual(status, {
      kind: 'router',
      ready: true,
      message: 'GridFleet router',
      nodes: 0,
      platformSlots: new Map(),
      sessions: [],
    });
  });

  test('a Selenium Grid 4 hub: slots per appium:platform on UP nodes, sessions on every node', () => {
    const running = { sessionId: 's-1', capabilities: { 'gridfleet:runId': 'r-1' } };
    const status = parseGridStatus({
      value: {
        ready: true,
        message: 'Selenium Grid ready.',
        nodes: [
          {
            availability: 'UP',
            slots: [
              { stereotype: { 'appium:platform': 'android_mobile' }, session: running },
              { stereotype: { 'appium:platform': 'android_mobile' }, session: null },
              { stereotype: { platformName: 'Fake' } },
            ],
          },
          {
            availability: 'DRAINING',
            slots: [{ stereotype: { 'appium:platform': 'ios' }, session: { sessionId: 's-2' } }],
          },
        ],
      },
    });
    assert.equal(status?.kind, 'selenium-grid');
    assert.equal(status?.nodes, 2);
    assert.deepEqual([...(status?.platformSlots ?? [])], [['android_mobile', 2]]);
    assert.deepEqual(status?.sessions, [running, { sessionId: 's-2', capabilities: {} }]);
  });

  test('a hub that happens to say "GridFleet router" but lists nodes is still a Selenium Grid', () => {
    assert.equal(
      parseGridStatus({ value: { ready: false, message: 'GridFleet router', nodes: [] } })?.kind,
      'selenium-grid',
    );
  });

  test('anything without value.ready is no WebDriver status', () => {
    for (const body of [{}, { value: {} }, { value: { ready: 'yes' } }, 'ok', null, { ready: true }]) {
      assert.equal(parseGridStatus(body), undefined, JSON.stringify(body));
    }
  });
});
