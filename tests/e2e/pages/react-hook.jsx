// The React hook in a real page: a component renders what `useDiagramState` gives it, and
// records how often its action functions changed identity between renders.
import React from 'react';
import { createRoot } from 'react-dom/client';
import init, { DiagramState } from '/pkg/diagram_state.js';
import { useDiagramState } from '../../../pkg/react.js';

let state = null;
let setShown = null;
const seen = { renders: 0, actionChanges: 0, lastUndo: null };

function View({ shown }) {
  const view = useDiagramState(shown);
  seen.renders += 1;
  if (seen.lastUndo !== null && seen.lastUndo !== view.undo) seen.actionChanges += 1;
  seen.lastUndo = view.undo;
  return (
    <p id="view">
      {`ready=${view.ready} canUndo=${view.canUndo} canRedo=${view.canRedo} version=${view.version}`}
    </p>
  );
}

function App() {
  const [shown, show] = React.useState(null);
  setShown = show;
  return <View shown={shown} />;
}

await init();
createRoot(document.getElementById('root')).render(<App />);

window.hook = {
  async open() {
    state = await DiagramState.open({ diagramId: `hook-${Math.random()}` });
    setShown(state);
  },
  add(id) {
    state.handleEvent({ type: 'added', cell: { id, shape: 'rect' } });
  },
  /** Undo through the hook's own action, as a button would. */
  undoThroughHook() {
    seen.lastUndo();
  },
  dispose() {
    state.dispose();
  },
  text: () => document.getElementById('view')?.textContent ?? '',
  seen: () => ({ renders: seen.renders, actionChanges: seen.actionChanges }),
};
window.ready = true;
