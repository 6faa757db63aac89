// A real X6 graph for the benchmark pages, built the same way for every system: X6's own
// browser build (window.X6, loaded by the page's <script> tag), synchronous rendering
// (`async: false`) and virtual rendering (`virtual: true`: only cells in or near the
// viewport get views), with the viewport moved far away from the cells before they are
// loaded, so that X6 renders no view at all. Timings then cover X6's model, its events and
// the history under test, not DOM rendering, which is the same for every system (and which
// an editor with virtual rendering pays only for the cells on screen). `createGraph`
// checks that no view was rendered and throws otherwise.

/** A new X6 Graph in a fresh container, holding `cells`, with no view rendered. */
export async function createGraph(cells) {
  const container = document.createElement('div');
  container.style.cssText = 'width: 1200px; height: 800px; overflow: hidden';
  document.body.append(container);
  const graph = new window.X6.Graph({ container, width: 1200, height: 800, async: false, virtual: true });
  graph.translate(-1e6, -1e6);
  // X6 recomputes the rendered area at most every 200 ms: let the move above take effect.
  await new Promise((done) => setTimeout(done, 300));
  graph.fromJSON({ cells });
  const views = container.querySelectorAll('.x6-cell').length;
  if (views > 0) throw new Error(`X6 rendered ${views} views; the benchmark graph should render none`);
  return graph;
}

/** X6's History plugin, enabled, with no stack limit, used on `graph`. */
export function useHistory(graph) {
  const history = new window.X6.History({ enabled: true, stackSize: 0 });
  graph.use(history);
  return history;
}

/** Resolves after the next animation frame (or 100 ms), letting X6 render what it queued. */
export function nextFrame() {
  return new Promise((done) => {
    const timer = setTimeout(done, 100);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      setTimeout(done, 0);
    });
  });
}

