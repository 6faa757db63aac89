// One editor tab for tests/e2e/faults.test.mjs: a real X6 graph bound to a DiagramState that
// LocalDiagrams opened from IndexedDB, a fake server for auto-save that can be told to
// misbehave, and raw IndexedDB access to inject faults and read what was really stored.
import init, { LocalDiagrams } from '/pkg/diagram_state.js';
import { bindGraph } from '/pkg/x6.js';

await init();
const { Graph } = window.X6;
const dbName = new URLSearchParams(location.search).get('db');

let diagrams;
let state;
let graph;
/** What the user is shown: every `sync` and `save` event, and the directory's callbacks. */
const seen = { sync: [], save: [], versionChange: 0 };

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const settled = (status) => status.pendingSets === 0 && !status.committing;
const request = (target) => new Promise((done, fail) => {
  target.onsuccess = () => done(target.result);
  target.onerror = () => fail(target.error);
});

/**
 * The editor's server for auto-save, kept in localStorage so that it outlives the tab. A
 * request reaches it when the save callback is called (like `fetch(…, { keepalive: true })`);
 * the answer comes back after a round trip. `mode` makes it misbehave.
 */
const server = {
  mode: 'ok',
  roundTripMs: 20,
  calls: [],
  key: (id) => `faults:server:${dbName}:${id}`,
  /** The server's copy: `{ version, cells, cause }`, version 0 before the first save. */
  read(id) {
    return JSON.parse(localStorage.getItem(server.key(id)) ?? '{"version":0,"cells":null}');
  },
  save(saveRequest) {
    const { diagramId, baseVersion, cells, cause, attempt } = saveRequest;
    server.calls.push({ mode: server.mode, cause, attempt, baseVersion, at: Date.now() });
    switch (server.mode) {
      case 'hang': return new Promise(() => {});
      case 'throw': throw new Error('network down');
      case 'undefined': return undefined;
      case 'weird': return { status: 'weird' };
      case 'number': return 42;
      case 'reject-string': return Promise.reject('nope');
      case 'reject-object': return Promise.reject({ code: 503 });
      case 'down': return sleep(server.roundTripMs).then(() => ({ status: 'failed', retryable: true, message: '503 Service Unavailable' }));
      default: break;
    }
    const current = server.read(diagramId);
    let answer;
    if (current.version !== baseVersion) {
      answer = { status: 'conflict', serverVersion: current.version };
    } else {
      localStorage.setItem(server.key(diagramId), JSON.stringify({ version: baseVersion + 1, cells, cause }));
      answer = { status: 'saved', version: baseVersion + 1 };
    }
    return sleep(server.roundTripMs).then(() => answer);
  },
};

/** Raw IndexedDB: what is really stored, and faults written behind the package's back. */
const raw = {
  async connect() {
    return request(indexedDB.open(dbName));
  },
  /** The stored entry, cells (by id; unreadable ones as `{ unreadable: text }`) and op-log versions. */
  async read(id) {
    const db = await raw.connect();
    try {
      const tx = db.transaction(['diagrams', 'cells', 'oplog'], 'readonly');
      const range = IDBKeyRange.bound([id], [id, []]);
      const [entry, keys, values, oplogKeys] = await Promise.all([
        request(tx.objectStore('diagrams').get(id)),
        request(tx.objectStore('cells').getAllKeys(range)),
        request(tx.objectStore('cells').getAll(range)),
        request(tx.objectStore('oplog').getAllKeys(range)),
      ]);
      const cells = {};
      keys.forEach((key, index) => {
        try {
          cells[key[1]] = JSON.parse(values[index]).cell;
        } catch {
          cells[key[1]] = { unreadable: String(values[index]).slice(0, 80) };
        }
      });
      return { entry, cells, oplog: oplogKeys.map((key) => key[1]), idbVersion: db.version };
    } finally {
      db.close();
    }
  },
  /** Writes `value` as the cell record `[id, cellId]`, bypassing the package. */
  async putCell(id, cellId, value) {
    const db = await raw.connect();
    try {
      const tx = db.transaction('cells', 'readwrite');
      tx.objectStore('cells').put(value, [id, cellId]);
      await new Promise((done, fail) => { tx.oncomplete = done; tx.onabort = () => fail(tx.error); });
    } finally {
      db.close();
    }
  },
  /**
   * Makes the next `count` commits of the package fail with a QuotaExceededError, as a full
   * disk does: `how` = `'commit'` lets every write go out and aborts the transaction at
   * commit (what Chromium does when the quota is exceeded); `'put'` throws from the first
   * cell write, in the middle of the transaction.
   */
  failCommits(count, how = 'commit') {
    const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const isCommit = (tx) => tx.mode === 'readwrite' && tx.objectStoreNames.contains('oplog')
      && tx.objectStoreNames.contains('cells');
    let left = count;
    const { commit } = IDBTransaction.prototype;
    const { put } = IDBObjectStore.prototype;
    const restore = () => {
      IDBTransaction.prototype.commit = commit;
      IDBObjectStore.prototype.put = put;
    };
    if (how === 'commit') {
      IDBTransaction.prototype.commit = function commitOrFail() {
        if (!isCommit(this) || left === 0) return commit.call(this);
        left -= 1;
        if (left === 0) restore();
        const error = quota();
        Object.defineProperty(this, 'error', { get: () => error });
        return this.abort();
      };
    } else {
      IDBObjectStore.prototype.put = function putOrFail(...args) {
        if (this.name !== 'cells' || !isCommit(this.transaction) || left === 0) return put.apply(this, args);
        left -= 1;
        if (left === 0) restore();
        throw quota();
      };
    }
    raw.injected = () => count - left;
  },
  injected: () => 0,
  /**
   * Commits a version of diagram `id` that no tab hears of (as if its broadcast were lost),
   * with `oplogValue` as its op-log record: a tab then has to repair the gap, from the op
   * log or by reloading the diagram.
   */
  async unseenCommit(id, oplogValue) {
    const db = await raw.connect();
    try {
      const tx = db.transaction(['diagrams', 'oplog'], 'readwrite');
      const entries = tx.objectStore('diagrams');
      const entry = await request(entries.get(id));
      entry.version += 1;
      entries.put(entry);
      tx.objectStore('oplog').put(oplogValue, [id, entry.version]);
      await new Promise((done, fail) => { tx.oncomplete = done; tx.onabort = () => fail(tx.error); });
      return entry.version;
    } finally {
      db.close();
    }
  },
  /** Opens the database one version up, as a newer version of the app would, and closes it. */
  async upgrade() {
    const current = await raw.connect();
    const next = current.version + 1;
    current.close();
    const db = await request(indexedDB.open(dbName, next));
    db.close();
    return next;
  },
};

