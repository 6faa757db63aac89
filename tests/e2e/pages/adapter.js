// Scenarios for tests/e2e/adapter.test.mjs: a real X6 Graph bound to a DiagramState through
// the package's X6 adapter, driven the way an editor's user would drive it.
import init, { DiagramState } from '/pkg/diagram_state.js';
import { bindGraph } from '/pkg/x6.js';

await init();
const { Graph } = window.X6;

const ports = {
  groups: { in: { position: 'left', attrs: { circle: { r: 5, magnet: true, stroke: '#5f95ff', fill: '#fff', style: { visibility: 'hidden' } } } } },
  items: [{ id: 'p1', group: 'in' }],
};

/** A fresh graph and state, bound, with two nodes and an edge already loaded. */
async function setup(options = {}) {
  const container = document.getElementById('graph');
  container.innerHTML = '';
  const graph = new Graph({ container, width: 800, height: 600 });
  const cells = [
    { id: 'a', shape: 'rect', x: 40, y: 40, width: 100, height: 40, label: 'A', ports },
    { id: 'b', shape: 'rect', x: 300, y: 40, width: 100, height: 40, label: 'B' },
    { id: 'e', shape: 'edge', source: { cell: 'a' }, target: { cell: 'b' } },
  ];
  // Let X6 normalise the cells (defaults, zIndex) the way an editor's saved document looks.
  graph.fromJSON({ cells });
  const state = await DiagramState.open({ diagramId: `adapter-${Math.random()}`, cells: graph.toJSON().cells, ...options });
  const unbind = bindGraph(graph, state, { keyboard: true, initial: 'graph' });
  return { graph, state, unbind, json: () => graph.toJSON() };
}

/** Runs `edit`, then undo and redo, returning every document seen. */
async function roundTrip(edit, options) {
  const { graph, state, unbind, json } = await setup(options);
  const before = json();
  await edit(graph, state);
  const after = json();
  const entries = state.historyState.undoSize;
  state.undo();
  const undo = state.lastStep;
  const undone = json();
  state.redo();
  const redo = state.lastStep;
  const redone = json();
  unbind();
  state.dispose();
  graph.dispose();
  return { before, after, undone, redone, entries, undoStep: undo.step, redoStep: redo.step };
}

const node = (graph, id) => graph.getCellById(id);

