// Bulk classification in Chromium, as an editor calls it: `classifyPathsCompact` numbers
// each path by the rule that made it visual (0 = semantic, i + 1 = `rules()[i]`), takes an
// array or one newline-joined string with the same result, agrees with the readable
// `classifyPaths`, follows rule changes, and refuses bad input with a typed error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestPage } from './harness.mjs';

// The boundary page has the package loaded and initialised; these tests bring their own state.
let browser;
let page;
before(async () => {
  ({ browser, page } = await openTestPage('/tests/e2e/pages/boundary.html'));
});
after(() => browser?.close());

/** Runs `body(state)` in the page on a fresh state with the default rules. */
const withState = (body, arg) => page.evaluate(async ([source, value]) => {
  const { DiagramState } = await import('/pkg/diagram_state.js');
  const state = await DiagramState.open({ diagramId: `classify-${Math.random()}` });
  try {
    return await new Function('state', 'arg', `return (${source})(state, arg);`)(state, value);
  } finally {
    state.free();
  }
}, [body.toString(), arg]);

const PATHS = ['attrs/body/stroke', 'attrs/text/text', 'tools/items/0', 'ports/items/3/attrs/circle/style/visibility', 'a//b', ''];

test('a code per path: 0 semantic, i + 1 visual by rules()[i], the same as classifyPaths', async () => {
  const result = await withState((state, paths) => {
    const codes = state.classifyPathsCompact(paths);
    return {
      type: codes.constructor.name,
      codes: [...codes],
      rules: state.rules().map((rule) => rule.id),
      readable: state.classifyPaths(paths).map((verdict) => verdict.ruleId ?? null),
    };
  }, PATHS);
  assert.equal(result.type, 'Uint16Array');
  assert.equal(result.codes.length, PATHS.length);
  const ids = result.codes.map((code) => (code === 0 ? null : result.rules[code - 1]));
  assert.deepEqual(ids, ['selection-stroke', null, 'tools', 'port-visibility', null, null]);
  assert.deepEqual(ids, result.readable);
});

test('one newline-joined string gives what the array gives; the empty string is no paths', async () => {
  const result = await withState((state, paths) => ({
    array: [...state.classifyPathsCompact(paths.slice(0, 4))],
    joined: [...state.classifyPathsCompact(paths.slice(0, 4).join('\n'))],
    counts: [state.countVisualPaths(paths.slice(0, 4)), state.countVisualPaths(paths.slice(0, 4).join('\n'))],
    empty: [state.classifyPathsCompact('').length, state.classifyPathsCompact([]).length, state.countVisualPaths('')],
    newlineInArray: [...state.classifyPathsCompact(['tools\nx', 'tools'])],
  }), PATHS);
  assert.deepEqual(result.joined, result.array);
  assert.deepEqual(result.counts, [3, 3]);
  assert.deepEqual(result.empty, [0, 0, 0]);
  assert.deepEqual(result.newlineInArray, [0, 1], 'a path with a newline in an array stays one path (\'tools\\nx\' is not under tools)');
});

test('codes follow the rules as they change', async () => {
  const result = await withState((state) => {
    state.addRule('hover', 'data/hover');
    const added = [...state.classifyPathsCompact(['data/hover', 'attrs/body/stroke'])];
    state.removeRule('tools');
    const removed = [...state.classifyPathsCompact(['data/hover', 'attrs/body/stroke', 'tools'])];
    return { added, removed, count: state.rules().length };
  });
  assert.equal(result.count, 11);
  assert.deepEqual(result.added, [12, 3]);
  assert.deepEqual(result.removed, [11, 2, 0]);
});

test('bad input is a typed INVALID_ARGUMENT', async () => {
  const codes = await withState((state) => [5, null, undefined, {}, [5], ['a', null], new String('a')].map((paths) => {
    try {
      state.classifyPathsCompact(paths);
      return 'returned';
    } catch (error) {
      return `${error.name}:${error.code}`;
    }
  }));
  assert.deepEqual(codes, Array(7).fill('DiagramStateError:INVALID_ARGUMENT'));
});

test('no uncaught errors in the page', () => {
  assert.deepEqual(browser.errors, []);
});
