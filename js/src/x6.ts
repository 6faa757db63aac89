/**
 * The X6 adapter of diagram-state: `bindGraph(graph, state)` forwards X6 model events to a
 * `DiagramState` and applies the state's own changes (undo/redo, other tabs,
 * collaborators) back to the graph. It replaces X6's History plugin.
 *
 * ```ts
 * import init, { DiagramState } from 'diagram-state';
 * import { bindGraph } from 'diagram-state/x6';
 * await init();
 * const state = await DiagramState.open({ diagramId: 'd1' });
 * const unbind = bindGraph(graph, state, { keyboard: true });
 * state.undo(); // the graph follows
 * ```
 * @module
 */
import type { Cell as X6Cell, Graph } from '@antv/x6';
import type { Cell, CellEvent, Change, DiagramState, EventOptions } from './diagram_state.js';

/** Options of {@link bindGraph}. */
export interface BindGraphOptions {
  /**
   * Where the diagram starts from: `'state'` (default) replaces the graph's cells with the
   * state's (the state was opened from storage); `'graph'` keeps the graph as it is and
   * expects the state to hold the same cells already.
   */
  initial?: 'state' | 'graph';
  /**
   * Undo/redo keyboard shortcuts: Ctrl/⌘+Z undoes, Ctrl/⌘+Shift+Z and Ctrl+Y redo, unless
   * the focus is in a text field. Off by default.
   */
  keyboard?: boolean;
  /** Called when the state refuses an event (a bug in the editor or X6); default `console.error`. */
  onError?: (error: unknown, event: CellEvent) => void;
}

/** The option an editor may pass to an X6 call to override the visual filter, e.g.
 * `cell.attr('body/stroke', '#f00', { significance: 'semantic' })` for a stroke set in a
 * property panel. */
export type SignificanceOption = { significance?: 'semantic' | 'visual' };

/** X6 event payloads, as far as the adapter reads them. */
interface CellArgs { cell: X6Cell; options?: SignificanceOption }
interface ChangeArgs extends CellArgs { key: string; previous?: unknown; current?: unknown }
/** The options X6 sets for `cell.attr()` and `setPropByPath`. */
interface PathOptions { propertyPath?: unknown }

/**
 * Binds `graph` to `state` and returns a function that unbinds them.
 *
 * - `cell:added`, `cell:removed` and `cell:change:*` go to `state.handleEvent`, except a
 *   change whose leaf X6 names in `options.propertyPath` (`cell.attr()`,
 *   `setPropByPath`), which goes to `state.handleProperty` with that leaf alone;
 *   visual-only paths such as selection highlights and port visibility are filtered there;
 * - `batch:start`/`batch:stop` become `state.beginBatch()`/`state.endBatch()`, so one drag
 *   of several nodes is one undo entry;
 * - `graph.fromJSON()` / `graph.resetCells()` after binding (X6 raises no cell events for
 *   them) are recorded as one edit: the difference between the state and the new cells,
 *   one undo entry, saved and synced like any other;
 * - every change set the state applies that did not come from this graph (undo, redo,
 *   another tab, `applyChanges`, a refresh, a kept-mine conflict) is applied to the
 *   graph, each touched property of a cell set once, inside one `batchUpdate` when it
 *   touches more than one leaf; the events this raises are not forwarded back. Events
 *   given to `state.handleEvent`/`handleProperty` directly are taken to be in the graph
 *   already.
 *
 * Throws a `DiagramStateError` with code `INVALID_ARGUMENT` when `graph` is not an X6
 * Graph, `state` not a `DiagramState` or an option is unknown or mistyped, and `DISPOSED`
 * for a disposed state; nothing is bound then.
 */
