import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VERSION } from './index';

test('exports a version', () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
});
