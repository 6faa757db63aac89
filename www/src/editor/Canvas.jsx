import { useEffect, useRef } from 'react';
import { bindGraph } from 'diagram-state/x6';
import { createGraph, deleteSelection } from './graph.js';

/**
 * The X6 canvas bound to a DiagramState: every edit goes to the state, and undo/redo or
 * other tabs' changes come back into the graph. `onGraph` receives the graph (or null).
 */
export default function Canvas({ state, onGraph }) {
  const container = useRef(null);

  useEffect(() => {
    if (!state) return undefined;
    const graph = createGraph(container.current);
    const unbind = bindGraph(graph, state, { keyboard: true });
    graph.centerContent();
    const onKeyDown = (event) => {
      const target = event.target;
      if (target.closest?.('input, textarea, [contenteditable="true"]')) return;
      if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        deleteSelection(graph);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    onGraph?.(graph);
    // Debug handle: the graph and the state of the diagram on screen, for the browser
    // console and for scripts/soak.mjs (which edits through it as the editor's UI does and
    // reads both back). Nothing in the demo reads it.
    const handle = { graph, state };
    window.diagramDemo = handle;
    return () => {
      if (window.diagramDemo === handle) window.diagramDemo = null;
      document.removeEventListener('keydown', onKeyDown);
      onGraph?.(null);
      unbind();
      graph.dispose();
    };
  }, [state, onGraph]);

  return <div ref={container} className="graph" data-testid="canvas" />;
}
