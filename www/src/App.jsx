import { useEffect, useRef, useState } from 'react';
import { Graph } from '@antv/x6';
import { parsePath, version } from 'diagram-state';
import { sampleDiagram } from './sampleDiagram.js';

/** The demo editor: an X6 canvas and a status bar fed by the diagram-state module. */
export default function App() {
  const container = useRef(null);
  const [cellCount, setCellCount] = useState(0);

  useEffect(() => {
    const graph = new Graph({
      container: container.current,
      autoResize: true,
      grid: { visible: true, size: 10 },
      background: { color: '#f8fafc' },
    });
    graph.fromJSON(sampleDiagram);
    graph.centerContent();
    setCellCount(graph.getCells().length);
    return () => graph.dispose();
  }, []);

  const probe = 'attrs/body/fill';
  const segments = parsePath(probe);

  return (
    <div className="app">
      <header className="toolbar">
        <strong>diagram-state</strong>
        <span className="muted">data-flow diagram editor</span>
      </header>
      {/* X6's autoResize sizes the graph to the container's parent. */}
      <main className="canvas">
        <div ref={container} data-testid="canvas" />
      </main>
      <footer className="statusbar">
        <span data-testid="wasm-version">diagram-state {version()}</span>
        <span data-testid="wasm-answer">
          parsePath('{probe}') → {segments.join(' · ')}
        </span>
        <span data-testid="cell-count">{cellCount} cells</span>
      </footer>
    </div>
  );
}
