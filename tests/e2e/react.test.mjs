// The React hook in real Chromium: a component rendered with React 19 shows what
// `useDiagramState` gives it as the state changes, is told when the state is disposed, and
// gets the same action functions on every render.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { openTestPages } from './harness.mjs';

const HERE = fileURLToPath(new URL('./', import.meta.url));

let browser;
let page;
before(async () => {
  await build({
    entryPoints: [join(HERE, 'pages/react-hook.jsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    external: ['/pkg/*'],
    nodePaths: [join(HERE, 'node_modules')],
    outfile: join(HERE, 'out/react-hook.js'),
    logLevel: 'warning',
  });
  browser = await openTestPages();
});
after(async () => {
  await browser?.close();
});

async function freshPage() {
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') browser.errors.push(message.text());
  });
  await page.goto(new URL('/tests/e2e/pages/react.html', browser.url).href);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
  return page;
}

const shows = (text) => page.waitForFunction((expected) => window.hook.text() === expected, text, { timeout: 5000 });

test('the component renders the state as it changes, and not ready once it is disposed', async () => {
  await freshPage();
  await shows('ready=false canUndo=false canRedo=false version=0');
  await page.evaluate(() => window.hook.open());
  await shows('ready=true canUndo=false canRedo=false version=0');
  await page.evaluate(() => window.hook.add('n1'));
  await shows('ready=true canUndo=true canRedo=false version=1');
  await page.evaluate(() => window.hook.undoThroughHook());
  await shows('ready=true canUndo=false canRedo=true version=2');
  await page.evaluate(() => window.hook.dispose());
  await shows('ready=false canUndo=false canRedo=false version=0');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('the action functions are the same on every render', async () => {
  await freshPage();
  await page.evaluate(() => window.hook.open());
  for (const id of ['a', 'b', 'c']) {
    await page.evaluate((cell) => window.hook.add(cell), id);
  }
  await shows('ready=true canUndo=true canRedo=false version=3');
  const seen = await page.evaluate(() => window.hook.seen());
  assert.ok(seen.renders >= 3, `rendered ${seen.renders} times`);
  assert.equal(seen.actionChanges, 1, 'once, from no state to the opened state; never again');
  await page.close();
});
