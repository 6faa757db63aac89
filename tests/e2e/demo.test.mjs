// The demo editor as a person uses it, in Chromium with a persistent profile (IndexedDB
// survives reloads): edit, undo/redo, reload, two tabs, manage diagrams, server auto-save
// and conflicts. Each test starts from a first visit in a browser profile of its own, so
// any one can run (and fail) alone. Screenshots of the main states go to tests/e2e/artifacts.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { ARTIFACTS, openDemo } from './harness.mjs';
import { holdDatabase } from './hold.mjs';

let demo;
let page;
beforeEach(async () => {
  demo = await openDemo();
  page = await openEditor();
});
afterEach(async () => {
  await demo?.close();
});

/** Opens the editor in a new tab (at `hash`, e.g. `#d=<id>`) and waits for the canvas. */
async function openEditor(hash = '') {
  const tab = await demo.context.newPage();
  tab.on('console', (message) => {
    if (message.type() === 'error') demo.errors.push(message.text());
  });
  await tab.goto(demo.url + hash);
  await tab.locator('.x6-graph-svg g[data-cell-id]').first().waitFor({ timeout: 15000 });
  return tab;
}

/** The SVG group X6 draws for a cell (tools carry the same data-cell-id elsewhere). */
const cell = (id) => `.x6-graph-svg g[data-cell-id="${id}"]`;
const cellCount = (tab = page) => tab.locator('.x6-graph-svg g[data-cell-id]').count();
/** X6 renders asynchronously: waits until `n` cells are drawn. */
const drawn = (n, tab = page) =>
  tab.waitForFunction((count) => document.querySelectorAll('.x6-graph-svg g[data-cell-id]').length === count, n, { timeout: 5000 });
const historyText = (tab = page) => tab.getByTestId('history-state').textContent();
/** A node's position in the diagram (X6 draws a node at `translate(x,y)`). */
const position = (id, tab = page) =>
  tab.evaluate((selector) => {
    const [, x, y] = document.querySelector(selector).getAttribute('transform').match(/translate\(([-\d.]+),\s*([-\d.]+)\)/);
    return { x: Number(x), y: Number(y) };
  }, cell(id));
const savedLocally = (tab = page) => tab.getByTestId('save-status').filter({ hasText: 'Saved in this browser' }).waitFor();

async function drag(id, dx, dy, tab = page) {
  const box = await tab.locator(cell(id)).boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await tab.mouse.move(x, y);
  await tab.mouse.down();
  await tab.mouse.move(x + dx, y + dy, { steps: 10 });
  await tab.mouse.up();
}

async function rename(id, text, tab = page) {
  await tab.dblclick(cell(id));
  await tab.locator('.x6-cell-tool-editor').waitFor();
  await tab.keyboard.press('Control+a');
  await tab.keyboard.type(text);
  await tab.locator('.x6-graph-svg').click({ position: { x: 10, y: 10 } });
  await tab.locator(`${cell(id)} text`, { hasText: text }).waitFor();
}

