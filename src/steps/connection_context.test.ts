import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatConnectionContext, readConnectionContext } from './connection_context';

describe('readConnectionContext', () => {
  it('reads the prefixed capabilities Grid returns', () => {
    const context = readConnectionContext({
      sessionId: 's-1',
      capabilities: {
        platformName: 'Fake',
        'appium:udid': 'dev-1:5555',
        udid: 'other',
        automationName: 'Fake',
      },
    });
    assert.deepEqual(context, {
      connectionTarget: 'dev-1:5555',
      platformName: 'Fake',
      automationName: 'Fake',
      sessionId: 's-1',
    });
    assert.equal(
      formatConnectionContext(context),
      'connection target: dev-1:5555, platformName: Fake, automation: Fake, session id: s-1',
    );
  });

  it('falls back to unprefixed capabilities, then to the session id as connection target', () => {
    assert.equal(
      readConnectionContext({ sessionId: 's', capabilities: { udid: 'u' } }).connectionTarget,
      'u',
    );
    const bare = readConnectionContext({ sessionId: 's-2', capabilities: {} });
    assert.equal(bare.connectionTarget, 's-2');
    assert.equal(bare.platformName, 'unknown');
  });
});
