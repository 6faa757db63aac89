// A page of the demo's origin that is no editor tab (served by harness.mjs
// `serveTestPagesOnDemoOrigin`): it listens on a diagram's BroadcastChannel
// (`diagram-state:<diagramId>`, src/platform/broadcast.rs), records the real messages the
// editor tabs post, and posts on the channel: recorded messages again with altered fields
// (a replayed or delayed message, a buggy or hostile tab), or a flood of `hello`/`here`
// messages from tab ids nobody owns. It also reads the store (IndexedDB) and the demo
// server's copy (localStorage) without the package, and can hold the store busy.
(() => {
  const channels = new Map();
  /** Every message seen: `{ at, diagramId, text, message }` (message: parsed, or null). */
  const seen = [];

  /** mulberry32: a seeded generator, so every random choice can be replayed. */
  function generator(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function channel(diagramId) {
    if (!channels.has(diagramId)) {
      const open = new BroadcastChannel(`diagram-state:${diagramId}`);
      open.onmessage = (event) => {
        let message = null;
        try {
          message = typeof event.data === 'string' ? JSON.parse(event.data) : null;
        } catch {
          message = null;
        }
        seen.push({ at: Date.now(), diagramId, text: event.data, message });
      };
      channels.set(diagramId, open);
    }
    return channels.get(diagramId);
  }

  const post = (diagramId, message) => channel(diagramId).postMessage(typeof message === 'string' ? message : JSON.stringify(message));

  window.replayer = {
    /** Starts listening on `diagramId`'s channel (before the tabs post what is to be recorded). */
    listen(diagramId) {
      channel(diagramId);
      return true;
    },
    /** The parsed messages seen on `diagramId`'s channel, optionally only of `type`. */
    messages(diagramId, type) {
      return seen
        .filter((entry) => entry.diagramId === diagramId && entry.message && (!type || entry.message.type === type))
        .map((entry) => ({ at: entry.at, ...entry.message }));
    },
    /** How many messages were seen so far (all channels). */
    count: () => seen.length,
    /** Posts `message` (an object or JSON text) on `diagramId`'s channel. */
    post(diagramId, message) {
      post(diagramId, message);
      return true;
    },
    /**
     * Re-posts recorded real messages with altered versions: `count` times, a recorded
     * `commit` chosen at random, with `version` = `base` + an offset in [lowest, highest]
     * (seeded). Returns what was posted, for the report.
     */
    storm(diagramId, { seed, count, base, lowest = -2, highest = 3, keepTabId = true }) {
      const random = generator(seed);
      const commits = this.messages(diagramId, 'commit').filter((m) => Array.isArray(m.changes));
      if (commits.length === 0) return [];
      const posted = [];
      for (let i = 0; i < count; i += 1) {
        const { at, ...original } = commits[Math.floor(random() * commits.length)];
        const version = Math.max(0, base + lowest + Math.floor(random() * (highest - lowest + 1)));
        const altered = { ...original, version };
        if (!keepTabId) altered.tabId = `ghost-${Math.floor(random() * 1e9).toString(36)}`;
        post(diagramId, altered);
        posted.push({ version, from: original.version, tabId: altered.tabId });
      }
      return posted;
    },
    /** Posts `count` `hello`/`here` messages (seeded mix) from fresh tab ids at `version`. */
    flood(diagramId, { seed, count, version }) {
      const random = generator(seed);
      const ids = [];
      for (let i = 0; i < count; i += 1) {
        const tabId = `flood-${seed}-${i}-${Math.floor(random() * 1e9).toString(36)}`;
        ids.push(tabId);
        post(diagramId, { protocol: 1, diagramId, tabId, version, type: random() < 0.5 ? 'hello' : 'here' });
      }
      return { first: ids[0], last: ids.at(-1), at: Date.now() };
    },
    /** The demo server's copy of a diagram (www/src/editor/demoServer.js keeps it here). */
    server(diagramId) {
      try {
        return JSON.parse(localStorage.getItem(`diagram-state-demo:server:${diagramId}`)) ?? { version: 0, cells: null };
      } catch {
        return { version: 0, cells: null };
      }
    },
    /** Writes a newer server copy, as another client saving to the server would. */
    writeServer(diagramId, copy) {
      localStorage.setItem(`diagram-state-demo:server:${diagramId}`, JSON.stringify(copy));
      return true;
    },
    /** Holds a readwrite transaction on the demo's database for `ms`, so commits made
     * meanwhile queue behind it and land one right after the other. Resolves when done;
     * `window.replayerHolding` is true while the transaction is held. */
    holdStore(ms, name = 'diagram-state') {
      return new Promise((release, fail) => {
        const open = indexedDB.open(name);
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const database = open.result;
          const tx = database.transaction(['diagrams', 'cells', 'oplog'], 'readwrite');
          window.replayerHolding = true;
          const until = performance.now() + ms;
          const keepBusy = () => {
            if (performance.now() < until) tx.objectStore('diagrams').count().onsuccess = keepBusy;
          };
          keepBusy();
          tx.oncomplete = () => {
            window.replayerHolding = false;
            database.close();
            release(true);
          };
        };
      });
    },
  };
  window.replayerReady = true;
})();
