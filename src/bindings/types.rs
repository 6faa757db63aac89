//! The TypeScript types of the data that crosses the boundary, emitted into the package's
//! generated `.d.ts` next to the classes that use them. Each type mirrors a Rust type
//! serialized with serde (named in its comment); change both together.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** An X6 cell as JSON (`cell.toJSON()`): at least a string `id`. */
export interface Cell { id: string; shape?: string; [property: string]: unknown }

/** Who made a change (Rust `Origin`). Only `local` is undoable by default. */
export type Origin = 'local' | 'tab' | 'remote' | 'history';

/** An X6 cell event (Rust `CellEvent`). Absent `previous`/`current`: missing, not `null`. */
export type CellEvent =
  | { type: 'added'; cell: Cell }
  | { type: 'removed'; id: string }
  | { type: 'changed'; id: string; key: string; previous?: unknown; current?: unknown };

/** The second argument of `handleEvent`. */
export interface EventOptions { origin?: 'local' | 'tab' | 'remote'; significance?: 'semantic' | 'visual' }

/** One change (Rust `Change`): an absent `before`/`after` means the path is missing. */
export type Change =
  | { type: 'add'; cell: Cell }
  | { type: 'remove'; cell: Cell }
  | { type: 'update'; id: string; path: string; before?: unknown; after?: unknown };

/** Why a change got its significance (Rust `Reason`). */
export type Reason =
  | { type: 'cellAdded' }
  | { type: 'cellRemoved' }
  | { type: 'excludedEvent' }
  | { type: 'rule'; ruleId: string; pattern: string }
  | { type: 'contentsRule'; ruleId: string; pattern: string }
  | { type: 'noRule' }
  | { type: 'override' };

/** The filter's verdict on one change or path (Rust `Decision`). */
export interface Decision { cellId: string; path?: string; significance: 'semantic' | 'visual'; reason: Reason }

/** An entry's operation kind (Rust `OperationKind`). */
export type OperationKind =
  | 'NODE_CREATE' | 'NODE_DELETE' | 'NODE_MOVE' | 'NODE_RESIZE'
  | 'EDGE_CREATE' | 'EDGE_DELETE' | 'EDGE_VERTICES_CHANGE' | 'CELL_UPDATE'
  | 'CELL_DELETION' | 'GROUP_CREATION' | 'DIAGRAM_LOAD';

/** What the history did with changes (Rust `Recording`). */
export type Recording =
  | { type: 'entry'; kind: OperationKind }
  | { type: 'merged'; kind: OperationKind }
  | { type: 'batched' }
  | { type: 'notRecorded'; reason: 'noSemanticChange' | 'originNotRecorded' | 'historyOrigin' | 'emptyBatch' };

/** The history as the UI sees it (Rust `HistoryState`). */
export interface HistoryState {
  canUndo: boolean; canRedo: boolean; undoSize: number; redoSize: number;
  lastKind: OperationKind | null; collaborating: boolean; batchDepth: number;
}

/** What became of an event or change set (Rust `EventOutcome`). */
export interface EventOutcome {
  applied: Change[]; decisions: Decision[]; recording: Recording; history: HistoryState; version: number;
}

/** Why an undo/redo skipped a change (Rust `SkipReason`). */
export type SkipReason =
  | { type: 'valueChanged'; current?: unknown }
  | { type: 'cellMissing' } | { type: 'cellExists' } | { type: 'cellChanged' } | { type: 'pathUnreachable' }
  | { type: 'cellConnected' } | { type: 'terminalMissing' };

/** An undo or redo (Rust `Step`). */
export type Step =
  | { type: 'empty' }
  | { type: 'applied'; kind: OperationKind; changes: Change[]; skipped: { change: Change; reason: SkipReason }[] }
  | { type: 'serverRequest'; action: 'undo' | 'redo' };

/** What `undo()` and `redo()` return: the type of the step (`lastStep` has the rest). */
export type StepType = Step['type'];

/** What an undo or redo did (Rust `StepOutcome`). */
export interface StepOutcome { step: Step; history: HistoryState; version: number }

/** A visual rule (Rust `VisualRule`). */
export interface VisualRule { id: string; pattern: string }

/** `classifyPaths` result for one path. */
export interface PathVerdict { path: string; significance: 'semantic' | 'visual'; ruleId?: string; pattern?: string }

/** `DiagramState.open` options. */
export interface OpenOptions {
  diagramId: string;
  cells?: Cell[];
  version?: number;
  maxHistory?: number;
  recordRemoteChanges?: boolean;
  mergeIntervalMs?: number;
  filter?: { defaults?: boolean; rules?: VisualRule[]; excludedEvents?: string[] };
  autosave?: AutoSaveOptions;
  /** `'indexeddb'`: load from IndexedDB, commit every change, follow other tabs. */
  storage?: 'indexeddb';
  /** The IndexedDB database name (default `'diagram-state'`). */
  dbName?: string;
  /** How a same-path conflict with another tab is settled (default `'laterWins'`). */
  conflictPolicy?: 'laterWins' | 'ask';
}

/** Cross-tab sync and local storage (Rust `SyncStatus` and the link around it). */
export interface SyncStatus {
  tabId: string; committedVersion: number; pendingSets: number; committing: boolean; peers: number;
  ignored: Record<string, number>; resyncs: number; conflicts: number; lastMessageAt: number | null;
  leader: boolean; channel: boolean; storage: 'indexeddb' | 'memory';
  error: { code: string; message: string; retryable: boolean } | null;
}

/**
 * A conflict with another tab (Rust `Conflict`): absent `local`/`remote` mean missing.
 * `replaced`: this tab had committed `local`, and another tab's later commit replaced it
 * with `remote` (nothing to decide; it is not listed in `conflicts`).
 */
