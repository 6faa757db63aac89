// The idb suite's page: diagram-state's IndexedDB store through its public API
// (`LocalDiagrams`, `openDiagram`, `handleEvent`) against plain IndexedDB calls on the same
// layout and records (idb-raw.js). Each `window.bench` measurement does one operation and
// returns its duration in ms; clean-up happens after the clock stops.
import init, { LocalDiagrams } from '/pkg/diagram_state.js';
import { makeDiagram } from './data.js';
import * as raw from './idb-raw.js';
import { followCommits } from './idb-settle.js';

const tag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const DS_DB = `bench-idb-ds-${tag}`;
const RAW_DB = `bench-idb-raw-${tag}`;
const RAW_ID = 'raw-base';

let diagrams; // LocalDiagrams on DS_DB
let rawDb; // IDBDatabase RAW_DB
let cells; // the document's cells
let baseId; // diagram-state's stored copy of the document
let editing; // { state, commits, version, cells, edits } for commit-one
let rawEditing; // { version, cells, edits } for the raw commit
let nodeCount;

const now = () => performance.now();

/**
 * The next single-cell edit of `side` (`{ cells, edits }`): node `edits % nodes` moved right,
 * the same sequence for both systems.
 */
function nextMove(side) {
  const index = side.edits % nodeCount;
  side.edits += 1;
  const cell = side.cells[index];
  const previous = { ...cell.position };
  cell.position = { x: previous.x + 7, y: previous.y };
  return { index, cell, previous, current: { ...cell.position } };
}

window.bench = {
  /** Creates both databases and the stored 10,000-cell diagram each side loads and edits. */
  async setup({ nodes, edges, seed }) {
    cells = makeDiagram({ nodes, edges, seed });
    nodeCount = nodes;
    diagrams = await LocalDiagrams.open({ dbName: DS_DB });
    baseId = (await diagrams.importDocument({ cells }, { name: 'bench base' })).id;
    rawDb = await raw.openRaw(RAW_DB);
    // The raw peer gets diagram-state's own records, byte for byte.
    const dsDb = await raw.settled(indexedDB.open(DS_DB));
    const copied = await raw.copyDiagram(dsDb, baseId, rawDb, RAW_ID);
    dsDb.close();
    const state = await diagrams.openDiagram(baseId);
    const version = state.syncStatus.committedVersion;
    editing = { state, commits: followCommits(state), version, cells: structuredClone(cells), edits: 0 };
    rawEditing = { version: copied.entry.version, cells: structuredClone(cells), edits: 0 };
    return { cells: cells.length, copied: copied.count, bytes: JSON.stringify({ cells }).length, isolated: crossOriginIsolated };
  },

  /** diagram-state: `importDocument` of the whole document until its entry resolves. */
  async dsFirstSave() {
    const start = now();
    const entry = await diagrams.importDocument({ cells }, { name: 'bench first save' });
    const ms = now() - start;
    await diagrams.delete(entry.id);
    return ms;
  },

  /** Raw: the entry and every record (texts built from the cells) in one transaction. */
  async rawFirstSave() {
    const id = `raw-${Math.random().toString(36).slice(2)}`;
    const start = now();
    await raw.saveNew(rawDb, raw.newEntry(id, 'bench first save', cells.length), cells);
    const ms = now() - start;
    await raw.deleteDiagram(rawDb, id);
    return ms;
  },

  /** diagram-state: `openDiagram` of the stored diagram until the state resolves. */
  async dsLoad() {
    const start = now();
    const state = await diagrams.openDiagram(baseId);
    const ms = now() - start;
    const count = state.cells().length;
    state.dispose();
    state.free();
    if (count !== cells.length) throw new Error(`dsLoad: ${count} cells instead of ${cells.length}`);
    return ms;
  },

  /** diagram-state: `exportDocument` (load plus the document as JS objects), for reference. */
  async dsExport() {
    const start = now();
    const document = await diagrams.exportDocument(baseId);
    const ms = now() - start;
    if (document.cells.length !== cells.length) throw new Error('dsExport: wrong cell count');
    return ms;
  },

  /** Raw: entry get and one `getAll` over the diagram's range, each record parsed. */
  async rawLoad() {
    const start = now();
    const { records } = await raw.load(rawDb, RAW_ID);
    const ms = now() - start;
    if (records.length !== cells.length) throw new Error(`rawLoad: ${records.length} records`);
    return ms;
  },

  /** Raw without parsing: the same transaction, records left as text (the bare range read). */
  async rawGetAll() {
    const start = now();
    const tx = rawDb.transaction(['diagrams', 'cells'], 'readonly');
    const [, texts] = await Promise.all([
      raw.settled(tx.objectStore('diagrams').get(RAW_ID)),
      raw.settled(tx.objectStore('cells').getAll(raw.wholeDiagram(RAW_ID))),
    ]);
    const ms = now() - start;
    if (texts.length !== cells.length) throw new Error('rawGetAll: wrong record count');
    return ms;
  },

  /**
   * diagram-state: one node moved through `handleEvent` (two leaf paths of one cell) until
   * the `sync` event reports it committed (the IndexedDB transaction complete).
   */
  async dsCommit() {
    const { state, commits } = editing;
    const move = nextMove(editing);
    const target = editing.version + 1;
    const committed = commits.until(target);
    const start = now();
    const outcome = state.handleEvent(
      { type: 'changed', id: move.cell.id, key: 'position', previous: move.previous, current: move.current },
      undefined,
    );
    const end = await committed;
    if (outcome.applied.length === 0) throw new Error('dsCommit: the move was not applied');
    editing.version = target;
    return end - start;
  },

  /** Raw: the moved cell's record and the version bump in one readwrite transaction. */
  async rawCommit() {
    const move = nextMove(rawEditing);
    const start = now();
    rawEditing.version = await raw.commitCell(rawDb, RAW_ID, rawEditing.version, move.index, move.cell);
    return now() - start;
  },

  /** Raw, shaped like diagram-state's commit (op log and compaction included), for reference. */
  async rawCommitFull() {
    const move = nextMove(rawEditing);
    const changes = [{ type: 'update', id: move.cell.id, path: 'position/x', before: move.previous.x, after: move.current.x }];
    const start = now();
    rawEditing.version = await raw.commitWithOplog(rawDb, RAW_ID, rawEditing.version, move.index, move.cell, changes);
    return now() - start;
  },

  /** Closes everything and deletes both databases. */
  async teardown() {
    editing?.commits.stop();
    editing?.state.dispose();
    diagrams?.close();
    rawDb?.close();
    return { deleted: [await raw.deleteDatabase(DS_DB), await raw.deleteDatabase(RAW_DB)] };
  },
};

try {
  await init();
  window.benchReady = true;
} catch (error) {
  window.benchError = String(error?.stack ?? error);
}
