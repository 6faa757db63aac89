import { useEffect, useState } from 'react';

const KIND_LABELS = {
  NODE_CREATE: 'Add element', NODE_DELETE: 'Delete element', NODE_MOVE: 'Move', NODE_RESIZE: 'Resize',
  EDGE_CREATE: 'Add flow', EDGE_DELETE: 'Delete flow', EDGE_VERTICES_CHANGE: 'Bend flow', CELL_UPDATE: 'Edit',
  CELL_DELETION: 'Delete selection', GROUP_CREATION: 'Add several', DIAGRAM_LOAD: 'Load',
};

/** The undo and redo stacks: the next undo at the top, redone steps greyed below. */
export default function HistoryPanel({ state, version }) {
  const [entries, setEntries] = useState({ undo: [], redo: [] });
  useEffect(() => {
    if (!state || state.disposed) return;
    setEntries(state.historyEntries());
  }, [state, version]);
  const undo = [...entries.undo].reverse();
  return (
    <section className="panel" aria-label="History">
      <h2>History</h2>
      <ol className="history" data-testid="history-list">
        {entries.redo.map((entry, index) => (
          <li key={`r${index}`} className="redo">{KIND_LABELS[entry.kind] ?? entry.kind}<small>{entry.changeCount} changes</small></li>
        ))}
        {undo.map((entry, index) => (
          <li key={`u${index}`} className={index === 0 ? 'current' : ''}>
            {KIND_LABELS[entry.kind] ?? entry.kind}
            <small>{entry.origin === 'local' ? '' : `${entry.origin} · `}{entry.changeCount} changes</small>
          </li>
        ))}
        {undo.length === 0 && entries.redo.length === 0 && <li className="empty">No edits yet</li>}
      </ol>
    </section>
  );
}