export interface TabConflict {
  kind: 'samePath' | 'removedRemotely' | 'updatedRemotely' | 'addedTwice';
  cellId: string; path?: string; local?: unknown; remote?: unknown;
  resolution: 'keptLocal' | 'keptRemote' | 'unresolved' | 'replaced';
}

/** `autosave` options: the save callback and its schedule, all times in milliseconds. */
export interface AutoSaveOptions {
  save: (request: SaveRequest) => SaveAnswer | Promise<SaveAnswer>;
  debounceMs?: number; maxWaitMs?: number; retryInitialDelayMs?: number; retryMaxDelayMs?: number;
  retryJitter?: number; saveTimeoutMs?: number;
  /** The server version the diagram was loaded at (default: `version`). */
  baseVersion?: number;
  requiredIds?: string[]; ids?: Record<string, string | null>;
  excludedKinds?: OperationKind[];
}

/** What the save callback receives (Rust `SavePayload`). */
export interface SaveRequest {
  diagramId: string; baseVersion: number; cells: Cell[]; changesSinceBase: Change[];
  cause: 'debounce' | 'maxWait' | 'retry' | 'manual' | 'flush' | 'overwrite'; attempt: number;
}

/** What the save callback answers (Rust `SaveResult`); anything else is a failed save. */
export type SaveAnswer =
  | { status: 'saved'; version: number }
  | { status: 'conflict'; serverVersion: number; serverCells?: Cell[] }
  | { status: 'failed'; retryable: boolean; message: string };

/** Where auto-save stands (Rust `AutoSaveStatus`). */
export type AutoSaveStatus =
  | { state: 'idle' } | { state: 'dirty' } | { state: 'saving' }
  | { state: 'saved'; at: number; version: number }
  | { state: 'error'; attempt: number; nextRetryAt: number | null; retryable: boolean; message: string }
  | { state: 'conflict'; serverVersion: number };

/** A question of the auto-save decision tree, in the order they are asked. */
export type DecisionNode = 'initialLoad' | 'collaborating' | 'semantic' | 'operationFilter'
  | 'graphInitialized' | 'diagramId' | 'requiredIds' | 'loading';

/** What the auto-save decision tree decided (Rust `AutoSaveDecision`). */
export interface AutoSaveDecision {
  decision: 'save' | 'skip';
  reason: 'initialLoadInProgress' | 'collaborating' | 'notSemantic' | 'filteredOut' | 'graphNotInitialized'
    | 'noDiagramId' | 'missingRequiredId' | 'stillLoading' | 'checksPassed';
  trigger: 'historyChange' | 'cellMetadataChange' | 'externalDirty' | 'manual';
  path: DecisionNode[];
  missingIds?: string[];
  excludedKind?: OperationKind;
}

/** Everything about auto-save at once (Rust `AutoSaveSnapshot`). */
export interface AutoSaveSnapshot {
  status: AutoSaveStatus; lastDecision: AutoSaveDecision | null; online: boolean; paused: boolean;
  baseVersion: number; pendingChanges: number; nextSaveAt: number | null;
}

/** What a conflict resolution did (Rust `ResolutionOutcome`). */
export type ResolutionOutcome =
  | {
      type: 'refresh';
      serverVersion: number;
      serverCells: Cell[] | null;
      /** The unsaved changes at the time of the conflict. */
      setAside: Change[];
      /** Those kept over the server's copy (the server never had them): saved again. Absent without `serverCells`. */
      kept?: Change[];
      /** Values of yours that the server's copy replaced. Absent without `serverCells`. */
      overridden?: { cellId: string; path?: string; local?: unknown; server?: unknown }[];
    }
  | {
      type: 'overwrite';
      baseVersion: number;
      /** Your changes, as kept over the server's copy: what the save carries. Absent without `serverCells`. */
      kept?: Change[];
      /** Always empty for 'overwrite' (yours win); absent without `serverCells`. */
      overridden?: { cellId: string; path?: string; local?: unknown; server?: unknown }[];
    }
  | { type: 'cancel' };

/** `updateEditorContext` argument; absent fields keep their value. */
export interface EditorContextUpdate {
  initialLoadInProgress?: boolean; collaborating?: boolean; graphInitialized?: boolean; loading?: boolean;
  requiredIds?: string[]; ids?: Record<string, string | null>;
}

/** `configureHistory` options; absent fields keep their value. */
export interface HistoryOptions { maxHistory?: number; recordRemoteChanges?: boolean; mergeIntervalMs?: number | null }

/** One history entry as a list shows it. */
export interface HistoryEntrySummary { kind: OperationKind; origin: Origin; timestamp: number; changeCount: number }

/** `historyEntries()`: both stacks, oldest first. */
export interface HistoryEntries { undo: HistoryEntrySummary[]; redo: HistoryEntrySummary[] }

/** The semantic diagram (Rust `Diagram`). */
export interface DiagramSnapshot { version: number; cells: Cell[] }

/** The payload of each `DiagramState` event. */
export interface DiagramStateEvents {
  history: HistoryState;
  change: { origin: Origin; changes: Change[]; version: number };
  decision: EventOutcome & { autosave: AutoSaveDecision | null };
  save: AutoSaveStatus;
  sync: SyncStatus;
  conflict: TabConflict;
  /** The state was disposed (sent once, with `null`, before every listener is dropped). */
  dispose: null;
}

/** The name of a `DiagramState` event. */
export type DiagramStateEventName = keyof DiagramStateEvents;

/** The errors diagram-state throws: an `Error` named `DiagramStateError` with a stable `code`. */
export interface DiagramStateError extends Error { name: 'DiagramStateError'; code: string }
"#;
