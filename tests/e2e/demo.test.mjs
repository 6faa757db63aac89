// The demo editor as a person uses it, in Chromium: add, move, rename, undo and redo;
// hovering and selecting never become history. Screenshots go to tests/e2e/artifacts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, openDemo } from './harness.mjs';

let demo;
let page;
before(async () => {
  demo = await openDemo();
  page = await demo.context.newPage();
  await page.goto(demo.url);
  await page.locator('.x6-graph-svg g[data-cell-id="web"]').waitFor({ timeout: 15000 });
});
after(async () => {
  await demo?.close();
});

/** The SVG group X6 draws for a cell (tools carry the same data-cell-id elsewhere). */
const cellSelector = (id) => `.x6-graph-svg g[data-cell-id="${id}"]`;
const cellCount = () => page.locator('.x6-graph-svg g[data-cell-id]').count();
/** X6 renders asynchronously: waits until `n` cells are drawn. */
const drawn = (n) =>
  page.waitForFunction((count) => document.querySelectorAll('.x6-graph-svg g[data-cell-id]').length === count, n, {
    timeout: 5000,
  });
const historyText = () => page.getByTestId('history-state').textContent();
const nodePosition = (id) =>
  page.evaluate((cellId) => {
    const box = document.querySelector(`.x6-graph-svg g[data-cell-id="${cellId}"]`).getBoundingClientRect();
    return { x: Math.round(box.x), y: Math.round(box.y) };
  }, id);

async function drag(id, dx, dy) {
  const box = await page.locator(cellSelector(id)).boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 10 });
  await page.mouse.up();
}

test('the editor opens with the sample data-flow diagram and nothing to undo', async () => {
  assert.equal(await cellCount(), 6, 'four elements and two flows');
  assert.equal(await historyText(), '0 undo · 0 redo');
  assert.equal(await page.getByTestId('undo').isDisabled(), true);
  assert.deepEqual(demo.errors, []);
});

test('hovering and selecting change what is drawn, never the history', async () => {
  await page.hover(cellSelector('web'));
  await page.click(cellSelector('user'));
  assert.equal(await page.locator(`${cellSelector('user')} [filter]`).count() > 0, true, 'the selection glows');
  assert.equal(await historyText(), '0 undo · 0 redo');
  await page.screenshot({ path: join(ARTIFACTS, 'demo-selection.png') });
  const decisions = await page.getByTestId('decision-log').textContent();
  assert.match(decisions, /selection-filter/, 'the change-filter panel names the rule');
  assert.match(decisions, /port-visibility/);
});

test('a drag is one undoable move; undo and redo restore it', async () => {
  const start = await nodePosition('orders');
  await drag('orders', 60, 110);
  const moved = await nodePosition('orders');
  assert.notDeepEqual(moved, start);
  assert.equal(await historyText(), '1 undo · 0 redo');
  await page.getByTestId('undo').click();
  assert.deepEqual(await nodePosition('orders'), start);
  await page.getByTestId('redo').click();
  assert.deepEqual(await nodePosition('orders'), moved);
});

test('adding from the palette, then Ctrl+Z and Ctrl+Shift+Z', async () => {
  await page.getByTestId('add-dfd-process').click();
  await drawn(7);
  assert.equal(await historyText(), '2 undo · 0 redo');
  await page.locator('.palette').click({ position: { x: 5, y: 400 } });
  await page.keyboard.press('Control+z');
  await drawn(6);
  await page.keyboard.press('Control+Shift+z');
  await drawn(7);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-added.png') });
});

test('renaming an element in place is recorded and undone', async () => {
  await page.dblclick(cellSelector('user'));
  const editor = page.locator('.x6-cell-tool-editor');
  await editor.waitFor();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Customer');
  await page.locator('.x6-graph-svg').click({ position: { x: 10, y: 10 } });
  await page.locator(`${cellSelector('user')} text`, { hasText: 'Customer' }).waitFor();
  assert.match(await historyText(), /^3 undo/);
  await page.getByTestId('undo').click();
  await page.locator(`${cellSelector('user')} text`, { hasText: 'User' }).waitFor();
});

test('deleting the selection removes its flows with it, as one step', async () => {
  await page.click(cellSelector('web'));
  await page.getByTestId('delete').click();
  await drawn(4); // the process and both of its flows are gone
  assert.equal(await historyText(), '3 undo · 0 redo', 'one step, and the redo stack is gone');
  await page.getByTestId('undo').click();
  await drawn(7);
  assert.deepEqual(demo.errors, [], 'no uncaught errors in the page');
});
