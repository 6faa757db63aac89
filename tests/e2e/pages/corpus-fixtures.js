// The states a corpus case (tests/corpus/entry-points.json) starts from, named by its
// `fixture` field. Each case gets a fresh one; `values` are what `$fixture` refers to, and
// `probe()` shows the module still works after the case.
import { DiagramState, LocalDiagrams } from '/pkg/diagram_state.js';
import { bindGraph } from '/pkg/x6.js';
import { snapshot } from './outcome.js';

/** Two nodes and an edge, with the properties an X6 document has. */
export const CELLS = [
  {
    id: 'a', shape: 'rect', position: { x: 10, y: 20 }, size: { width: 80, height: 40 },
    attrs: { body: { fill: '#ffffff', stroke: '#333333' }, text: { text: 'A' } },
    ports: { items: [{ id: 'p1', group: 'in' }] }, data: { owner: 'corpus' }, zIndex: 1,
  },
  { id: 'b', shape: 'rect', position: { x: 200, y: 20 }, size: { width: 80, height: 40 }, attrs: { text: { text: 'B' } }, zIndex: 2 },
  { id: 'e', shape: 'edge', source: { cell: 'a' }, target: { cell: 'b' }, vertices: [{ x: 100, y: 100 }], labels: [], zIndex: 3 },
];

/** One local edit, so that the history has an entry to undo. */
const MOVE_A = { type: 'changed', id: 'a', key: 'position', previous: { x: 10, y: 20 }, current: { x: 15, y: 25 } };

let serial = 0;
const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${(serial += 1)}`;

const until = async (check, what, timeoutMs = 3000) => {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`fixture: timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 2));
  }
};

/** A save callback that answers `answer` and counts its calls. */
function saver(answer) {
  const save = () => {
    save.calls += 1;
    return answer(save.calls);
  };
  save.calls = 0;
  return save;
}

/** The auto-save settings of the fixtures: nothing is saved unless asked. */
const quietAutosave = (save) => ({ save, debounceMs: 3_600_000, maxWaitMs: 3_600_000 });

/** Opens a `DiagramState` on the corpus cells with a rule and one undoable edit. */
async function plainState(options = {}) {
  const state = await DiagramState.open({ diagramId: 'corpus', cells: CELLS, ...options });
  state.addRule('corpus-rule', 'data/hover');
  state.handleEvent(MOVE_A);
  return state;
}

/** A probe for a `DiagramState`: a valid edit is applied and reported. */
function probeState(state) {
  const id = unique('probe');
  const version = state.version;
  const outcome = state.handleEvent({ type: 'added', cell: { id, shape: 'rect', position: { x: 1, y: 1 } } });
  if (!state.cells().some((cell) => cell.id === id)) return `the probe cell '${id}' is missing`;
  if (outcome.version !== version + 1 || state.version !== version + 1) return `the version did not grow (${version} → ${state.version})`;
  return true;
}

/** A fresh state opened from scratch still works (after a disposed or failed one). */
async function probeFresh() {
  const state = await DiagramState.open({ diagramId: unique('probe'), cells: CELLS });
  try {
    return probeState(state);
  } finally {
    state.dispose();
    state.free();
  }
}

function stateFixture(state, extra = {}) {
  return {
    values: { state, ...extra.values },
    target: state,
    snapshot: () => (state.disposed ? null : snapshot(state, { full: true })),
    probe: async () => (state.disposed ? probeFresh() : probeState(state)),
    dispose: async () => {
      extra.dispose?.();
      state.dispose();
      state.free();
    },
  };
}

/** The `DiagramState` fixtures by name. */
const STATE_FIXTURES = {
  /** Three cells, a custom rule, one undoable edit. */
  plain: async () => stateFixture(await plainState()),
  /** No cells, no history. */
  empty: async () => stateFixture(await DiagramState.open({ diagramId: 'corpus-empty' })),
  /** A batch is open. */
  batch: async () => {
    const state = await plainState();
    state.beginBatch();
    return stateFixture(state);
  },
  /** In a collaboration session (undo/redo are server requests). */
  collaborating: async () => {
    const state = await plainState();
    state.joinCollaboration();
    return stateFixture(state);
  },
  /** Auto-save configured (nothing saved yet: the debounce is an hour). */
  autosave: async () => {
    const save = saver((calls) => ({ status: 'saved', version: calls }));
    return stateFixture(await plainState({ autosave: quietAutosave(save) }));
  },
  /** Auto-save configured while the editor says it is still loading. */
  autosaveLoading: async () => {
    const save = saver((calls) => ({ status: 'saved', version: calls }));
    const state = await plainState({ autosave: quietAutosave(save) });
    state.updateEditorContext({ loading: true });
    return stateFixture(state);
  },
  /** Auto-save stopped on a version conflict with the server. */
  conflict: async () => {
    const save = saver(() => ({ status: 'conflict', serverVersion: 9 }));
    const state = await plainState({ autosave: quietAutosave(save) });
    state.saveNow();
    await until(() => state.saveStatus.status.state === 'conflict', 'the conflict');
    return stateFixture(state);
  },
  /** Disposed: every call throws DISPOSED. */
  disposed: async () => {
    const state = await plainState();
    state.dispose();
    return stateFixture(state);
  },
  /** With a listener, whose unsubscribe function is the `off` entry. */
  listening: async () => {
    const state = await plainState();
    const heard = [];
    const off = state.on('history', (history) => heard.push(history));
    return stateFixture(state, { values: { off, heard } });
  },
};

