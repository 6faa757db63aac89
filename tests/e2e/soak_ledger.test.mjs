// The soak's ledger check (scripts/soak/ledger.mjs) on hand-made histories: it must accept
// every outcome the real-time order allows and flag an acknowledged edit that is missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLedger } from '../../scripts/soak/ledger.mjs';

let seq = 0;
/** An edit of `tab` over [start, end] with `writes`. */
const edit = (tab, start, end, writes, status = 'acked') => ({ seq: ++seq, tab, kind: 'test', start, end, status, writes });
const set = (cell, path, value) => ({ op: 'set', cell, path, value: JSON.stringify(value) });
const add = (cell, paths) => ({ op: 'add', cell, paths: Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, JSON.stringify(v)])) });
const remove = (cell) => ({ op: 'remove', cell });
const cells = (spec) => Object.fromEntries(Object.entries(spec).map(([id, paths]) =>
  [id, Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, JSON.stringify(v)]))]));

const initial = cells({ n1: { 'position/x': 0, label: 'start' } });

test('the last of sequential edits survives; an older value is a lost edit', () => {
  const edits = [edit('a', 0, 10, [set('n1', 'position/x', 5)]), edit('b', 20, 30, [set('n1', 'position/x', 9)])];
  assert.equal(checkLedger(edits, initial, cells({ n1: { 'position/x': 9, label: 'start' } })).lost, 0);
  const stale = checkLedger(edits, initial, cells({ n1: { 'position/x': 5, label: 'start' } }));
  assert.equal(stale.lost, 1);
  assert.equal(stale.problems[0].key, 'n1/position/x');
  assert.deepEqual(stale.problems[0].candidates.map((c) => c.tab), ['b']);
});

test('of two concurrent edits of one path either may win, but one of them must', () => {
  const edits = [edit('a', 0, 30, [set('n1', 'label', 'A')]), edit('b', 10, 20, [set('n1', 'label', 'B')])];
  for (const label of ['A', 'B']) {
    assert.equal(checkLedger(edits, initial, cells({ n1: { 'position/x': 0, label } })).lost, 0, label);
  }
  assert.equal(checkLedger(edits, initial, cells({ n1: { 'position/x': 0, label: 'start' } })).lost, 1);
});

test('edits of different paths all survive, whatever their timing', () => {
  const edits = [edit('a', 0, 30, [set('n1', 'label', 'A')]), edit('b', 10, 20, [set('n1', 'position/x', 3)])];
  assert.equal(checkLedger(edits, initial, cells({ n1: { 'position/x': 3, label: 'A' } })).lost, 0);
  assert.equal(checkLedger(edits, initial, cells({ n1: { 'position/x': 3, label: 'start' } })).lost, 1);
});

test('a later removal replaces every path; an update acknowledged after it must bring the cell back', () => {
  const removed = [edit('a', 0, 10, [set('n1', 'label', 'A')]), edit('b', 20, 30, [remove('n1')])];
  assert.equal(checkLedger(removed, initial, {}).lost, 0);
  const resurrected = [edit('b', 0, 10, [remove('n1')]), edit('a', 20, 30, [set('n1', 'label', 'A')])];
  assert.ok(checkLedger(resurrected, initial, {}).lost > 0, 'the update is lost');
});

test('an undo that re-adds a cell sets all its paths again', () => {
  const edits = [
    edit('a', 0, 10, [remove('n1')]),
    edit('b', 20, 30, [add('n1', { 'position/x': 0, label: 'start' })]),
  ];
  assert.equal(checkLedger(edits, initial, initial).lost, 0);
  assert.ok(checkLedger(edits, initial, {}).lost > 0, 'the re-added cell is missing');
  const extra = cells({ n1: { 'position/x': 0, label: 'start', 'data/x': 1 } });
  assert.equal(checkLedger(edits, initial, extra).lost, 1, 'a path the addition did not have');
});

test('an unacknowledged edit may explain a value but never requires one', () => {
  const edits = [edit('a', 0, 10, [set('n1', 'label', 'A')]), edit('c', 20, 25, [set('n1', 'label', 'C')], 'unacked')];
  for (const label of ['A', 'C']) {
    assert.equal(checkLedger(edits, initial, cells({ n1: { 'position/x': 0, label } })).lost, 0, label);
  }
});

test('a change no edit made is a phantom', () => {
  const result = checkLedger([], initial, cells({ n1: { 'position/x': 1, label: 'start' }, n9: {} }));
  assert.equal(result.lost, 0);
  assert.equal(result.phantom, 2, 'the moved node and the new cell');
});

test('removing a node removes the edges attached to it, as in X6', () => {
  const start = cells({ n1: {}, n2: {} });
  const edge = add('e1', { shape: 'edge', 'source/cell': 'n1', 'target/cell': 'n2' });
  const edits = [edit('a', 0, 10, [edge]), edit('b', 20, 30, [remove('n1')])];
  assert.equal(checkLedger(edits, start, cells({ n2: {} })).lost, 0, 'the edge went with its node');
  const concurrent = [edit('a', 0, 30, [edge]), edit('b', 10, 20, [remove('n1')])];
  assert.equal(checkLedger(concurrent, start, cells({ n2: {} })).lost, 0, 'an edge attached meanwhile may go too');
  const kept = checkLedger(edits, start, cells({ n2: {}, e1: { shape: 'edge', 'source/cell': 'n1', 'target/cell': 'n2' } }));
  assert.ok(kept.lost > 0, 'an edge left without its node is flagged');
});

test("another client's save is an acknowledged edit: the server copy must keep it unless a later edit replaced it", () => {
  // The Public soak: another client sets data/otherClient on the server copy (a path no
  // tab edits) while a tab renames the same cell; "Keep mine" must not revert it.
  const other = { seq: ++seq, tab: 'server', kind: 'otherClient', start: 20, end: 21, status: 'acked', writes: [set('n1', 'data/otherClient', 'other-1')] };
  const rename = edit('a', 10, 30, [set('n1', 'label', 'A')]);
  const both = cells({ n1: { 'position/x': 0, label: 'A', 'data/otherClient': 'other-1' } });
  assert.equal(checkLedger([rename, other], initial, both).lost, 0, 'both edits kept');
  const reverted = checkLedger([rename, other], initial, cells({ n1: { 'position/x': 0, label: 'A' } }));
  assert.equal(reverted.lost, 1, "the other client's edit was reverted");
  assert.equal(reverted.problems[0].key, 'n1/data/otherClient');
  const olderCopy = checkLedger([rename, other], initial, cells({ n1: { 'position/x': 0, label: 'start', 'data/otherClient': 'other-1' } }));
  assert.equal(olderCopy.lost, 1, "a refresh to the server's copy that drops the tab's acknowledged rename is a loss");
});
