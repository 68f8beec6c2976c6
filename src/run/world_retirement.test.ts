import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retireLastWorld, worldStarting } from './world_retirement';

/** A World as cucumber builds it: attach, log and link are own properties bound to its test case. */
function fakeWorld(name: string): {
  attach: () => string;
  log: () => string;
  link: () => string;
  name: string;
} {
  return { name, attach: () => `${name} attach`, log: () => `${name} log`, link: () => `${name} link` };
}

test("the previous scenario's World loses attach/log/link when the next scenario starts; the current one keeps them", () => {
  retireLastWorld();
  const first = fakeWorld('first');
  const second = fakeWorld('second');
  worldStarting(first);
  worldStarting(first); // a second Before of the same scenario changes nothing
  assert.equal(first.attach(), 'first attach');
  worldStarting(second);
  for (const key of ['attach', 'log', 'link'] as const) {
    assert.throws(
      () => first[key](),
      new RegExp(`belongs to a scenario that has ended; ${key}\\(\\) is only available`),
    );
    assert.equal(second[key](), `second ${key}`);
  }
  assert.equal(first.name, 'first', 'other fields are left alone');
  retireLastWorld();
  assert.throws(() => second.attach(), /scenario that has ended/);
  retireLastWorld(); // nothing left: a no-op
});

test('a World without these properties (a custom World that is not cucumber-built) is left as it is', () => {
  retireLastWorld();
  const plain = { only: 1 };
  worldStarting(plain);
  retireLastWorld();
  assert.deepEqual(Object.keys(plain), ['only']);
});
