// The history suite's systems built on X6 or on diagram-state: each returns the same
// interface `{ edit({ id, text }), undo(), redo(), label(id), undoSize(), clearHistory(),
// settle(), wasmBytes() }` (`settle` lets the page run a frame before a check; graph-based
// ones also have `dispose()`). An edit sets a node's label (`attrs/text/text`, semantic by
// default) the way an editor does: `cell.attr('text/text', text)` on a real graph.
import { createGraph, nextFrame, useHistory } from './x6-graph.js';

async function loadDiagramState() {
  const { default: init, DiagramState } = await import('/pkg/diagram_state.js');
  const wasm = await init();
  return { DiagramState, wasmBytes: () => wasm.memory.buffer.byteLength };
}

function graphSystem(graph, history) {
  const cell = (id) => graph.getCellById(id);
  return {
    edit: ({ id, text }) => cell(id).attr('text/text', text),
    label: (id) => cell(id).attr('text/text'),
    undo: () => history.undo(),
    redo: () => history.redo(),
    undoSize: () => history.getUndoSize(),
    clearHistory: () => history.clean(),
    settle: () => nextFrame(),
    dispose() {
      graph.dispose();
      graph.container.remove();
    },
    wasmBytes: () => 0,
  };
}

/** X6 with no history at all: the floor every X6-based system pays. */
export async function x6Floor(cells) {
  return graphSystem(await createGraph(cells), {
    undo() {},
    redo() {},
    getUndoSize: () => 0,
    clean() {},
  });
}

/** X6's built-in History plugin. */
export async function x6History(cells) {
  const graph = await createGraph(cells);
  return graphSystem(graph, useHistory(graph));
}

/** A real X6 graph bound to diagram-state with `bindGraph` (no History plugin). */
export async function diagramStateAdapter(cells, { maxHistory }) {
  const { DiagramState, wasmBytes } = await loadDiagramState();
  const { bindGraph } = await import('/pkg/x6.js');
  const graph = await createGraph(cells);
  const state = await DiagramState.open({ diagramId: 'bench-history', cells: graph.toJSON().cells, maxHistory });
  bindGraph(graph, state, { initial: 'graph' });
  return {
    ...graphSystem(graph, {
      undo: () => state.undo(),
      redo: () => state.redo(),
      getUndoSize: () => state.historyState.undoSize,
      clean: () => state.clearHistory(),
    }),
    wasmBytes,
  };
}

/**
 * diagram-state alone, no graph: each edit is the `cell:change:attrs` event X6 would send
 * (`previous`/`current` attrs objects), given to `state.handleEvent`.
 */
export async function diagramStateCore(cells, { maxHistory }) {
  const { DiagramState, wasmBytes } = await loadDiagramState();
  const state = await DiagramState.open({ diagramId: 'bench-history-core', cells, maxHistory });
  const attrs = new Map(cells.filter((c) => c.attrs).map((c) => [c.id, c.attrs]));
  return {
    edit({ id, text }) {
      const previous = attrs.get(id);
      const current = { ...previous, text: { ...previous.text, text } };
      attrs.set(id, current);
      state.handleEvent({ type: 'changed', id, key: 'attrs', previous, current });
    },
    // Read back from the state itself (slow, used only by checks outside the clock).
    label: (id) => state.cells().find((c) => c.id === id).attrs.text.text,
    labels: () => new Map(state.cells().map((c) => [c.id, c.attrs?.text?.text])),
    undo: () => state.undo(),
    redo: () => state.redo(),
    undoSize: () => state.historyState.undoSize,
    clearHistory: () => state.clearHistory(),
    settle: async () => {},
    wasmBytes,
  };
}
