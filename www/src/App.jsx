import { useCallback, useEffect, useState } from 'react';
import { DiagramState } from 'diagram-state';
import { useDiagramState } from 'diagram-state/react';
import Canvas from './editor/Canvas.jsx';
import { deleteSelection } from './editor/graph.js';
import { normalizeCells } from './editor/normalize.js';
import { newElement, sampleCells } from './editor/shapes.js';
import DecisionPanel from './panels/DecisionPanel.jsx';
import HistoryPanel from './panels/HistoryPanel.jsx';
import Palette from './panels/Palette.jsx';

/** The demo editor: a data-flow-diagram editor whose state lives in diagram-state. */
export default function App() {
  const [state, setState] = useState(null);
  const [graph, setGraph] = useState(null);
  const [error, setError] = useState(null);
  const view = useDiagramState(state);

  useEffect(() => {
    let opened = null;
    let cancelled = false;
    DiagramState.open({ diagramId: 'demo', cells: normalizeCells(sampleCells) })
      .then((created) => {
        if (cancelled) created.dispose();
        else {
          opened = created;
          setState(created);
        }
      })
      .catch(setError);
    return () => {
      cancelled = true;
      opened?.dispose();
    };
  }, []);

  const addElement = useCallback((kind) => {
    if (!graph) return;
    const area = graph.getGraphArea();
    const count = graph.getNodes().filter((node) => node.shape === kind.shape).length + 1;
    const x = Math.round(area.center.x - kind.width / 2 + (count % 5) * 20);
    const y = Math.round(area.center.y - kind.height / 2 + (count % 5) * 20);
    graph.cleanSelection();
    graph.select(graph.addNode(newElement(kind, x, y, count)));
  }, [graph]);

  const run = (action) => () => {
    try {
      action();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <div className="app">
      <header className="toolbar">
        <strong className="brand">diagram-state</strong>
        <span className="muted">data-flow diagram editor</span>
        <div className="actions">
          <button type="button" onClick={run(view.undo)} disabled={!view.canUndo} data-testid="undo" title="Undo (Ctrl+Z)">↶ Undo</button>
          <button type="button" onClick={run(view.redo)} disabled={!view.canRedo} data-testid="redo" title="Redo (Ctrl+Shift+Z)">↷ Redo</button>
          <button type="button" onClick={() => graph && deleteSelection(graph)} disabled={!graph} data-testid="delete" title="Delete (Del)">Delete</button>
        </div>
      </header>
      <Palette onAdd={addElement} disabled={!graph} />
      <main className="canvas">
        {state && <Canvas state={state} onGraph={setGraph} />}
      </main>
      <aside className="side">
        <HistoryPanel state={state} version={`${view.version}:${view.history?.undoSize}:${view.history?.redoSize}`} />
        <DecisionPanel state={state} />
      </aside>
      <footer className="statusbar">
        <span data-testid="version">version {view.version}</span>
        <span data-testid="history-state">{view.history ? `${view.history.undoSize} undo · ${view.history.redoSize} redo` : 'opening…'}</span>
        {error && <span className="error" data-testid="error">{error.code ? `${error.code}: ` : ''}{error.message}</span>}
      </footer>
    </div>
  );
}
