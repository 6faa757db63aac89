// The history suite's page: one system per page load (`window.bench.setup({ name, ... })`),
// then the Node side times `record` (every label edit, each its own undo step), `undoAll`
// and `redoAll` here, in the page, with performance.now(), and measures memory between them.
// `setupFloor` / `recordFloor` / `dropFloor` first run the same edits on a graph with no
// history (the X6 floor), in the same page, before the system is built: the floor and the
// system then run under the same conditions (one graph in the page, same machine load).
// Edits and diagram come from data.js, so every system gets the same ones.
import { makeDiagram, makeLabelEdits } from './data.js';
import { diagramStateAdapter, diagramStateCore, x6Floor, x6History } from './history-x6.js';
import { loro, yjs } from './history-crdt.js';

const SYSTEMS = {
  'diagram-state': diagramStateAdapter,
  'diagram-state-core': diagramStateCore,
  'x6-history': x6History,
  'x6-floor': x6Floor,
  yjs,
  loro,
};

let system;
let floor; // the X6 floor's graph, while it exists
let edits;
let initial; // id → label before recording
let final; // id → label after recording

const labelsAfter = (list, start) => {
  const labels = new Map(start);
  for (const { id, text } of list) labels.set(id, text);
  return labels;
};

function timed(work) {
  const start = performance.now();
  work();
  return performance.now() - start;
}

/** Warms `target` up with `warm` edits (undone and redone when `undo`), then sets labels back. */
function warmUp(target, warm, undo) {
  for (const edit of warm) target.edit(edit);
  if (undo) {
    for (let i = 0; i < warm.length; i += 1) target.undo();
    for (let i = 0; i < warm.length; i += 1) target.redo();
  }
  for (const id of new Set(warm.map((edit) => edit.id))) target.edit({ id, text: initial.get(id) });
  target.clearHistory();
}

/** Throws unless every node's label is the expected one. */
function expectLabels(expected, stage, target = system) {
  const actual = target.labels ? target.labels() : null;
  for (const [id, label] of expected) {
    const got = actual ? actual.get(id) : target.label(id);
    if (got !== label) throw new Error(`${stage}: node ${id} has label ${JSON.stringify(got)}, expected ${JSON.stringify(label)}`);
  }
}

/** The diagram, the edits and the labels before and after them. */
function prepare({ nodes, edges, changes }) {
  const cells = makeDiagram({ nodes, edges });
  initial = new Map(cells.filter((c) => c.attrs?.text).map((c) => [c.id, c.attrs.text.text]));
  edits = makeLabelEdits({ count: changes, nodes });
  final = labelsAfter(edits, initial);
  return cells;
}

window.bench = {
  /**
   * Builds the diagram in `name`'s system, then warms it up: `warmup` other edits, their
   * undo and redo, labels set back, history cleared.
   */
  async setup({ name, nodes, edges, changes, warmup }) {
    const cells = prepare({ nodes, edges, changes });
    system = await SYSTEMS[name](cells, { maxHistory: changes });
    warmUp(system, makeLabelEdits({ count: warmup, nodes, seed: 99 }), true);
    expectLabels(initial, 'after warm-up');
    await system.settle();
  },
  /** Builds the floor's graph (X6, no history) and warms it up like `setup`, without undo. */
  async setupFloor({ nodes, edges, changes, warmup }) {
    floor = await x6Floor(prepare({ nodes, edges, changes }));
    warmUp(floor, makeLabelEdits({ count: warmup, nodes, seed: 99 }), false);
    expectLabels(initial, 'floor after warm-up', floor);
    await floor.settle();
  },
  /** The same edits on the floor's graph; checked, outside the clock. */
  async recordFloor() {
    const ms = timed(() => {
      for (const edit of edits) floor.edit(edit);
    });
    await floor.settle();
    expectLabels(final, 'floor recorded', floor);
    return ms;
  },
  dropFloor() {
    floor.dispose();
    floor = null;
  },
  record: () => timed(() => {
    for (const edit of edits) system.edit(edit);
  }),
  /** Undoes the last `steps` edits (all by default). */
  undoAll: (steps = edits.length) => timed(() => {
    for (let i = 0; i < steps; i += 1) system.undo();
  }),
  /** Redoes `steps` edits (all by default). */
  redoAll: (steps = edits.length) => timed(() => {
    for (let i = 0; i < steps; i += 1) system.redo();
  }),
  /**
   * Checks every label and the undo stack once all edits but the last `undone` are in
   * (`undone` 0: all recorded or redone; all of them: back to the start).
   */
  async check(stage, { history, undone = 0 }) {
    await system.settle();
    const kept = edits.length - undone;
    expectLabels(kept === edits.length ? final : labelsAfter(edits.slice(0, kept), initial), stage);
    const size = system.undoSize();
    if (history && size !== kept) throw new Error(`${stage}: ${size} undo steps, expected ${kept}`);
  },
  wasmBytes: () => system.wasmBytes(),
};
window.benchReady = true;
