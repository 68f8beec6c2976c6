import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  listDottedPaths,
  lookupDottedPath,
  missingPathMessage,
  parseJsonObjectDocString,
} from './dotted_path';

const testData = { flags: ['beta'], account: { user: 'qa-a2', pin: '0000', nested: {} }, build: 42 };

describe('lookupDottedPath', () => {
  it('finds nested keys and top-level values of any type', () => {
    assert.deepEqual(lookupDottedPath(testData, 'account.pin'), { found: true, value: '0000' });
    assert.deepEqual(lookupDottedPath(testData, 'flags'), { found: true, value: ['beta'] });
    assert.deepEqual(lookupDottedPath(testData, 'account'), { found: true, value: testData.account });
  });

  it('reports missing keys, keys below a leaf and array indexes as not found', () => {
    assert.deepEqual(lookupDottedPath(testData, 'account.region'), { found: false });
    assert.deepEqual(lookupDottedPath(testData, 'build.minor'), { found: false });
    assert.deepEqual(lookupDottedPath(testData, 'flags.0'), { found: false });
    assert.deepEqual(lookupDottedPath(testData, 'toString'), { found: false });
  });

  it('rejects a path with an empty segment, naming it', () => {
    assert.throws(() => lookupDottedPath(testData, 'account..pin'), /'account\.\.pin' is not a dotted path/);
    assert.throws(() => lookupDottedPath(testData, ''), /is not a dotted path/);
  });
});

describe('missingPathMessage', () => {
  it('lists the leaf paths that exist, sorted', () => {
    assert.deepEqual(listDottedPaths(testData), [
      'account.nested',
      'account.pin',
      'account.user',
      'build',
      'flags',
    ]);
    assert.equal(
      missingPathMessage('device test data', 'account.region', { account: { user: 'a' }, flags: [] }),
      "device test data has no 'account.region' (keys: account.user, flags)",
    );
  });

  it('says so when there is nothing at all', () => {
    assert.equal(
      missingPathMessage('device config', 'x', {}),
      "device config has no 'x' (keys: none, it is empty)",
    );
  });
});

describe('parseJsonObjectDocString', () => {
  it('returns the object', () => {
    assert.deepEqual(parseJsonObjectDocString('{"a": {"b": 1}}', 'step'), { a: { b: 1 } });
  });

  it('explains invalid JSON and non-object JSON', () => {
    assert.throws(
      () => parseJsonObjectDocString('{a: 1}', 'When I merge'),
      /"When I merge" is not valid JSON/,
    );
    assert.throws(
      () => parseJsonObjectDocString('[1]', 'When I merge'),
      /must be a JSON object, got an array/,
    );
    assert.throws(() => parseJsonObjectDocString('null', 'When I merge'), /must be a JSON object, got null/);
    assert.throws(
      () => parseJsonObjectDocString('"x"', 'When I merge'),
      /must be a JSON object, got a string/,
    );
  });
});