window.scenarios = {
  addNode: () => roundTrip((graph) => graph.addNode({ id: 'c', shape: 'circle', x: 200, y: 200, width: 40, height: 40 })),
  addEdge: () => roundTrip((graph) => graph.addEdge({ id: 'e2', source: { cell: 'b' }, target: { cell: 'a' } })),
  removeNodeWithItsEdge: () => roundTrip((graph) => graph.removeCell('a')),
  deleteSelection: () => roundTrip((graph) => graph.removeCells([node(graph, 'a'), node(graph, 'b')])),
  removeEdge: () => roundTrip((graph) => graph.removeCell('e')),
  move: () => roundTrip((graph) => node(graph, 'a').position(120, 90)),
  resize: () => roundTrip((graph) => node(graph, 'b').resize(160, 70)),
  vertices: () => roundTrip((graph) => node(graph, 'e').setVertices([{ x: 200, y: 150 }, { x: 250, y: 150 }])),
  nodeLabel: () => roundTrip((graph) => node(graph, 'a').attr('text/text', 'Renamed')),
  edgeLabel: () => roundTrip((graph) => node(graph, 'e').setLabels([{ attrs: { label: { text: 'flow' } } }])),
  data: () => roundTrip((graph) => node(graph, 'b').setData({ threat: 'spoofing', score: 3 })),
  batchMove: () =>
    roundTrip((graph) =>
      graph.batchUpdate('move-selection', () => {
        node(graph, 'a').translate(10, 10);
        node(graph, 'b').translate(10, 10);
        node(graph, 'e').setVertices([{ x: 220, y: 120 }]);
      })),

  /** Selection highlight and port hover are visual-only: nothing to undo, and an undo
   * after them leaves the graph (highlight included) untouched. */
  async visualOnly() {
    const { graph, state, unbind, json } = await setup();
    node(graph, 'a').attr('body/stroke', '#ff0000');
    node(graph, 'a').attr('body/strokeWidth', 3);
    node(graph, 'a').setPortProp('p1', 'attrs/circle/style/visibility', 'visible');
    const afterVisual = json();
    const history = state.historyState;
    const stepType = state.undo();
    const undo = state.lastStep;
    const result = { history, stepType, undoStep: undo.step, afterVisual, afterUndo: json(), version: state.version };
    unbind();
    state.dispose();
    graph.dispose();
    return result;
  },

  /** A semantic edit followed by a visual one: undo reverts the edit only. */
  async undoAfterSelection() {
    const { graph, state, unbind, json } = await setup();
    node(graph, 'a').position(200, 200);
    const moved = json();
    node(graph, 'a').attr('body/stroke', '#ff0000');
    state.undo();
    const result = {
      moved,
      afterUndo: json(),
      stroke: node(graph, 'a').attr('body/stroke'),
      position: node(graph, 'a').position(),
    };
    unbind();
    state.dispose();
    graph.dispose();
    return result;
  },

  /** Ctrl+Z and Ctrl+Shift+Z, as a user presses them. */
  async keyboard() {
    const { graph, state, unbind, json } = await setup();
    const before = json();
    node(graph, 'a').position(300, 300);
    const after = json();
    const press = (init) => document.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, ...init }));
    press({ key: 'z', ctrlKey: true });
    const undone = json();
    press({ key: 'z', ctrlKey: true, shiftKey: true });
    const redone = json();
    unbind();
    state.dispose();
    graph.dispose();
    return { before, after, undone, redone };
  },

  /** Changes from another tab reach the graph and are not recorded as local edits. */
  async remoteChanges() {
    const { graph, state, unbind } = await setup();
    state.applyChanges([{ type: 'update', id: 'b', path: 'position/x', before: 300, after: 333 }], 'tab');
    const result = { x: node(graph, 'b').position().x, history: state.historyState, cells: state.cells().length };
    unbind();
    state.dispose();
    graph.dispose();
    return result;
  },

  /** `graph.fromJSON()` after binding is one recorded edit: the state follows the graph,
   * and one undo gives the document back. */
  async resetAfterBind() {
    const { graph, state, unbind, json } = await setup();
    const before = json();
    const next = before.cells
      .filter((cell) => cell.id !== 'e')
      .map((cell) => (cell.id === 'b' ? { ...cell, position: { x: 500, y: 90 } } : cell));
    next.push({ id: 'c', shape: 'rect', position: { x: 10, y: 300 }, size: { width: 80, height: 40 } });
    graph.fromJSON({ cells: next });
    const result = {
      stateIds: state.cells().map((cell) => cell.id).sort(),
      stateB: state.cells().find((cell) => cell.id === 'b')?.position,
      undoSize: state.historyState.undoSize,
    };
    state.undo();
    result.undone = json();
    result.before = before;
    unbind();
    state.dispose();
    graph.dispose();
    return result;
  },

  /** A change made from inside a change listener (X6 gives it the outer mutation's stale
   * `previous`): moving a node back there is seen. */
  async nestedChangeBack() {
    const { graph, state, unbind } = await setup();
    let nested = false;
    graph.on('node:change:position', ({ node: moved }) => {
      if (nested) return;
      nested = true;
      moved.position(40, 40); // snaps back, from inside the listener
    });
    node(graph, 'a').position(200, 200);
    const result = {
      graph: node(graph, 'a').position(),
      state: state.cells().find((cell) => cell.id === 'a').position,
    };
    unbind();
    state.dispose();
    graph.dispose();
    return result;
  },

  /** The function `on()` returns may be called twice. */
  async unsubscribeTwice() {
    const { graph, state, unbind } = await setup();
    const seen = [];
    const off = state.on('history', () => seen.push('history'));
    const errors = [];
    for (let i = 0; i < 2; i += 1) {
      try {
        off();
      } catch (error) {
        errors.push(`${error.name}: ${error.message}`);
      }
    }
    node(graph, 'a').position(1, 1);
    unbind();
    state.dispose();
    graph.dispose();
    return { errors, seen };
  },

  /** After unbinding, graph edits no longer reach the state. */
  async unbind() {
    const { graph, state, unbind } = await setup();
    unbind();
    node(graph, 'a').position(10, 10);
    const result = { history: state.historyState };
    state.dispose();
    graph.dispose();
    return result;
  },
};
window.ready = true;

