import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Lane, LaneSelectionError, laneFor, laneForScenario, platformFromTags } from './lane';

const lane = (platformId: string, osVersion?: string): Lane => ({
  runId: `run-${platformId}-${osVersion ?? 'any'}`,
  runName: 'r',
  packId: 'p',
  platformId,
  osVersion,
  owned: true,
});

describe('lane selection', () => {
  it('reads the last @platform tag', () => {
    assert.equal(platformFromTags(['@smoke', '@platform:ios', '@platform:tvos']), 'tvos');
    assert.equal(platformFromTags(['@smoke']), undefined);
  });

  it('uses the only lane when the scenario has no @platform tag', () => {
    assert.equal(laneForScenario([lane('ios')], [])?.platformId, 'ios');
  });

  it('leaves the choice to the device step when there are several lanes and no tag', () => {
    assert.equal(laneForScenario([lane('ios'), lane('tvos')], []), undefined);
  });

  it('follows the @platform tag among several lanes', () => {
    assert.equal(laneForScenario([lane('ios'), lane('tvos')], ['@platform:tvos'])?.platformId, 'tvos');
  });

  it('prefers an exact OS lane, then the platform lane without OS', () => {
    const lanes = [lane('firetv_real'), lane('firetv_real', '8')];
    assert.equal(laneFor(lanes, 'firetv_real', '8').osVersion, '8');
    assert.equal(laneFor(lanes, 'firetv_real', '7').osVersion, undefined);
    assert.equal(laneFor(lanes, 'firetv_real', undefined).osVersion, undefined);
  });

  it('explains a platform or OS version no lane serves', () => {
    assert.throws(
      () => laneFor([lane('ios')], 'roku_network', undefined),
      (error: unknown) => {
        assert.ok(error instanceof LaneSelectionError);
        assert.match(error.message, /No GridFleet lane serves platform "roku_network".*lanes: ios/);
        return true;
      },
    );
    assert.throws(() => laneFor([lane('ios', '17')], 'ios', '16'), /"os_version": "16"/);
  });
});
