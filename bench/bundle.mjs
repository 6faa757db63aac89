// Bundles the peer libraries that cannot be imported in a page as they are installed
// (bare `lib0/...` imports in Yjs, the bundler-only entry points of Automerge) into
// bench/out/, with esbuild. Each bundle is built twice: readable for the pages, minified
// for the size suite. Loro's `web` build and X6's `dist/x6.min.js` load without bundling.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const BENCH = fileURLToPath(new URL('./', import.meta.url));
/** Where bundles go (gitignored scratch space). */
export const OUT = fileURLToPath(new URL('./out/', import.meta.url));

/** The bundles: `name` → the ES module source that re-exports what the pages use. */
const ENTRIES = {
  yjs: "export * from 'yjs';",
  automerge: "export * from '@automerge/automerge/slim';",
};

/**
 * Builds `bench/out/<name>.js` (served to pages as `/bench/out/<name>.js`) and
 * `bench/out/<name>.min.js` for every entry. Returns the file paths by name.
 */
export async function bundlePeers() {
  await mkdir(OUT, { recursive: true });
  const files = {};
  for (const [name, contents] of Object.entries(ENTRIES)) {
    for (const minify of [false, true]) {
      const outfile = `${OUT}${name}${minify ? '.min' : ''}.js`;
      await build({
        stdin: { contents, resolveDir: BENCH, loader: 'js' },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        minify,
        legalComments: 'none',
        outfile,
        logLevel: 'warning',
      });
      files[minify ? `${name}.min` : name] = outfile;
    }
  }
  return files;
}
