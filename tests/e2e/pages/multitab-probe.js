// The multi-tab tests' probe inside each tab of the demo editor (tests/e2e/multitab.test.mjs
// and scripts/soak.mjs inject it with `context.addInitScript`, so it runs before the app).
// It reaches the state through the demo's debug handle `window.diagramDemo` (its setter
// installs the listeners the moment the canvas is bound, before any change can come in)
// and keeps, per tab:
//
// - every auto-save status (`save` events) and every `sync` status, with the time;
// - every `conflict` event (conflicts with other tabs);
// - every write of the demo server's copy made by this tab (demoServer.js keeps it in
//   localStorage under `diagram-state-demo:server:<id>`): the saves that reached the server;
// - every time the conflict dialog appeared, with its text.
//
// Nothing here changes what the demo does.
(() => {
  const SERVER_KEY = 'diagram-state-demo:server:';
  const log = {
    saves: [], // { at, diagramId, status }
    syncs: [], // { at, diagramId, peers, committedVersion, leader, resyncs, conflicts }
    conflicts: [], // { at, diagramId, conflict }
    serverWrites: [], // { at, diagramId, version, external }
    dialogs: [], // { at, text }
    notices: [], // { at, text } of [data-testid="replaced-notice"]
    maxPeers: 0,
  };
  let external = false;

  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function setItemLogged(key, value) {
    if (this === window.localStorage && typeof key === 'string' && key.startsWith(SERVER_KEY)) {
      let version = null;
      try {
        version = JSON.parse(value)?.version ?? null;
      } catch {
        version = null;
      }
      log.serverWrites.push({ at: Date.now(), diagramId: key.slice(SERVER_KEY.length), version, external });
    }
    return setItem.call(this, key, value);
  };

  let demo = null;
  function install(handle) {
    demo = handle;
    if (!handle) return;
    const { state } = handle;
    const diagramId = state.diagramId;
    state.on('save', (status) => log.saves.push({ at: Date.now(), diagramId, status }));
    state.on('sync', (status) => {
      log.maxPeers = Math.max(log.maxPeers, status.peers);
      log.syncs.push({
        at: Date.now(), diagramId, peers: status.peers, committedVersion: status.committedVersion,
        leader: status.leader, resyncs: status.resyncs, conflicts: status.conflicts,
      });
      if (log.syncs.length > 5000) log.syncs.splice(0, 1000);
    });
    state.on('conflict', (conflict) => log.conflicts.push({ at: Date.now(), diagramId, conflict }));
  }
  let current = null;
  Object.defineProperty(window, 'diagramDemo', {
    configurable: true,
    get: () => current,
    set(handle) {
      current = handle;
      install(handle);
    },
  });

  // The conflict dialog and the "replaced" notice, each time one appears.
  const watch = () => {
    const seenNow = new Set();
    const observer = new MutationObserver(() => {
      for (const [testid, list] of [['conflict-dialog', log.dialogs], ['replaced-notice', log.notices]]) {
        const element = document.querySelector(`[data-testid="${testid}"]`);
        if (element && !seenNow.has(element)) {
          seenNow.add(element);
          list.push({ at: Date.now(), text: element.textContent });
        }
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
  else watch();

  const settledSync = (status) => Boolean(status) && status.pendingSets === 0 && !status.committing && status.error === null;
  const get = (value, path) => path.split('/').reduce((node, key) => (node == null ? undefined : node[key]), value);

  window.e2e = {
    log,
    /** Whether the demo has its diagram open and bound to the graph. */
    ready: () => Boolean(demo && !demo.state.disposed && demo.state.syncStatus),
    diagramId: () => demo?.state.diagramId ?? null,
    /** Every local change is committed to IndexedDB (the edit is acknowledged). */
    acknowledged: () => Boolean(demo) && !demo.state.disposed && settledSync(demo.state.syncStatus),
    /** What the tests compare: cells, sync and save status, and the status bar's text. */
    snapshot() {
      const { state } = demo;
      const text = (testid) => document.querySelector(`[data-testid="${testid}"]`)?.textContent ?? null;
      return {
        diagramId: state.diagramId,
        cells: state.cells(),
        sync: state.syncStatus,
        save: state.saveStatus,
        saveText: text('save-status'),
        syncText: text('sync-status'),
        dialog: text('conflict-dialog'),
        notice: text('replaced-notice'),
      };
    },
    /** The value at `path` (`attrs/text/text`, `position/x`) of cell `id` in the state. */
    value(id, path) {
      return get(demo.state.cells().find((cell) => cell.id === id), path);
    },
    /** Sets a node's label as the demo's label editor does (www/src/editor/graph.js). */
    rename(id, text) {
      demo.graph.getCellById(id).attr('text/text', text);
      return true;
    },
    /** Moves a node, as a drag ends. */
    move(id, x, y) {
      demo.graph.getCellById(id).position(x, y);
      return true;
    },
    /** Writes the server's copy as another client would (not counted as this tab's save). */
    writeServer(diagramId, copy) {
      external = true;
      try {
        localStorage.setItem(SERVER_KEY + diagramId, JSON.stringify(copy));
      } finally {
        external = false;
      }
      return true;
    },
    server(diagramId) {
      try {
        return JSON.parse(localStorage.getItem(SERVER_KEY + diagramId)) ?? { version: 0, cells: null };
      } catch {
        return { version: 0, cells: null };
      }
    },
  };
})();