window.tab = {
  /** Creates a diagram with `count` nodes `n0…`; resolves to its id. */
  async create(count, storageType = 'local') {
    const cells = Array.from({ length: count }, (_, i) => ({
      id: `n${i}`, shape: 'rect', position: { x: 20 + (i % 5) * 110, y: 20 + Math.floor(i / 5) * 70 },
      size: { width: 90, height: 40 }, attrs: { text: { text: `n${i}` } }, data: {},
    }));
    return (await diagrams.create({ name: 'faults', storageType, cells })).id;
  },
  /**
   * Opens diagram `id` bound to a fresh X6 graph; `autosave` (settings without `save`)
   * turns on auto-save to the fake server. Rejects as `openDiagram` does, with `code`.
   */
  async open(id, autosave) {
    const options = {};
    if (autosave) options.autosave = { ...autosave, save: server.save, baseVersion: server.read(id).version };
    state = await diagrams.openDiagram(id, options);
    state.on('sync', (status) => seen.sync.push(status));
    state.on('save', (status) => seen.save.push(status));
    graph = new Graph({ container: document.getElementById('graph'), width: 600, height: 400 });
    bindGraph(graph, state);
    return state.syncStatus;
  },
  /** Sets `data/<key>` of each `[cellId, key, value]` through X6, in one batch. */
  edit(...edits) {
    graph.batchUpdate(() => {
      for (const [cellId, key, value] of edits) graph.getCellById(cellId).setData({ [key]: value });
    });
    return state.version;
  },
  /** Resolves to the committed version once every local change is committed to the store
   * (acknowledged); rejects with the status after `timeoutMs`. */
  async acknowledged(timeoutMs = 10000) {
    const start = performance.now();
    while (!settled(state.syncStatus)) {
      if (performance.now() - start > timeoutMs) throw new Error(`not acknowledged: ${JSON.stringify(state.syncStatus)}`);
      await sleep(5);
    }
    return state.syncStatus.committedVersion;
  },
  /** Like `open`, but resolves to `{ ok }` or to the error's `{ name, code, message, details }`. */
  async tryOpen(id, autosave) {
    try {
      return { ok: true, status: await window.tab.open(id, autosave) };
    } catch (error) {
      return { ok: false, name: error.name, code: error.code, message: error.message, details: error.details };
    }
  },
  /** The state's cells' data by id. */
  data() {
    return Object.fromEntries(state.cells().map((cell) => [cell.id, cell.data ?? {}]));
  },
  status: () => state.syncStatus,
  saveStatus: () => state.saveStatus,
  saveNow: () => state.saveNow(),
  seen: () => seen,
  closed: () => diagrams.closed,
};

window.server = {
  setMode(mode) {
    server.mode = mode;
  },
  calls: () => server.calls,
  read: (id) => server.read(id),
};
window.raw = raw;

/** Opens the directory again (after a fault closed it); rejects with the error's code. */
window.reopenDirectory = async () => {
  try {
    diagrams = await LocalDiagrams.open({ dbName, onVersionChange: () => { seen.versionChange += 1; } });
    return { ok: true };
  } catch (error) {
    return { ok: false, name: error.name, code: error.code, message: error.message };
  }
};

diagrams = await LocalDiagrams.open({ dbName, onVersionChange: () => { seen.versionChange += 1; } });
window.ready = true;
