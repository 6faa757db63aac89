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
import { useSyncExternalStore } from 'react';
import type { DiagramState, HistoryState } from './diagram_state.js';

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
  /** Undoes the latest entry (does nothing when not ready). */
  undo: () => void;
  /** Redoes the latest undone entry (does nothing when not ready). */
  redo: () => void;
}

type Snapshot = Omit<DiagramStateView, 'undo' | 'redo'>;

const NOT_READY: Snapshot = { ready: false, history: null, canUndo: false, canRedo: false, version: 0 };

/** One subscription per state, shared by every component that uses it. */
interface Store {
  snapshot: Snapshot;
  subscribe: (notify: () => void) => () => void;
}

const stores = new WeakMap<DiagramState, Store>();

function read(state: DiagramState): Snapshot {
  if (state.disposed) return NOT_READY;
  const history = state.historyState as HistoryState;
  return { ready: true, history, canUndo: history.canUndo, canRedo: history.canRedo, version: state.version };
}

function storeOf(state: DiagramState): Store {
  let store = stores.get(state);
  if (store) return store;
  const listeners = new Set<() => void>();
  let off: Array<() => void> = [];
  const refresh = () => {
    created.snapshot = read(state);
    for (const notify of listeners) notify();
  };
  const created: Store = {
    snapshot: read(state),
    subscribe(notify) {
      listeners.add(notify);
      if (listeners.size === 1 && !state.disposed) {
        off = [state.on('history', refresh), state.on('change', refresh)];
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

/**
 * Subscribes a component to `state` (a `DiagramState`, or `null`/`undefined` while it is
 * still opening) with `useSyncExternalStore`. Errors thrown by `undo`/`redo` (for example
 * `BATCH_OPEN` in the middle of a drag) propagate to the caller.
 */
export function useDiagramState(state: DiagramState | null | undefined): DiagramStateView {
  const store = state ? storeOf(state) : null;
  const snapshot = useSyncExternalStore(
    store ? store.subscribe : noop,
    () => (store ? store.snapshot : NOT_READY),
    () => NOT_READY,
  );
  return {
    ...snapshot,
    undo: () => {
      if (state && !state.disposed) state.undo();
    },
    redo: () => {
      if (state && !state.disposed) state.redo();
    },
  };
}
