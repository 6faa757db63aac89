// The soak's probe inside one tab of the demo editor (scripts/soak.mjs injects it with
// `addInitScript`, so it runs before the app). It reaches the graph and the state through
// the demo's debug handle `window.diagramDemo` and exposes `window.soak`:
//
// - edits made the way the editor makes them (the X6 calls of its palette, label editor,
//   delete key and toolbar), each measured as the semantic difference of the graph before
//   and after it;
// - `begin()`/`end()` around edits the soak makes with real mouse and keyboard input, with
//   the changes other tabs bring in meanwhile kept out of the edit;
// - `ack()`: waits until the library reports every local change committed to IndexedDB,
//   and says which of the edit's cells a reported conflict gave to another tab;
// - snapshots of the state and the graph for the convergence check;
// - for Public diagrams: the auto-save status, whether this tab leads, and the demo
//   server's copy (projected the same way).
//
// "Semantic" is the library's own filter (`state.classifyPaths`): visual-only paths such
// as port visibility, selection glows and tools are never stored, so they are left out.
(() => {
  /** Where the handle and the listeners are. */
  let demo = null;
  /** Path → whether it is semantic, from `state.classifyPaths` (paths repeat a lot). */
  const semanticPaths = new Map();
  /** The edit being measured: `{ start, writes }` (see `begin`). */
  let measuring = null;
  /** The edit waiting for its acknowledgement: `{ conflicts }`. */
  let awaiting = null;
  /** The graph just before the adapter applied changes from elsewhere. */
  let beforeApply = null;
  const counters = { fromTabs: 0, conflicts: 0, conflictKinds: {} };

  /** The editor's look of a new flow (www/src/editor/shapes.js `flowStyle`). */
  const FLOW = {
    attrs: { line: { stroke: '#334155', strokeWidth: 1.5, targetMarker: { name: 'block', width: 10, height: 7 } } },
    labels: [],
  };
  /** The editor's ports of a new element (www/src/editor/shapes.js `ports`). */
  const PORT = {
    attrs: { circle: { r: 5, magnet: true, stroke: '#64748b', strokeWidth: 1, fill: '#fff', style: { visibility: 'hidden' } } },
  };
  const PORTS = {
    groups: Object.fromEntries(['top', 'right', 'bottom', 'left'].map((side) => [side, { position: side, ...PORT }])),
    items: ['top', 'right', 'bottom', 'left'].map((side) => ({ id: side, group: side })),
  };
  /** The palette (www/src/editor/shapes.js `palette`). */
  const KINDS = [
    { shape: 'dfd-process', title: 'Process', width: 120, height: 120 },
    { shape: 'dfd-store', title: 'Data store', width: 150, height: 56 },
    { shape: 'dfd-actor', title: 'External entity', width: 140, height: 64 },
    { shape: 'dfd-boundary', title: 'Trust boundary', width: 320, height: 220 },
  ];

  /** Leaf paths of a JSON value: `{ 'position/x': '10', … }` (values as JSON text; empty
   * objects and arrays are leaves too). */
  function flatten(value, prefix, into) {
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 0) into[prefix] = JSON.stringify(value);
      for (const key of keys) flatten(value[key], prefix ? `${prefix}/${key}` : key, into);
    } else if (value !== undefined) {
      into[prefix] = JSON.stringify(value);
    }
    return into;
  }

  /** Keeps the semantic paths of a flattened cell. */
  function semantic(state, flat) {
    const unknown = Object.keys(flat).filter((path) => !semanticPaths.has(path));
    if (unknown.length > 0) {
      for (const verdict of state.classifyPaths(unknown)) {
        semanticPaths.set(verdict.path, verdict.significance === 'semantic');
      }
    }
    return Object.fromEntries(Object.entries(flat).filter(([path]) => semanticPaths.get(path)));
  }

  /** cell id → its semantic leaf paths, for a list of cell JSON. */
  function project(state, cells) {
    return Object.fromEntries(cells.map((cell) => [cell.id, semantic(state, flatten(cell, '', {}))]));
  }

  const graphNow = () => project(demo.state, demo.graph.toJSON().cells);

  /** Adds to `writes` what changed from `before` to `after` (later writes replace earlier
   * ones of the same cell or path). A write is `{ op: 'add', cell, paths }`,
   * `{ op: 'remove', cell }` or `{ op: 'set', cell, path, value }` (`value` absent: the
   * path was removed). */
  function addDiff(writes, before, after) {
    for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const was = before[id];
      const now = after[id];
      if (was && now) {
        for (const path of new Set([...Object.keys(was), ...Object.keys(now)])) {
          if (was[path] === now[path]) continue;
          const added = writes.get(id);
          if (added?.op === 'add') {
            if (path in now) added.paths[path] = now[path];
            else delete added.paths[path];
          } else {
            const write = { op: 'set', cell: id, path };
            if (path in now) write.value = now[path];
            writes.set(`${id}\u0000${path}`, write);
          }
        }
        continue;
      }
      for (const key of [...writes.keys()]) if (key === id || key.startsWith(`${id}\u0000`)) writes.delete(key);
      writes.set(id, now ? { op: 'add', cell: id, paths: { ...now } } : { op: 'remove', cell: id });
    }
  }

  function install(handle) {
    demo = handle;
    if (!handle) return;
    const { graph, state } = handle;
    // The adapter applies changes from elsewhere inside a `diagram-state` batch: remember
    // the graph just before, so that an edit being measured keeps only its own part.
    graph.on('batch:start', ({ name }) => {
      if (name === 'diagram-state' && measuring) beforeApply = graphNow();
    });
    // This listener runs after the adapter's (registered first), so the graph already
    // holds the changes. Undo/redo (`history`) belong to the edit being measured.
    state.on('change', ({ origin }) => {
      if (origin === 'local' || origin === 'history') return;
      counters.fromTabs += 1;
      if (measuring && beforeApply) {
        addDiff(measuring.writes, measuring.from, beforeApply);
        measuring.from = graphNow();
      }
      beforeApply = null;
    });
    state.on('conflict', (conflict) => {
      counters.conflicts += 1;
      counters.conflictKinds[`${conflict.kind}/${conflict.resolution}`] = (counters.conflictKinds[`${conflict.kind}/${conflict.resolution}`] ?? 0) + 1;
      awaiting?.conflicts.push(conflict);
    });
  }

  // The demo sets `window.diagramDemo` when its canvas is bound (and null when unbound):
  // the setter installs the listeners at once, before any change can come in.
  let current = null;
  Object.defineProperty(window, 'diagramDemo', {
    configurable: true,
    get: () => current,
    set(handle) {
      current = handle;
      install(handle);
    },
  });

  const pick = (list, r) => list[Math.min(list.length - 1, Math.floor(r * list.length))];
  const nodes = () => demo.graph.getNodes();

  /** The edits, each one call of the editor's own X6 (or toolbar) code path. `r` are
   * random numbers in [0, 1) from the soak. Returns a description, or null when the edit
   * does not apply (nothing to move, nothing to redo…). */
  const EDITS = {
    addNode(r, label) {
      const kind = pick(KINDS, r[0]);
      // As the palette's addElement (www/src/App.jsx), at a random place.
      demo.graph.addNode({
        shape: kind.shape, x: Math.round(r[1] * 900), y: Math.round(r[2] * 600), width: kind.width, height: kind.height,
        zIndex: kind.shape === 'dfd-boundary' ? -1 : 1, label,
        ...(kind.shape === 'dfd-boundary' ? {} : { ports: structuredClone(PORTS) }),
      });
      return kind.shape;
    },
    palette(r) {
      // The palette button itself (a click runs the editor's addElement synchronously).
      const kind = pick(KINDS, r[0]);
      document.querySelector(`[data-testid="add-${kind.shape}"]`).click();
      return kind.shape;
    },
    move(r) {
      const list = nodes();
      if (list.length === 0) return null;
      const node = pick(list, r[0]);
      // Never where it already is, so that every move changes the diagram.
      const { x } = node.position();
      const to = 20 + Math.round(r[1] * 880);
      node.position(to === x ? to + 7 : to, 20 + Math.round(r[2] * 580));
      return node.id;
    },
    rename(r, label) {
      const cells = demo.graph.getCells();
      if (cells.length === 0) return null;
      const cell = pick(cells, r[0]);
      // As the label editor's setText (www/src/editor/graph.js).
      if (cell.isNode()) cell.attr('text/text', label);
      else if ((cell.getLabels() ?? []).length === 0) cell.appendLabel({ attrs: { label: { text: label } } });
      else cell.prop('labels/0/attrs/label/text', label);
      return cell.id;
    },
    addEdge(r) {
      const list = nodes();
      if (list.length < 2) return null;
      const source = pick(list, r[0]);
      const target = pick(list.filter((node) => node !== source), r[1]);
      const end = (node, port) => (node.getPorts().length > 0 ? { cell: node.id, port } : { cell: node.id });
      // As the editor's connecting.createEdge: the flow look, between two ports.
      demo.graph.addEdge({ shape: 'edge', ...structuredClone(FLOW), source: end(source, 'right'), target: end(target, 'left') });
      return `${source.id}->${target.id}`;
    },
    remove(r) {
      const cells = demo.graph.getCells();
      if (cells.length === 0) return null;
      const cell = pick(cells, r[0]);
      // As deleteSelection (www/src/editor/graph.js) with this cell selected.
      demo.graph.removeCells([cell]);
      return cell.id;
    },
    undo() {
      // The toolbar button (runs `view.undo`, i.e. `state.undo()`, synchronously).
      document.querySelector('[data-testid="undo"]').click();
      return 'undo';
    },
    redo() {
      document.querySelector('[data-testid="redo"]').click();
      return 'redo';
    },
  };

  const settled = () => {
    const status = demo?.state.syncStatus;
    return Boolean(status) && status.pendingSets === 0 && !status.committing && status.error === null;
  };

  window.soak = {
    /** Whether the demo has its diagram open and bound to the graph. */
    ready: () => Boolean(demo && !demo.state.disposed && demo.state.syncStatus),
    /** Starts measuring an edit. */
    begin() {
      const now = graphNow();
      measuring = { from: now, writes: new Map() };
      awaiting = { conflicts: [] };
    },
    /** Stops measuring: the edit's writes (its own changes only). */
    end() {
      if (!measuring) return [];
      addDiff(measuring.writes, measuring.from, graphNow());
      const writes = [...measuring.writes.values()];
      measuring = null;
      beforeApply = null;
      return writes;
    },
    /** Makes one edit of `kind` and returns `{ what, writes }`. */
    edit(kind, r, label) {
      this.begin();
      let what = null;
      let error = null;
      try {
        what = EDITS[kind](r, label);
      } catch (failure) {
        error = String(failure?.stack ?? failure);
      }
      return { what, writes: this.end(), error };
    },
    /** Waits until every local change is committed to IndexedDB (pending 0, not committing,
     * no commit error): `{ acked, conflicts, status }`. */
    async ack(timeoutMs) {
      const start = performance.now();
      while (!settled()) {
        if (performance.now() - start > timeoutMs) {
          return { acked: false, conflicts: awaiting?.conflicts ?? [], status: demo?.state.syncStatus ?? null };
        }
        await new Promise((done) => setTimeout(done, 5));
      }
      const conflicts = awaiting?.conflicts ?? [];
      awaiting = null;
      return { acked: true, conflicts, status: demo.state.syncStatus };
    },
    /** The centre of a random cell's drawing (for mouse input), or null. */
    target(r, nodesOnly) {
      const cells = nodesOnly ? nodes() : demo.graph.getCells();
      const visible = cells
        .map((cell) => [cell, document.querySelector(`.x6-graph-svg g[data-cell-id="${cell.id}"]`)?.getBoundingClientRect()])
        .filter(([, box]) => box && box.width > 4 && box.x > 200 && box.y > 60 && box.right < innerWidth - 280 && box.bottom < innerHeight - 40);
      if (visible.length === 0) return null;
      const [cell, box] = pick(visible, r);
      return { id: cell.id, x: box.x + box.width / 2, y: box.y + box.height / 2 };
    },
    /** The state's cells, both projections, the sync status and the counters. */
    snapshot() {
      const { state } = demo;
      const cells = state.cells();
      return {
        cells,
        state: project(state, cells),
        graph: graphNow(),
        status: state.syncStatus,
        history: state.historyState,
        counters,
      };
    },
    counters: () => counters,
    /** The open diagram's id. */
    diagramId: () => demo?.state.diagramId ?? null,
    /** Whether this tab is the one that saves to the server (Public/Private diagrams). */
    leader: () => Boolean(demo?.state.syncStatus?.leader),
    /** The auto-save status (`null` for a local diagram) and the sync status. */
    status: () => ({ save: demo?.state.saveStatus ?? null, sync: demo?.state.syncStatus ?? null }),
    /** The demo server's copy of the open diagram (www/src/editor/demoServer.js keeps it
     * in localStorage), with its cells projected like `snapshot().state`. */
    server() {
      let copy = { version: 0, cells: null };
      try {
        copy = JSON.parse(localStorage.getItem(`diagram-state-demo:server:${demo.state.diagramId}`)) ?? copy;
      } catch {
        // an unreadable copy counts as none
      }
      return { version: copy.version, cells: copy.cells, state: project(demo.state, copy.cells ?? []) };
    },
  };
})();