/** Auto-save through the adapter: a fake server behind the editor's save callback. */
window.autosaveScenarios = {
  /** An edit is saved once after the debounce, with the cells and the changes. */
  async savesAfterDebounce() {
    const requests = [];
    const statuses = [];
    const { graph, state, unbind } = await setup({
      autosave: {
        debounceMs: 80,
        save: async (request) => {
          requests.push(request);
          return { status: 'saved', version: request.baseVersion + 1 };
        },
      },
    });
    const saved = new Promise((done) => state.on('save', (status) => {
      statuses.push(status.state);
      if (status.state === 'saved') done();
    }));
    node(graph, 'a').position(100, 100);
    node(graph, 'a').position(120, 100);
    const before = requests.length;
    await saved;
    const result = {
      before,
      requests: requests.map(({ baseVersion, cells, changesSinceBase, cause }) => ({
        baseVersion, cellCount: cells.length, changes: changesSinceBase, cause,
        movedX: cells.find((cell) => cell.id === 'a').position.x,
      })),
      statuses,
      snapshot: state.saveStatus,
    };
    unbind();
    state.dispose();
    graph.dispose();
    return result;
  },

  /** A conflict pauses auto-save; refresh merges the server's (older) copy: its edits come
   * in, the unsaved move it lacks is kept and saved again on the server's version. */
  async conflictThenRefresh() {
    let serverCells = null;
    const saves = [];
    const { graph, state, unbind, json } = await setup({
      autosave: {
        debounceMs: 20,
        save: (request) => {
          saves.push(request.baseVersion);
          if (saves.length > 1) return { status: 'saved', version: request.baseVersion + 1 };
          return { status: 'conflict', serverVersion: 9, serverCells };
        },
      },
    });
    // The server's copy: another client moved b and removed e, and never saw a's move.
    serverCells = json().cells
      .filter((cell) => cell.id !== 'e')
      .map((cell) => (cell.id === 'b' ? { ...cell, position: { x: 777, y: 40 } } : cell));
    node(graph, 'a').position(5, 5);
    const conflicted = await new Promise((done) => {
      const off = state.on('save', (status) => status.state === 'conflict' && (off(), done(status)));
    });
    const saved = new Promise((done) => {
      const off = state.on('save', (status) => status.state === 'saved' && (off(), done(status)));
    });
    const outcome = state.resolveConflict('refresh');
    const result = {
      conflicted,
      outcomeType: outcome.type,
      setAside: outcome.setAside.length,
      kept: outcome.kept.map(({ id, path, after }) => [id, path, after]),
      overridden: outcome.overridden.length,
      a: node(graph, 'a').position(),
      bX: node(graph, 'b').position().x,
      edgeGone: !graph.getCellById('e'),
      stateA: state.cells().find((cell) => cell.id === 'a').position,
      history: state.historyState,
      stateCells: state.cells().length,
      graphCells: graph.getCells().length,
      saved: await saved,
      saves,
    };
    unbind();
    state.dispose();
    graph.dispose();
    return result;
  },
};
