// The batch suite's page: every node of a 1,000-node diagram translated inside one X6 batch
// (`graph.startBatch`/`stopBatch`, what a drag of a selection does), then one undo of it.
// `setup({ name })` builds the system: `x6-floor` (no history), `x6-history` (X6's History
// plugin) or `diagram-state` (`bindGraph`, which turns the X6 batch into one state batch).
// `move` and `undo` return their duration in ms; `check` compares positions outside the clock.
import { makeDiagram } from './data.js';
import { createGraph, nextFrame, useHistory } from './x6-graph.js';

let graph;
let history; // { undo(), undoSize() } or null
let nodes;
let before; // positions before the last move

const positions = () => nodes.map((node) => node.getPosition());

async function bind(name) {
  if (name === 'x6-floor') return null;
  if (name === 'x6-history') {
    const plugin = useHistory(graph);
    return { undo: () => plugin.undo(), redo: () => plugin.redo(), undoSize: () => plugin.getUndoSize(), clear: () => plugin.clean() };
  }
  const { default: init, DiagramState } = await import('/pkg/diagram_state.js');
  const { bindGraph } = await import('/pkg/x6.js');
  await init();
  const state = await DiagramState.open({ diagramId: 'bench-batch', cells: graph.toJSON().cells });
  bindGraph(graph, state, { initial: 'graph' });
  return { undo: () => state.undo(), redo: () => state.redo(), undoSize: () => state.historyState.undoSize, clear: () => state.clearHistory() };
}

function timed(work) {
  const start = performance.now();
  work();
  return performance.now() - start;
}

function move(delta) {
  graph.startBatch('move-selection');
  for (const node of nodes) node.translate(delta, delta);
  graph.stopBatch('move-selection');
}

function expectPositions(expected, delta, stage) {
  const actual = positions();
  actual.forEach((at, i) => {
    if (at.x !== expected[i].x + delta || at.y !== expected[i].y + delta) {
      throw new Error(`${stage}: node ${nodes[i].id} at ${at.x},${at.y}, expected ${expected[i].x + delta},${expected[i].y + delta}`);
    }
  });
}

window.bench = {
  /** Builds the diagram and the system, then warms up with three moves, undone and redone. */
  async setup({ name, nodes: count, edges }) {
    graph = await createGraph(makeDiagram({ nodes: count, edges }));
    history = await bind(name);
    nodes = graph.getNodes();
    for (let i = 0; i < 3; i += 1) {
      move(5);
      history?.undo();
      history?.redo();
    }
    history?.clear();
    await nextFrame();
  },
  move(delta) {
    before = positions();
    return timed(() => move(delta));
  },
  undo: () => timed(() => history.undo()),
  /** `stage` 'moved' (by `delta`, one undo step) or 'undone' (back where it was). */
  async check(stage, delta) {
    await nextFrame();
    expectPositions(before, stage === 'moved' ? delta : 0, stage);
    if (history && history.undoSize() !== (stage === 'moved' ? 1 : 0)) {
      throw new Error(`${stage}: ${history.undoSize()} undo steps`);
    }
    if (stage === 'undone') history.clear();
  },
};
window.benchReady = true;