export function bindGraph(graph: Graph, state: DiagramState, options?: BindGraphOptions | null): () => void {
  // Everything is checked before anything is touched: a refused call changes nothing.
  options = checkedOptions(graph, state, options);
  const onError = options.onError ?? ((error: unknown, event: CellEvent) =>
    console.error('diagram-state: the state refused an X6 event', event, error));
  // `applying`: the adapter is writing the state's changes into the graph, so the graph's
  // events are echoes. `forwarding`: the state is handling a graph event, so the changes it
  // announces are already in the graph.
  let applying = false;
  let forwarding = false;

  const forward = (event: CellEvent, x6Options?: SignificanceOption) => {
    if (applying) return;
    const eventOptions: EventOptions = {};
    const significance = x6Options?.significance;
    if (significance === 'semantic' || significance === 'visual') eventOptions.significance = significance;
    forwarding = true;
    try {
      state.handleEvent(event, eventOptions);
    } catch (error) {
      onError(error, event);
    } finally {
      forwarding = false;
    }
  };

  // A property change goes to `handleProperty`: the changed leaf when X6 names it
  // (`options.propertyPath`, set by `cell.attr()` and `setPropByPath`), the whole key
  // otherwise; the state diffs it against its own copy, so X6's `previous` is not needed.
  const reportProperty = (id: string, path: string, value: unknown, x6Options?: SignificanceOption) => {
    if (applying) return;
    const significance = x6Options?.significance;
    forwarding = true;
    try {
      state.handleProperty(id, path, value,
        significance === 'semantic' || significance === 'visual' ? significance : undefined);
    } catch (error) {
      const event: CellEvent = { type: 'changed', id, key: path };
      if (value !== undefined) event.current = value;
      onError(error, event);
    } finally {
      forwarding = false;
    }
  };

  const onAdded = ({ cell, options: x6Options }: CellArgs) =>
    forward({ type: 'added', cell: cell.toJSON() as Cell }, x6Options);
  // `graph.removeCell(node)` removes the node's edges first, outside any X6 batch; the
  // adapter groups them with the node so that one deletion is one undo entry.
  let cascadeOf: string | null = null;
  const closeCascade = () => {
    if (cascadeOf === null) return;
    cascadeOf = null;
    onBatchStop();
  };
  const onRemoved = ({ cell, options: x6Options }: CellArgs) => {
    if (applying) return;
    if (cascadeOf === null && cell.isEdge()) {
      const gone = [cell.getSourceCellId(), cell.getTargetCellId()].find(
        (id) => id != null && !graph.getCellById(id),
      );
      if (gone != null) {
        cascadeOf = String(gone);
        onBatchStart();
        // X6 removes the node in the same task; never leave the batch open if it doesn't.
        queueMicrotask(closeCascade);
      }
    }
    forward({ type: 'removed', id: String(cell.id) }, x6Options);
    if (cascadeOf === String(cell.id)) closeCascade();
  };
  // X6's `previous` is a snapshot from the start of the outermost mutation: a change made
  // from inside a change listener gets the same (stale) snapshot again, so a value changed
  // back would look unchanged. Such an event is read against the value the previous event
  // of that cell and key left instead. Forgotten after each task.
  const recent = new Map<string, { previous: unknown; current: unknown }>();
  let forgetting = false;
  const seen = (id: string, key: string, previous: unknown, current: unknown) => {
    const slot = `${id}\u0000${key}`;
    const last = recent.get(slot);
    recent.set(slot, { previous, current });
    if (!forgetting) {
      forgetting = true;
      queueMicrotask(() => {
        recent.clear();
        forgetting = false;
      });
    }
    return last && previous === last.previous && previous !== last.current ? last.current : previous;
  };
  // X6 sets `options.propertyPath` on the options object it was given, which an editor
  // may pass again to a later call that sets a whole key: a path is trusted once per
  // options object, and only when it lies under the event's key.
  const pathsUsed = new WeakSet<object>();
  const onChanged = ({ cell, key, previous: snapshot, current, options: x6Options }: ChangeArgs) => {
    if (applying) return;
    const id = String(cell.id);
    const path = (x6Options as PathOptions | undefined)?.propertyPath;
    if (typeof path === 'string' && typeof x6Options === 'object' && x6Options !== null
        && !pathsUsed.has(x6Options) && (path === key || path.startsWith(`${key}/`))) {
      pathsUsed.add(x6Options);
      seen(id, key, snapshot, current); // a later event of this key in the task reads on from here
      reportProperty(id, path, cell.getPropByPath(path), x6Options);
      return;
    }
    // A whole key (a removal, `setProp`, `setPosition`): X6's before and after, so that
    // only what this event changed is read, not a value the graph shows for display only
    // (a label blanked while it is edited, marked visual).
    const event: CellEvent = { type: 'changed', id, key };
    const previous = seen(id, key, snapshot, current);
    if (previous !== undefined) event.previous = previous;
    if (current !== undefined) event.current = current;
    forward(event, x6Options);
  };
  const onBatchStart = () => {
    if (!applying) state.beginBatch();
  };
  const onBatchStop = () => {
    if (applying) return;
    try {
      state.endBatch();
    } catch (error) {
      onError(error, { type: 'removed', id: '' });
    }
  };

  // `graph.fromJSON()` / `graph.resetCells()` replace the cells without a `cell:added` or
  // `cell:removed` event: the adapter records the difference as one edit (one undo entry,
  // saved and synced like any other), so the state never drifts from the graph.
  const onReset = () => {
    if (applying) return;
    const held = new Map(state.cells().map((cell) => [cell.id, cell]));
    const now = graph.getCells().map((cell) => cell.toJSON() as Cell);
    const present = new Set(now.map((cell) => cell.id));
    const gone = [...held.values()].filter((cell) => !present.has(cell.id));
    onBatchStart();
    try {
      // Edges go before the nodes they connect, and come after them.
      for (const cell of [...gone.filter(isEdge), ...gone.filter((cell) => !isEdge(cell))]) {
        forward({ type: 'removed', id: cell.id });
      }
      for (const cell of [...now.filter((cell) => !isEdge(cell)), ...now.filter(isEdge)]) {
        const before = held.get(cell.id);
        if (!before) {
          forward({ type: 'added', cell });
          continue;
        }
        const keys = new Set([...Object.keys(before), ...Object.keys(cell)]);
        keys.delete('id');
        for (const key of keys) reportProperty(cell.id, key, (cell as Record<string, unknown>)[key]);
      }
    } finally {
      onBatchStop();
    }
  };

  const applyToGraph = (changes: Change[]) => {
    applying = true;
    try {
      // One cell's one update needs no batch (an undo of one edit); more are one batch.
      if (changes.length === 1 && changes[0].type === 'update') applyChanges(graph, changes);
      else graph.batchUpdate('diagram-state', () => applyChanges(graph, changes));
    } finally {
      applying = false;
    }
  };

  // Auto-save's decision tree: the graph exists, and its initial load is not an edit.
  state.updateEditorContext({ graphInitialized: true, initialLoadInProgress: true });
  if ((options.initial ?? 'state') === 'state') {
    applying = true;
    try {
      graph.fromJSON({ cells: state.cells() as never });
    } finally {
      applying = false;
    }
  }
  state.updateEditorContext({ initialLoadInProgress: false });

  graph.on('cell:added', onAdded);
  graph.on('cell:removed', onRemoved);
  graph.on('cell:change:*', onChanged);
  graph.on('batch:start', onBatchStart);
  graph.on('batch:stop', onBatchStop);
  graph.on('model:reseted', onReset);
  // Every change the state makes that did not come from this graph: undo/redo, other
  // tabs, collaborators, a refresh, a kept-mine conflict.
  // `skipReported`: the changes this adapter reported come from the graph already.
  const offChange = state.on('change', ({ changes }: { changes: Change[] }) => {
    if (!forwarding) applyToGraph(changes);
  }, { skipReported: true });
  const offKeyboard = options.keyboard ? bindKeyboard(graph, state) : () => {};

  return () => {
    graph.off('cell:added', onAdded);
    graph.off('cell:removed', onRemoved);
    graph.off('cell:change:*', onChanged);
    graph.off('batch:start', onBatchStart);
    graph.off('batch:stop', onBatchStop);
    graph.off('model:reseted', onReset);
    offChange();
    offKeyboard();
    if (!state.disposed) state.updateEditorContext({ graphInitialized: false });
  };
}

