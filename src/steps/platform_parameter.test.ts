import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlatformId } from './platform_parameter';

describe('parsePlatformId', () => {
  it('accepts catalog platform ids', () => {
    for (const id of ['android_mobile', 'firetv_real', 'roku_network', 'tvos', 'ios']) {
      assert.equal(parsePlatformId(id), id);
    }
  });

  it('rejects other spellings with the expected shape in the message', () => {
    assert.throws(
      () => parsePlatformId('FireTV'),
      /'FireTV' is not a GridFleet platform id: use the lowercase id/,
    );
    assert.throws(() => parsePlatformId('fire-tv'), /letters, digits and underscores only/);
    assert.throws(() => parsePlatformId('1tv'), /not a GridFleet platform id/);
  });
});