test('a first visit opens the sample data-flow diagram, stored locally, with nothing to undo', async () => {
  assert.equal(await cellCount(), 6, 'four elements and two flows');
  assert.equal(await page.getByTestId('diagram-name').textContent(), 'Payments');
  assert.equal(await historyText(), '0 undo · 0 redo');
  assert.equal(await page.getByTestId('undo').isDisabled(), true);
  await savedLocally();
  assert.match(page.url(), /#d=/, 'the diagram is in the URL');
});

test('hovering and selecting change what is drawn, never the history', async () => {
  await page.hover(cell('web'));
  await page.click(cell('user'));
  assert.ok((await page.locator(`${cell('user')} [filter]`).count()) > 0, 'the selection glows');
  assert.equal(await historyText(), '0 undo · 0 redo');
  const decisions = await page.getByTestId('decision-log').textContent();
  assert.match(decisions, /selection-filter/, 'the change-filter panel names the rule');
  assert.match(decisions, /port-visibility/);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-selection.png') });
});

test('a drag is one undoable move; undo after selecting undoes the move, not the selection', async () => {
  const start = await position('orders');
  await drag('orders', 60, 110);
  const moved = await position('orders');
  assert.notDeepEqual(moved, start);
  assert.equal(await historyText(), '1 undo · 0 redo');
  await page.click(cell('user'));
  await page.getByTestId('undo').click();
  assert.deepEqual(await position('orders'), start);
  await page.getByTestId('redo').click();
  assert.deepEqual(await position('orders'), moved);
});

test('adding from the palette, then Ctrl+Z and Ctrl+Shift+Z', async () => {
  await page.getByTestId('add-dfd-process').click();
  await drawn(7);
  assert.equal(await historyText(), '1 undo · 0 redo');
  await page.locator('.palette').click({ position: { x: 5, y: 400 } });
  await page.keyboard.press('Control+z');
  await drawn(6);
  await page.keyboard.press('Control+Shift+z');
  await drawn(7);
});

test('renaming an element in place is one edit, undone and redone', async () => {
  await rename('user', 'Customer');
  assert.equal(await historyText(), '1 undo · 0 redo');
  await page.getByTestId('undo').click();
  await page.locator(`${cell('user')} text`, { hasText: 'User' }).waitFor();
  await page.getByTestId('redo').click();
  await page.locator(`${cell('user')} text`, { hasText: 'Customer' }).waitFor();
});

test('deleting the selection removes its flows with it, as one step', async () => {
  await page.click(cell('web'));
  await page.getByTestId('delete').click();
  await drawn(3);
  assert.equal(await historyText(), '1 undo · 0 redo');
  await page.getByTestId('undo').click();
  await drawn(6);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-edited.png') });
});

test('a reload shows the same diagram', async () => {
  await drag('orders', 60, 110);
  await rename('user', 'Customer');
  await savedLocally();
  const before = { orders: await position('orders'), cells: await cellCount() };
  await page.reload();
  await page.locator(cell('orders')).waitFor({ timeout: 15000 });
  await drawn(before.cells);
  assert.deepEqual(await position('orders'), before.orders);
  await page.locator(`${cell('user')} text`, { hasText: 'Customer' }).waitFor();
  assert.equal(await historyText(), '0 undo · 0 redo', 'history starts afresh after a reload');
});

test('two tabs on the same diagram see each other’s edits live', async () => {
  const hash = new URL(page.url()).hash;
  const second = await openEditor(hash);
  await second.getByTestId('sync-status').filter({ hasText: '1 other tab' }).waitFor();
  await rename('orders', 'Ledger', second);
  await page.locator(`${cell('orders')} text`, { hasText: 'Ledger' }).waitFor({ timeout: 5000 });
  await drag('web', -40, 80);
  const moved = await position('web');
  await second.waitForFunction(([selector, x]) => document.querySelector(selector).getAttribute('transform').includes(`translate(${x},`),
    [cell('web'), moved.x], { timeout: 5000 });
  assert.equal(await historyText(second), '1 undo · 0 redo', "the other tab's edits are not in this tab's undo");
  await page.screenshot({ path: join(ARTIFACTS, 'demo-two-tabs.png') });
  await second.close();
});

test('manage diagrams: create, rename, duplicate, export, import and delete', async () => {
  await page.getByTestId('manage').click();
  await page.getByTestId('new-name').fill('Threat model');
  await page.getByTestId('new-diagram').click();
  await page.getByTestId('diagram-name').filter({ hasText: 'Threat model' }).waitFor();
  await page.getByTestId('add-dfd-store').click();
  await drawn(1);
  await savedLocally();

  await page.getByTestId('manage').click();
  const rows = page.getByTestId('diagram-entry');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  const row = rows.filter({ hasText: 'Threat model' });
  assert.match(await row.textContent(), /Local/);
  page.once('dialog', (dialog) => dialog.accept('Threat model v2'));
  await row.getByRole('button', { name: 'Rename' }).click();
  await rows.filter({ hasText: 'Threat model v2' }).waitFor();
  await rows.filter({ hasText: 'Threat model v2' }).getByRole('button', { name: 'Duplicate' }).click();
  await rows.filter({ hasText: '(copy)' }).waitFor();
  assert.equal(await rows.count(), 3);

  const download = page.waitForEvent('download');
  await rows.filter({ hasText: 'Payments' }).getByTestId('export').click();
  const file = await (await download).path();
  const exported = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(exported.cells.length, 6);
  await page.getByTestId('import-file').setInputFiles({ name: 'Imported.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await page.getByTestId('diagram-name').filter({ hasText: 'Imported' }).waitFor();
  await drawn(6);
  const shown = await page.evaluate(() => document.querySelectorAll('.x6-graph-svg g[data-cell-id]').length);
  assert.equal(shown, exported.cells.length, 'the import shows what was exported');

  await page.getByTestId('manage').click();
  page.once('dialog', (dialog) => dialog.accept());
  await rows.filter({ hasText: '(copy)' }).getByRole('button', { name: 'Delete' }).click();
  await rows.filter({ hasText: '(copy)' }).waitFor({ state: 'detached' });
  assert.equal(await rows.count(), 3);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-manage.png') });
  await page.getByRole('button', { name: 'Close' }).click();
});

test('a public diagram auto-saves to the server, shows retries and resolves a conflict', async () => {
  await page.getByTestId('manage').click();
  await page.getByTestId('new-name').fill('Shared model');
  await page.getByTestId('new-storage').selectOption('public');
  await page.getByTestId('new-diagram').click();
  await page.getByTestId('diagram-name').filter({ hasText: 'Shared model' }).waitFor();
  await page.getByTestId('add-dfd-actor').click();
  await page.getByTestId('save-status').filter({ hasText: 'Saved to server · v1' }).waitFor({ timeout: 5000 });
  assert.match(await page.getByTestId('decision-tree').textContent(), /Save \(debounced\) ✓/);

  await page.getByTestId('server-mode').selectOption('failing');
  await page.getByTestId('add-dfd-process').click();
  await page.getByTestId('save-status').filter({ hasText: /503.*retry in \d+ s \(attempt 1\)/ }).waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(ARTIFACTS, 'demo-save-retry.png') });
  await page.getByTestId('server-mode').selectOption('ok');
  await page.getByTestId('save-status').filter({ hasText: 'Saved to server · v2' }).waitFor({ timeout: 8000 });

  await page.getByTestId('server-mode').selectOption('conflict-once');
  await page.getByTestId('add-dfd-store').click();
  await page.getByTestId('conflict-dialog').waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(ARTIFACTS, 'demo-conflict.png') });
  await page.getByTestId('conflict-refresh').click();
  await page.locator('.x6-graph-svg text', { hasText: '(edited elsewhere)' }).first().waitFor();
  assert.equal(await page.getByTestId('conflict-dialog').count(), 0);
});

