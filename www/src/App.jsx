import { useCallback, useEffect, useState } from 'react';
import { useDiagramState } from 'diagram-state/react';
import Canvas from './editor/Canvas.jsx';
import { demoServer } from './editor/demoServer.js';
import { deleteSelection } from './editor/graph.js';
import { newElement } from './editor/shapes.js';
import { useDiagramId, useDirectory, useOpenDiagram } from './editor/useDiagrams.js';
import ConflictDialog from './panels/ConflictDialog.jsx';
import DecisionPanel from './panels/DecisionPanel.jsx';
import DiagramManager from './panels/DiagramManager.jsx';
import HistoryPanel from './panels/HistoryPanel.jsx';
import Palette from './panels/Palette.jsx';
import ReplacedNotice from './panels/ReplacedNotice.jsx';
import StatusBar from './panels/StatusBar.jsx';

const POLICY_KEY = 'diagram-state-demo:policy';

/** The demo editor: a data-flow-diagram editor whose state lives in diagram-state. */
export default function App() {
  const directory = useDirectory();
  const [diagramId, openDiagram] = useDiagramId();
  const [policy, setPolicy] = useState(() => localStorage.getItem(POLICY_KEY) ?? 'laterWins');
  const { state, entry, error: openError } = useOpenDiagram(directory.diagrams, diagramId, policy);
  const [graph, setGraph] = useState(null);
  const [managing, setManaging] = useState(false);
  const [error, setError] = useState(null);
  const [serverMode, setServerMode] = useState(demoServer.mode);
  const view = useDiagramState(state);

  // With no diagram chosen yet, open the most recently edited one.
  useEffect(() => {
    if (!directory.diagrams || diagramId) return;
    directory.diagrams.list().then(({ diagrams }) => diagrams[0] && openDiagram(diagrams[0].id));
  }, [directory.diagrams, diagramId]);
  useEffect(() => demoServer.onMode(setServerMode), []);

  const addElement = useCallback((kind) => {
    if (!graph) return;
    const area = graph.getGraphArea();
    const count = graph.getNodes().filter((node) => node.shape === kind.shape).length + 1;
    const x = Math.round(area.center.x - kind.width / 2 + (count % 5) * 20);
    const y = Math.round(area.center.y - kind.height / 2 + (count % 5) * 20);
    graph.addNode(newElement(kind, x, y, count));
  }, [graph]);

  const run = (action) => () => {
    try {
      action();
    } catch (failure) {
      setError(failure);
    }
  };
  const choosePolicy = (next) => {
    localStorage.setItem(POLICY_KEY, next);
    setPolicy(next);
  };
  const problem = error ?? openError ?? directory.error;

  return (
    <div className="app">
      <header className="toolbar">
        <strong className="brand">diagram-state</strong>
        <span className="diagram-name" data-testid="diagram-name">{entry?.name ?? '…'}</span>
        {entry && <span className={`badge ${entry.storageType}`}>{entry.storageType}</span>}
        <button type="button" onClick={() => setManaging(true)} disabled={!directory.diagrams} data-testid="manage">Manage diagrams</button>
        <div className="actions">
          <label className="muted">Tab conflicts{' '}
            <select value={policy} onChange={(event) => choosePolicy(event.target.value)} data-testid="policy">
              <option value="laterWins">later edit wins</option>
              <option value="ask">ask me</option>
            </select>
          </label>
          {entry && entry.storageType !== 'local' && (
            <label className="muted">Server{' '}
              <select value={serverMode} onChange={(event) => demoServer.setMode(event.target.value)} data-testid="server-mode">
                <option value="ok">answers</option>
                <option value="failing">fails (503)</option>
                <option value="conflict-once">conflicts once</option>
              </select>
            </label>
          )}
          <button type="button" onClick={run(view.undo)} disabled={!view.canUndo} data-testid="undo" title="Undo (Ctrl+Z)">↶ Undo</button>
          <button type="button" onClick={run(view.redo)} disabled={!view.canRedo} data-testid="redo" title="Redo (Ctrl+Shift+Z)">↷ Redo</button>
          <button type="button" onClick={() => graph && deleteSelection(graph)} disabled={!graph} data-testid="delete" title="Delete (Del)">Delete</button>
        </div>
      </header>
      {directory.memoryOnly && (
        <div className="banner" data-testid="memory-banner">IndexedDB is unavailable here: diagrams are kept in memory and lost on reload.</div>
      )}
      <Palette onAdd={addElement} disabled={!graph} />
      <main className="canvas">
        {state && <Canvas key={state.diagramId} state={state} onGraph={setGraph} />}
      </main>
      <aside className="side">
        <HistoryPanel state={state} version={`${view.version}:${view.history?.undoSize}:${view.history?.redoSize}`} />
        <DecisionPanel state={state} local={entry?.storageType === 'local'} />
      </aside>
      <StatusBar entry={entry} view={view} error={problem} />
      {managing && directory.diagrams && (
        <DiagramManager diagrams={directory.diagrams} currentId={diagramId}
          onOpen={(id) => { setManaging(false); openDiagram(id); }} onClose={() => setManaging(false)} />
      )}
      {state && <ConflictDialog view={view} />}
      <ReplacedNotice state={state} />
    </div>
  );
}
