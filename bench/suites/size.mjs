// Download size: raw and gzipped bytes (zlib level 9, as `gzip -9`) of what a page loads.
// - diagram-state: pkg/diagram_state_bg.wasm + pkg/diagram_state.js as built; the X6
//   adapter (pkg/x6.js) and the React hook (pkg/react.js) reported on their own.
// - loro: loro-crdt's `web` build as installed (wasm + its JS glue and wrapper).
// - yjs: yjs bundled with lib0 and minified by esbuild (bench/bundle.mjs).
// - automerge: @automerge/automerge's wasm + its `slim` JS entry bundled and minified.
// Files are measured in Node; no browser. One sample each (sizes do not vary).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundlePeers } from '../bundle.mjs';

export const name = 'size';
export const title = 'Package size';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));
const PACKAGE = 'library as loaded (wasm + js)';

/** diagram-state's wasm + JS, gzipped, within 100 KB. */
export const targets = [{ workload: PACKAGE, metric: 'gzip', max: 102_400, text: 'wasm + js gzipped ≤ 100 KB (102,400 bytes)' }];

export async function run(ctx) {
  const bundles = await bundlePeers();
  const loro = `${MODULES}loro-crdt/web/`;
  const measured = [
    [PACKAGE, 'diagram-state', [`${ROOT}pkg/diagram_state_bg.wasm`, `${ROOT}pkg/diagram_state.js`]],
    [PACKAGE, 'loro', [`${loro}loro_wasm_bg.wasm`, `${loro}loro_wasm.js`, `${loro}index.js`, ...snippets(`${loro}snippets/`)]],
    [PACKAGE, 'yjs', [bundles['yjs.min']]],
    [PACKAGE, 'automerge', [`${MODULES}@automerge/automerge/dist/automerge.wasm`, bundles['automerge.min']]],
    ['X6 adapter (pkg/x6.js)', 'diagram-state', [`${ROOT}pkg/x6.js`]],
    ['React hook (pkg/react.js)', 'diagram-state', [`${ROOT}pkg/react.js`]],
  ];
  const rows = [];
  for (const [workload, system, files] of measured) {
    const bytes = files.map((file) => readFileSync(file));
    const raw = bytes.reduce((sum, buffer) => sum + buffer.length, 0);
    // Each file is downloaded and compressed on its own, as a server would.
    const gzip = bytes.reduce((sum, buffer) => sum + gzipSync(buffer, { level: 9 }).length, 0);
    ctx.log(`  ${system} ${workload}: ${raw} bytes, ${gzip} gzipped`);
    rows.push({ workload, system, metric: 'raw', unit: 'bytes', samples: [raw], better: 'lower' });
    rows.push({ workload, system, metric: 'gzip', unit: 'bytes', samples: [gzip], better: 'lower' });
  }
  return rows;
}

/** Every file under `dir` (wasm-bindgen's inline JS snippets), recursively. */
function snippets(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`);
}