/** The directory's observable contents: the listing and every diagram's document. */
async function directorySnapshot(directory) {
  if (directory.closed) return null;
  const { diagrams, skipped } = await directory.list();
  const documents = [];
  for (const entry of diagrams) documents.push(await directory.exportDocument(entry.id));
  return JSON.stringify([diagrams, skipped, documents]);
}

/** A probe for a directory: a diagram can be created, listed and opened (and is deleted
 * again, so the directory is as before). */
async function probeDirectory(directory) {
  if (directory.closed) {
    const fresh = await LocalDiagrams.open({ storage: 'memory' });
    try {
      return await probeDirectory(fresh);
    } finally {
      fresh.close();
      fresh.free();
    }
  }
  const entry = await directory.create({ name: 'probe', cells: [{ id: 'p', shape: 'rect' }] });
  const { diagrams } = await directory.list();
  if (!diagrams.some((listed) => listed.id === entry.id)) return 'the probe diagram is not listed';
  const state = await directory.openDiagram(entry.id);
  try {
    return probeState(state);
  } finally {
    state.dispose();
    state.free();
    await directory.delete(entry.id);
  }
}

async function deleteDatabase(name) {
  await new Promise((done) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => done();
  });
}

/** Directories that came through a case unchanged, for the next case (opening and
 * filling a database for every case would take most of the test's time). */
const pool = new Map();

/** A directory in IndexedDB (or memory) with a diagram of the corpus cells and an empty one. */
async function directoryFixture({ storage = 'indexeddb', closed = false } = {}) {
  const key = `${storage}:${closed}`;
  let made = pool.get(key);
  pool.delete(key);
  if (!made) {
    const dbName = unique('corpus-directory');
    const directory = await LocalDiagrams.open(storage === 'memory' ? { storage } : { dbName });
    const main = await directory.create({ name: 'main', description: 'the corpus diagram', cells: CELLS });
    const empty = await directory.create({ name: 'empty', storageType: 'public' });
    if (closed) directory.close();
    made = { directory, mainId: main.id, emptyId: empty.id, dbName, initial: await directorySnapshot(directory) };
  }
  const { directory, dbName } = made;
  return {
    values: { directory, mainId: made.mainId, emptyId: made.emptyId, dbName },
    target: directory,
    snapshot: () => directorySnapshot(directory),
    probe: () => probeDirectory(directory),
    dispose: async () => {
      if (directory.closed === closed && (await directorySnapshot(directory)) === made.initial) {
        pool.set(key, made);
        return;
      }
      directory.close();
      directory.free();
      if (storage !== 'memory') await deleteDatabase(dbName);
    },
  };
}

const DIRECTORY_FIXTURES = {
  /** In IndexedDB: 'main' (the corpus cells) and 'empty'. */
  directory: () => directoryFixture(),
  /** The same in memory. */
  memoryDirectory: () => directoryFixture({ storage: 'memory' }),
  /** Closed: every call rejects with STORE_CLOSED. */
  closedDirectory: () => directoryFixture({ closed: true }),
};

/** A fresh X6 graph in the page's container. */
function newGraph() {
  const container = document.getElementById('graph');
  container.innerHTML = '';
  return new window.X6.Graph({ container, width: 400, height: 300 });
}

/** A graph and an auto-saving state (not bound): the decision tree shows whether a failed
 * `bindGraph` left the editor context behind. */
async function graphFixture() {
  const graph = newGraph();
  const save = saver((calls) => ({ status: 'saved', version: calls }));
  const state = await plainState({ autosave: quietAutosave(save) });
  const base = stateFixture(state);
  const disposedState = await plainState();
  disposedState.dispose();
  const unbinds = [];
  return {
    ...base,
    values: { graph, state, disposedState },
    keep: (unbind) => unbinds.push(unbind),
    snapshot: () => `${snapshot(state, { full: true })}\n${JSON.stringify(graph.toJSON())}`,
    probe: async () => {
      const unbind = bindGraph(graph, state);
      unbinds.push(unbind);
      const id = unique('probe');
      graph.addNode({ id, shape: 'rect', x: 5, y: 5, width: 20, height: 20 });
      if (!state.cells().some((cell) => cell.id === id)) return 'a node added to the bound graph did not reach the state';
      const decision = state.markDirty('probe');
      if (decision.decision !== 'save') return `auto-save refuses after binding: ${decision.reason}`;
      return true;
    },
    dispose: async () => {
      for (const unbind of unbinds) if (typeof unbind === 'function') unbind();
      graph.dispose();
      disposedState.free();
      await base.dispose();
    },
  };
}

/** Nothing to start from (static entry points): the probe opens a fresh state. */
const noFixture = async () => ({
  values: {},
  target: null,
  snapshot: () => null,
  probe: probeFresh,
  dispose: async () => {},
});

/** Builds the fixture called `name`. */
export async function makeFixture(name) {
  const make = STATE_FIXTURES[name] ?? DIRECTORY_FIXTURES[name] ?? { graph: graphFixture, none: noFixture }[name];
  if (!make) throw new Error(`unknown fixture '${name}'`);
  return make();
}

