// The startup suite's page. `prepare` stores a diagram in IndexedDB (`LocalDiagrams.open` +
// `importDocument`); `measure`, in a page loaded afterwards, times what an editor does when
// it starts: `init()` (fetch, compile and instantiate the wasm), `LocalDiagrams.open()` and
// `openDiagram(id)`. The module's JS is imported before the clock starts; `init()` is not.
import init, { LocalDiagrams } from '/pkg/diagram_state.js';
import { makeDiagram } from './data.js';

window.bench = {
  /** Stores a `nodes` + `edges` diagram in database `dbName`; returns its id. */
  async prepare({ dbName, nodes, edges }) {
    await init();
    const diagrams = await LocalDiagrams.open({ dbName });
    const cells = makeDiagram({ nodes, edges });
    const entry = await diagrams.importDocument({ cells }, { name: 'startup bench' });
    diagrams.close();
    return entry.id;
  },
  /** `{ init, open, total }` in ms, after checking that all `cells` cells were loaded. */
  async measure({ dbName, id, cells }) {
    const start = performance.now();
    await init();
    const initialized = performance.now();
    const diagrams = await LocalDiagrams.open({ dbName });
    const state = await diagrams.openDiagram(id);
    const opened = performance.now();
    const loaded = state.cells().length;
    state.dispose();
    diagrams.close();
    if (loaded !== cells) throw new Error(`opened ${loaded} cells, expected ${cells}`);
    return { init: initialized - start, open: opened - initialized, total: opened - start };
  },
};
window.benchReady = true;
