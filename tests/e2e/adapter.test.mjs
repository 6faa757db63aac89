// The X6 adapter with a real X6 Graph in Chromium: every edit an editor's user makes is
// undone and redone exactly (graph.toJSON() compared whole), and visual-only changes never
// enter the history. The scenarios live in pages/adapter.js.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTestPages } from './harness.mjs';

let browser;
let page;
before(async () => {
  browser = await openTestPages();
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') browser.errors.push(message.text());
  });
  await page.goto(new URL('/tests/e2e/pages/adapter.html', browser.url).href);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
});
after(async () => {
  await browser?.close();
});

const run = (name) => page.evaluate((scenario) => window.scenarios[scenario](), name);

/** A document with its cells ordered by id: X6 inserts a re-added cell by zIndex (as its
 * own History plugin does), so among cells of equal zIndex the list order may differ. */
const byId = (document) => ({ ...document, cells: [...document.cells].sort((a, b) => a.id.localeCompare(b.id)) });

describe('undo and redo give back exactly the document before and after each edit', () => {
  const edits = {
    addNode: 'NODE_CREATE',
    addEdge: 'EDGE_CREATE',
    removeNodeWithItsEdge: 'CELL_DELETION',
    deleteSelection: 'CELL_DELETION',
    removeEdge: 'EDGE_DELETE',
    move: 'NODE_MOVE',
    resize: 'NODE_RESIZE',
    vertices: 'EDGE_VERTICES_CHANGE',
    nodeLabel: 'CELL_UPDATE',
    edgeLabel: 'CELL_UPDATE',
    data: 'CELL_UPDATE',
    batchMove: 'NODE_MOVE',
  };
  for (const [name, kind] of Object.entries(edits)) {
    test(name, async () => {
      const result = await run(name);
      assert.notDeepEqual(result.after, result.before, 'the edit changed the graph');
      assert.equal(result.entries, 1, 'one edit is one history entry');
      assert.equal(result.undoStep.type, 'applied');
      assert.equal(result.undoStep.kind, kind);
      assert.deepEqual(result.undoStep.skipped, []);
      assert.deepEqual(byId(result.undone), byId(result.before), 'undo restores the document');
      assert.deepEqual(byId(result.redone), byId(result.after), 'redo restores the edit');
    });
  }
});

test('selection highlight and port hover never enter the history', async () => {
  const result = await run('visualOnly');
  assert.equal(result.history.canUndo, false);
  assert.equal(result.version, 0, 'no semantic change, no new version');
  assert.equal(result.stepType, 'empty', 'undo() returns the step type');
  assert.deepEqual(result.undoStep, { type: 'empty' });
  assert.deepEqual(result.afterUndo, result.afterVisual, 'undo does not just drop the highlight');
});

test('undo after selecting reverts the last edit, not the selection', async () => {
  const result = await run('undoAfterSelection');
  assert.deepEqual(result.position, { x: 40, y: 40 }, 'the move is undone');
  assert.equal(result.stroke, '#ff0000', 'the highlight stays as it is');
});

test('Ctrl+Z and Ctrl+Shift+Z undo and redo', async () => {
  const result = await run('keyboard');
  assert.notDeepEqual(result.after, result.before);
  assert.deepEqual(result.undone, result.before);
  assert.deepEqual(result.redone, result.after);
});

test("another tab's changes reach the graph without becoming local undo entries", async () => {
  const result = await run('remoteChanges');
  assert.equal(result.x, 333);
  assert.equal(result.history.canUndo, false);
  assert.equal(result.cells, 3);
});

test('graph.fromJSON() after binding is one edit the state follows, undone in one step', async () => {
  const result = await run('resetAfterBind');
  assert.deepEqual(result.stateIds, ['a', 'b', 'c']);
  assert.deepEqual(result.stateB, { x: 500, y: 90 });
  assert.equal(result.undoSize, 1, 'one undo entry');
  assert.deepEqual(byId(result.undone), byId(result.before));
});

test('a value changed back from inside a change listener is seen, despite X6\'s stale previous', async () => {
  const result = await run('nestedChangeBack');
  assert.deepEqual(result.graph, { x: 40, y: 40 });
  assert.deepEqual(result.state, result.graph, 'the state follows the graph');
});

test('the function on() returns may be called twice', async () => {
  const result = await run('unsubscribeTwice');
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.seen, []);
});

test('after unbinding, graph edits no longer reach the state', async () => {
  const result = await run('unbind');
  assert.equal(result.history.canUndo, false);
  assert.deepEqual(browser.errors, [], 'no errors in the page');
});

describe('auto-save through the adapter', () => {
  const runAutosave = (name) => page.evaluate((scenario) => window.autosaveScenarios[scenario](), name);

  test('two quick edits make one save, after the debounce, with the cells and both changes squashed', async () => {
    const result = await runAutosave('savesAfterDebounce');
    assert.equal(result.before, 0, 'nothing is saved before the debounce');
    assert.equal(result.requests.length, 1);
    assert.equal(result.snapshot.nextSaveAt, null, 'no other save is scheduled');
    assert.equal(result.snapshot.pendingChanges, 0);
    const [request] = result.requests;
    assert.equal(request.baseVersion, 0);
    assert.equal(request.cellCount, 3);
    assert.equal(request.movedX, 120);
    assert.equal(request.cause, 'debounce');
    assert.deepEqual(
      request.changes.map(({ id, path, before, after }) => [id, path, before, after]),
      [['a', 'position/x', 40, 120], ['a', 'position/y', 40, 100]],
    );
    assert.deepEqual(result.snapshot.status.state, 'saved');
    assert.equal(result.snapshot.status.version, 1);
    assert.ok(result.statuses.includes('saving') && result.statuses.at(-1) === 'saved', result.statuses.join());
  });

  test("a conflict, resolved with refresh, merges the server's cells and keeps what it lacked", async () => {
    const result = await runAutosave('conflictThenRefresh');
    assert.deepEqual(result.conflicted, { state: 'conflict', serverVersion: 9 });
    assert.equal(result.outcomeType, 'refresh');
    assert.equal(result.setAside, 2, 'the unsaved move is reported');
    assert.deepEqual(result.kept, [['a', 'position/x', 5], ['a', 'position/y', 5]], 'the server never had the move');
    assert.equal(result.overridden, 0);
    assert.deepEqual(result.a, { x: 5, y: 5 }, 'an older server copy does not revert the move');
    assert.deepEqual(result.stateA, { x: 5, y: 5 });
    assert.equal(result.bX, 777, "the server's move comes in");
    assert.equal(result.edgeGone, true, "the server's removal comes in");
    assert.equal(result.history.canUndo, true, 'the move stays undoable');
    assert.equal(result.stateCells, 2);
    assert.equal(result.graphCells, 2);
    assert.deepEqual(result.saves, [0, 9], 'the kept move is saved on the server version');
    assert.equal(result.saved.version, 10);
  });
});
