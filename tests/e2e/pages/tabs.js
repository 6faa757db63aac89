// One editor tab for tests/e2e/tabs.test.mjs: a real X6 graph bound to a DiagramState that
// LocalDiagrams opened from IndexedDB; several such pages edit the same diagram at once.
import init, { LocalDiagrams } from '/pkg/diagram_state.js';
import { bindGraph } from '/pkg/x6.js';

await init();
const { Graph } = window.X6;
const params = new URLSearchParams(location.search);
const dbName = params.get('db');
const policy = params.get('policy') ?? 'laterWins';

let diagrams;
let state;
let graph;

const settled = () => {
  const status = state.syncStatus;
  return status.pendingSets === 0 && !status.committing;
};

window.tab = {
  /** Creates the shared diagram with `count` nodes; resolves to its id. */
  async create(count) {
    const cells = Array.from({ length: count }, (_, i) => ({
      id: `n${i}`, shape: 'rect', position: { x: 20 + (i % 5) * 110, y: 20 + Math.floor(i / 5) * 70 },
      size: { width: 90, height: 40 }, attrs: { text: { text: `n${i}` } }, data: {},
    }));
    const entry = await diagrams.create({ name: 'shared', cells });
    return entry.id;
  },
  /** Opens the diagram in this tab, bound to a fresh X6 graph. */
  async open(id) {
    state = await diagrams.openDiagram(id, { conflictPolicy: policy });
    graph = new Graph({ container: document.getElementById('graph'), width: 600, height: 400 });
    bindGraph(graph, state);
    return state.syncStatus;
  },
  /** Sets `data/<key>` of node `id` through X6, as an editor's property panel would. */
  setData(id, key, value) {
    graph.getCellById(id).setData({ [key]: value });
  },
  /** Resolves once every local change is committed to the store (acknowledged). */
  async acknowledged(timeoutMs = 10000) {
    const start = performance.now();
    while (!settled()) {
      if (performance.now() - start > timeoutMs) throw new Error(`not acknowledged: ${JSON.stringify(state.syncStatus)}`);
      await new Promise((done) => setTimeout(done, 5));
    }
    return state.syncStatus.committedVersion;
  },
  /** The state's cells and the graph's, data only, by id. */
  snapshot() {
    const pick = (cells) => Object.fromEntries(cells.map((cell) => [cell.id, cell.data ?? {}]));
    return { state: pick(state.cells()), graph: pick(graph.toJSON().cells), status: state.syncStatus };
  },
  status: () => state.syncStatus,
  conflicts: () => state.conflicts,
  resolve: (index, choice) => state.resolveTabConflict(index, choice),
  undo: () => state.undo(),
};

diagrams = await LocalDiagrams.open({ dbName });
window.ready = true;
