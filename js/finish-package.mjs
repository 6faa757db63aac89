// Completes the package that wasm-pack wrote in ../pkg: the entry points of the X6 adapter
// and the React hook (compiled by tsc next to it), their peer dependencies, the files to
// publish, and the package's README.
import { copyFile, readFile, writeFile } from 'node:fs/promises';

const path = new URL('../pkg/package.json', import.meta.url);
const pkg = JSON.parse(await readFile(path, 'utf8'));
const entries = ['x6', 'react'];

pkg.exports = {
  '.': { types: './diagram_state.d.ts', default: './diagram_state.js' },
  ...Object.fromEntries(entries.map((name) => [`./${name}`, { types: `./${name}.d.ts`, default: `./${name}.js` }])),
  './diagram_state_bg.wasm': './diagram_state_bg.wasm',
  './package.json': './package.json',
};
pkg.files = [...new Set([...(pkg.files ?? []), ...entries.flatMap((name) => [`${name}.js`, `${name}.d.ts`])])];
pkg.peerDependencies = { '@antv/x6': '^3.1.0', react: '^18.0.0 || ^19.0.0' };
pkg.peerDependenciesMeta = { '@antv/x6': { optional: true }, react: { optional: true } };
pkg.sideEffects = ['./diagram_state.js', './snippets/*'];

await writeFile(path, `${JSON.stringify(pkg, null, 2)}\n`);
// The package's own README (an integration example), not the repository's.
await copyFile(new URL('./README.md', import.meta.url), new URL('../pkg/README.md', import.meta.url));
console.log(`pkg/package.json: exports ${Object.keys(pkg.exports).join(', ')}`);
