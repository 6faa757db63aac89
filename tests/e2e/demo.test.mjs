import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, openDemo } from './harness.mjs';

let demo;
before(async () => {
  demo = await openDemo();
});
after(async () => {
  await demo?.close();
});

test('the demo renders the X6 graph and the wasm module answers', async () => {
  const page = await demo.context.newPage();
  await page.goto(demo.url);

  // X6 draws every cell as a <g data-cell-id> in its SVG.
  const cells = page.locator('.x6-graph-svg [data-cell-id]');
  await cells.first().waitFor({ timeout: 15000 });
  assert.equal(await cells.count(), 5, 'three nodes and two edges are drawn');
  assert.equal(await page.getByTestId('cell-count').textContent(), '5 cells');

  // The answer comes from Rust: the split is computed by the wasm module, not by JS.
  assert.match(await page.getByTestId('wasm-version').textContent(), /^diagram-state \d+\.\d+\.\d+$/);
  assert.equal(
    await page.getByTestId('wasm-answer').textContent(),
    "parsePath('attrs/body/fill') → attrs · body · fill",
  );

  // The status bar is on screen, not covered or pushed out by the canvas.
  const statusOnTop = await page.evaluate(() => {
    const box = document.querySelector('[data-testid=wasm-answer]').getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return box.bottom <= window.innerHeight && hit?.dataset.testid === 'wasm-answer';
  });
  assert.ok(statusOnTop, 'the status bar is visible');

  await page.screenshot({ path: join(ARTIFACTS, 'demo-first-slice.png') });
  assert.deepEqual(demo.errors, [], 'no uncaught errors in the page');
});