/** The option names of {@link bindGraph}. */
const OPTION_NAMES = ['initial', 'keyboard', 'onError'];

/** A `DiagramStateError` with code `INVALID_ARGUMENT`, like the package's own. */
function invalidArgument(message: string): Error {
  const error = new Error(message) as Error & { code: string };
  error.name = 'DiagramStateError';
  error.code = 'INVALID_ARGUMENT';
  return error;
}

/** Checks the arguments of {@link bindGraph} and returns its options (`{}` for none). */
function checkedOptions(graph: unknown, state: unknown, options: unknown): BindGraphOptions {
  const has = (value: unknown, methods: string[]) => typeof value === 'object' && value !== null
    && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
  if (!has(graph, ['on', 'off', 'fromJSON', 'batchUpdate', 'getCellById'])) {
    throw invalidArgument('`graph` must be an X6 Graph');
  }
  if (!has(state, ['handleEvent', 'handleProperty', 'on', 'updateEditorContext', 'cells'])) {
    throw invalidArgument('`state` must be a DiagramState');
  }
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidArgument('`options` must be an object');
  const given = options as Record<string, unknown>;
  const unknown = Object.keys(given).find((name) => !OPTION_NAMES.includes(name));
  if (unknown !== undefined) throw invalidArgument(`unknown option \`${unknown}\`; expected one of ${OPTION_NAMES.join(', ')}`);
  if (given.initial !== undefined && given.initial !== 'state' && given.initial !== 'graph') {
    throw invalidArgument("`options.initial` must be 'state' or 'graph'");
  }
  if (given.keyboard !== undefined && typeof given.keyboard !== 'boolean') throw invalidArgument('`options.keyboard` must be a boolean');
  if (given.onError !== undefined && typeof given.onError !== 'function') throw invalidArgument('`options.onError` must be a function');
  return given as BindGraphOptions;
}

/**
 * Applies changes to the graph in order, setting each touched property of a cell once:
 * the updates of one cell and key are folded into one new value of that key (copying
 * only the objects on the changed paths), given to X6 in one `setProp` — what X6's own
 * History does — instead of one `setPropByPath` (a deep copy of the cell) per leaf. An add
 * or a remove first writes what is pending. A change whose cell is already gone (X6
 * removes a node's edges with it) or already there is skipped.
 */
