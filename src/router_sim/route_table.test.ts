import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteTable } from './route_table';

test('a refresh replaces the map but keeps routes inserted after its fetch began', () => {
  const table = new RouteTable();
  table.insert('old', 'http://a');
  const mark = table.mark();
  table.insert('new', 'http://b');
  table.replace([{ session_id: 'listed', target: 'http://c' }], mark);
  assert.equal(table.get('old'), undefined, 'not listed and inserted before the fetch: gone');
  assert.equal(table.get('new'), 'http://b');
  assert.equal(table.get('listed'), 'http://c');
  // The next refresh treats it like any other route.
  table.replace([], table.mark());
  assert.equal(table.get('new'), undefined);
});

test('a route dropped after the fetch began is not brought back by that fetch', () => {
  const table = new RouteTable();
  table.insert('s', 'http://a');
  const mark = table.mark();
  table.drop('s');
  table.replace([{ session_id: 's', target: 'http://a' }], mark);
  assert.equal(table.get('s'), undefined);
  // A later fetch that still lists it is believed again.
  table.replace([{ session_id: 's', target: 'http://a' }], table.mark());
  assert.equal(table.get('s'), 'http://a');
});

test('activity ids are taken once and can be put back', () => {
  const table = new RouteTable();
  table.touch('a');
  table.touch('a');
  table.touch('b');
  const ids = table.takeActivity();
  assert.deepEqual(ids.sort(), ['a', 'b']);
  assert.deepEqual(table.takeActivity(), []);
  table.restoreActivity(ids);
  assert.deepEqual(table.takeActivity().sort(), ['a', 'b']);
});