test('with "ask me", moving the same element in two tabs at once opens the conflict dialog', async () => {
  await page.getByTestId('policy').selectOption('ask');
  await page.getByTestId('manage').click();
  await page.getByTestId('diagram-entry').filter({ hasText: 'Payments' }).getByRole('button', { name: 'Payments' }).click();
  await page.getByTestId('diagram-name').filter({ hasText: 'Payments' }).waitFor();
  await page.locator(cell('orders')).waitFor();
  const second = await openEditor(new URL(page.url()).hash);
  await second.getByTestId('sync-status').filter({ hasText: '1 other tab' }).waitFor();
  // The database is held for a moment, so both moves are committed one right after the
  // other (as when two people drag the same element within milliseconds).
  const held = await holdDatabase(page, 2500);
  await Promise.all([drag('orders', 0, 90, second), drag('orders', 0, -60)]);
  await held.done;
  const tabWithDialog = await Promise.race([page, second].map((tab) =>
    tab.getByTestId('conflict-dialog').waitFor({ timeout: 5000 }).then(() => tab)));
  await tabWithDialog.screenshot({ path: join(ARTIFACTS, 'demo-tab-conflict.png') });
  while (await tabWithDialog.getByTestId('conflict-dialog').count()) {
    await tabWithDialog.getByTestId('conflict-keep-mine').click();
  }
  const mine = await position('orders', tabWithDialog);
  const other = tabWithDialog === page ? second : page;
  await other.waitForFunction(([selector, y]) => document.querySelector(selector).getAttribute('transform').endsWith(`,${y})`),
    [cell('orders'), mine.y], { timeout: 5000 });
  await second.close();
  assert.deepEqual(demo.errors, [], 'no errors in any tab');
});
