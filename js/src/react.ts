/**
 * The React hook of diagram-state: `useDiagramState(state)` re-renders a component when
 * the state's history or version changes, and hands it the actions.
 *
 * ```tsx
 * import { useDiagramState } from 'diagram-state/react';
 * function Toolbar({ state }) {
 *   const { canUndo, canRedo, undo, redo } = useDiagramState(state);
 *   return <><button disabled={!canUndo} onClick={undo}>Undo</button>
 *            <button disabled={!canRedo} onClick={redo}>Redo</button></>;
 * }
 * ```
 * @module
 */
import { useMemo, useSyncExternalStore } from 'react';
import type { AutoSaveSnapshot, DiagramState, HistoryState, SyncStatus, TabConflict } from './diagram_state.js';

/** What {@link useDiagramState} returns: a snapshot of the state plus its actions. */
export interface DiagramStateView {
  /** Whether the state is open (`false` before it is, and after `dispose()`). */
  ready: boolean;
  /** The history state, or `null` when not ready. */
  history: HistoryState | null;
  /** Whether there is something to undo. */
  canUndo: boolean;
  /** Whether there is something to redo. */
  canRedo: boolean;
  /** The diagram's version (0 when not ready). */
  version: number;
  /** Auto-save to the server, or `null` without `autosave`. */
  save: AutoSaveSnapshot | null;
  /** Local storage and cross-tab sync, or `null` for a state without storage. */
  sync: SyncStatus | null;
  /** Conflicts with other tabs waiting for the user (policy `ask`). */
  conflicts: TabConflict[];
  /** Undoes the latest entry (does nothing when not ready). */
  undo: () => void;
  /** Redoes the latest undone entry (does nothing when not ready). */
  redo: () => void;
  /** Saves to the server now (throws when auto-save is not configured). */
  saveNow: () => void;
  /** Resolves a server version conflict. */
  resolveConflict: (resolution: 'refresh' | 'overwrite' | 'cancel') => void;
  /** Settles conflict `index` with another tab. */
  resolveTabConflict: (index: number, choice: 'mine' | 'theirs') => void;
}

type Actions = 'undo' | 'redo' | 'saveNow' | 'resolveConflict' | 'resolveTabConflict';
type Snapshot = Omit<DiagramStateView, Actions>;

const NOT_READY: Snapshot = {
  ready: false, history: null, canUndo: false, canRedo: false, version: 0, save: null, sync: null, conflicts: [],
};
const EVENTS = ['history', 'change', 'save', 'sync', 'conflict', 'dispose'] as const;

/** One subscription per state, shared by every component that uses it. */
interface Store {
  snapshot: Snapshot;
  subscribe: (notify: () => void) => () => void;
  /** The actions, the same functions for every render (safe in effect dependencies). */
  actions: Pick<DiagramStateView, Actions>;
}

const stores = new WeakMap<DiagramState, Store>();

function read(state: DiagramState): Snapshot {
  if (state.disposed) return NOT_READY;
  const history = state.historyState as HistoryState;
  return {
    ready: true,
    history,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
    version: state.version,
    save: state.saveStatus as AutoSaveSnapshot | null,
    sync: state.syncStatus as SyncStatus | null,
    conflicts: state.conflicts as TabConflict[],
  };
}

function storeOf(state: DiagramState): Store {
  let store = stores.get(state);
  if (store) return store;
  const listeners = new Set<() => void>();
  let off: Array<() => void> = [];
  // One edit sends several events (change, history, save, sync): they are coalesced into
  // one snapshot and one notification, after the call that sent them returns.
  let scheduled = false;
  const refresh = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      created.snapshot = read(state);
      for (const notify of listeners) notify();
    });
  };
  const live = () => (state.disposed ? null : state);
  const created: Store = {
    snapshot: read(state),
    actions: {
      undo: () => void live()?.undo(),
      redo: () => void live()?.redo(),
      saveNow: () => live()?.saveNow(),
      resolveConflict: (resolution) => void live()?.resolveConflict(resolution),
      resolveTabConflict: (index, choice) => void live()?.resolveTabConflict(index, choice),
    },
    subscribe(notify) {
      listeners.add(notify);
      if (listeners.size === 1 && !state.disposed) {
        off = EVENTS.map((event) => state.on(event, refresh));
        created.snapshot = read(state);
      }
      return () => {
        listeners.delete(notify);
        if (listeners.size === 0) {
          for (const stop of off) stop();
          off = [];
        }
      };
    },
  };
  stores.set(state, created);
  return created;
}

const noop = () => () => {};
/** The actions while there is no state: they do nothing. */
const NO_ACTIONS: Pick<DiagramStateView, Actions> = {
  undo: () => {}, redo: () => {}, saveNow: () => {}, resolveConflict: () => {}, resolveTabConflict: () => {},
};

/**
 * Subscribes a component to `state` (a `DiagramState`, or `null`/`undefined` while it is
 * still opening) with `useSyncExternalStore`: it re-renders on history, change, save,
 * sync and conflict events, and shows `ready: false` once the state is disposed. The
 * events of one call (an edit sends up to four) are coalesced: one snapshot, taken in a
 * microtask after the call, shared by every component using the same state; the action functions are the same on every render. Errors thrown by the actions
 * (for example `BATCH_OPEN` from `undo` in the middle of a drag) propagate to the caller.
 */
export function useDiagramState(state: DiagramState | null | undefined): DiagramStateView {
  const store = state ? storeOf(state) : null;
  const snapshot = useSyncExternalStore(
    store ? store.subscribe : noop,
    () => (store ? store.snapshot : NOT_READY),
    () => NOT_READY,
  );
  const actions = store ? store.actions : NO_ACTIONS;
  return useMemo(() => ({ ...snapshot, ...actions }), [snapshot, actions]);
}