function applyChanges(graph: Graph, changes: Change[]): void {
  if (changes.length === 1 && changes[0].type === 'update') {
    // One undo of one edit: no folding needed.
    const change = changes[0];
    const cell = graph.getCellById(change.id);
    if (!cell) return;
    const slash = change.path.indexOf('/');
    const key = slash < 0 ? change.path : change.path.slice(0, slash);
    const after = 'after' in change ? change.after : ABSENT;
    writeProp(cell, key, slash < 0 ? after : withPath(cell.getProp(key), change.path.slice(slash + 1).split('/'), after));
    return;
  }
  const pending = new Map<X6Cell, Map<string, unknown>>();
  const write = () => {
    for (const [cell, keys] of pending) for (const [key, value] of keys) writeProp(cell, key, value);
    pending.clear();
  };
  for (const change of changes) {
    if (change.type !== 'update') {
      write();
      applyStructural(graph, change);
      continue;
    }
    const cell = graph.getCellById(change.id);
    if (!cell) continue;
    const slash = change.path.indexOf('/');
    const key = slash < 0 ? change.path : change.path.slice(0, slash);
    let keys = pending.get(cell);
    if (!keys) pending.set(cell, (keys = new Map()));
    const after = 'after' in change ? change.after : ABSENT;
    if (slash < 0) {
      keys.set(key, after);
      continue;
    }
    const base = keys.has(key) ? keys.get(key) : cell.getProp(key);
    keys.set(key, withPath(base === ABSENT ? undefined : base, change.path.slice(slash + 1).split('/'), after));
  }
  write();
}

/** Sets (or, for {@link ABSENT}, removes) one property of a cell. */
function writeProp(cell: X6Cell, key: string, value: unknown): void {
  if (value === ABSENT) cell.removeProp(key);
  // X6 updates its parent/children links only through setPropByPath.
  else if (key === 'parent' || key === 'children') cell.setPropByPath(key, value as never, { rewrite: true });
  else cell.setProp(key, value);
}

/** Marks a deleted value while changes are folded. */
const ABSENT: unique symbol = Symbol('absent');

/**
 * `value` with `path` set to `leaf` (deleted for {@link ABSENT}), copying only the objects
 * and arrays on the path; missing levels become arrays for index segments, objects
 * otherwise. `value` itself is never modified (it may be X6's own data).
 */
function withPath(value: unknown, path: string[], leaf: unknown): unknown {
  const [segment, ...rest] = path;
  const isIndex = /^\d+$/.test(segment);
  let copy: Record<string, unknown> | unknown[];
  if (Array.isArray(value)) copy = [...value];
  else if (typeof value === 'object' && value !== null) copy = { ...(value as Record<string, unknown>) };
  else copy = isIndex ? [] : {};
  const container = copy as Record<string, unknown>;
  if (rest.length > 0) {
    container[segment] = withPath(container[segment], rest, leaf);
  } else if (leaf === ABSENT) {
    if (Array.isArray(copy) && isIndex) copy.splice(Number(segment), 1);
    else delete container[segment];
  } else {
    container[segment] = leaf;
  }
  return copy;
}

/** Applies an add or a remove. */
function applyStructural(graph: Graph, change: Exclude<Change, { type: 'update' }>): void {
  switch (change.type) {
    case 'add': {
      if (graph.getCellById(change.cell.id)) return;
      const json = change.cell as never;
      graph.addCell(isEdge(change.cell) ? graph.createEdge(json) : graph.createNode(json));
      return;
    }
    case 'remove':
      graph.removeCell(change.cell.id);
  }
}

/** The same test as the core's: an edge has a `source` or `target`, or the `edge` shape. */
function isEdge(cell: Cell): boolean {
  return 'source' in cell || 'target' in cell || cell.shape === 'edge';
}

function bindKeyboard(graph: Graph, state: DiagramState): () => void {
  const document = graph.container.ownerDocument;
  const onKeyDown = (event: KeyboardEvent) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || isEditable(event.target)) return;
    const key = event.key.toLowerCase();
    const redo = (key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey);
    const undo = key === 'z' && !event.shiftKey;
    if (!undo && !redo) return;
    event.preventDefault();
    try {
      if (undo) state.undo();
      else state.redo();
    } catch (error) {
      // BATCH_OPEN while dragging: the shortcut simply does nothing.
      console.warn('diagram-state: shortcut ignored', error);
    }
  };
  document.addEventListener('keydown', onKeyDown);
  return () => document.removeEventListener('keydown', onKeyDown);
}

function isEditable(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || typeof element.closest !== 'function') return false;
  return element.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}
