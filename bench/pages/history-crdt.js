// The history suite's CRDT peers, no X6: the diagram's cells as a map of nested maps (one
// per cell, one per object inside it), and each label edit sets `attrs.text.text` of one
// cell in its own transaction/commit, recorded by the library's own undo manager with
// merging off. Same interface as history-x6.js.

/** Yjs: a Y.Map of cells (nested Y.Maps) and a Y.UndoManager with captureTimeout 0. */
export async function yjs(cells) {
  const Y = await import('/bench/out/yjs.js');
  const doc = new Y.Doc();
  const root = doc.getMap('cells');
  const toMap = (object) => {
    const map = new Y.Map();
    for (const [key, value] of Object.entries(object)) map.set(key, isObject(value) ? toMap(value) : value);
    return map;
  };
  doc.transact(() => {
    for (const cell of cells) root.set(cell.id, toMap(cell));
  });
  const texts = textMaps(cells, (id) => root.get(id).get('attrs').get('text'));
  const undo = new Y.UndoManager(root, { captureTimeout: 0 });
  return {
    edit: ({ id, text }) => doc.transact(() => texts.get(id).set('text', text)),
    label: (id) => texts.get(id).get('text'),
    undo: () => undo.undo(),
    redo: () => undo.redo(),
    undoSize: () => undo.undoStack.length,
    clearHistory: () => undo.clear(),
    settle: async () => {},
    wasmBytes: () => 0,
  };
}

/** Loro: a LoroMap of cells (nested LoroMaps), an UndoManager with mergeInterval 0. */
export async function loro(cells, { maxHistory }) {
  const { default: init, LoroDoc, LoroMap, UndoManager } = await import('/bench/node_modules/loro-crdt/web/index.js');
  const wasm = await init();
  const doc = new LoroDoc();
  const root = doc.getMap('cells');
  const fill = (map, object) => {
    for (const [key, value] of Object.entries(object)) {
      if (isObject(value)) fill(map.setContainer(key, new LoroMap()), value);
      else map.set(key, value);
    }
  };
  for (const cell of cells) fill(root.setContainer(cell.id, new LoroMap()), cell);
  doc.commit();
  const texts = textMaps(cells, (id) => root.get(id).get('attrs').get('text'));
  const undo = new UndoManager(doc, { mergeInterval: 0, maxUndoSteps: maxHistory });
  let steps = 0; // Loro does not expose its stack size; counted for the sanity check.
  return {
    edit({ id, text }) {
      texts.get(id).set('text', text);
      doc.commit();
      steps += 1;
    },
    label: (id) => texts.get(id).get('text'),
    undo: () => undo.undo() && (steps -= 1),
    redo: () => undo.redo() && (steps += 1),
    undoSize: () => steps,
    clearHistory() {
      undo.clear();
      steps = 0;
    },
    settle: async () => {},
    wasmBytes: () => wasm.memory.buffer.byteLength,
  };
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The `attrs.text` map of every cell that has one (nodes), by id: held like an editor would. */
function textMaps(cells, find) {
  const texts = new Map();
  for (const cell of cells) if (cell.attrs?.text) texts.set(cell.id, find(cell.id));
  return texts;
}
