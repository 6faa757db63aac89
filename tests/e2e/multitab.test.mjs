// Several tabs of the demo editor on one Public diagram (auto-saved to the demo's stand-in
// server), in one Chromium profile: shared IndexedDB, localStorage (the server copy) and
// BroadcastChannel. Each test is one scenario of the multi-tab plan
// (../shared/seeds/multi-tab-sync-plan.md): the two-tab data-loss timeline and a
// leadership hand-over, a real server conflict answered each way, the saving tab closed
// right after an edit, a replayed (or stormed) channel message, the same field edited in
// two tabs at once, and ghost tabs.
//
// After each scenario the test checks, and reports together, every one of:
// - no conflict dialog where none is due;
// - exactly one tab saved to the server in each round (save events and server writes);
// - every tab knows the server copy's version (its auto-save base is the server's);
// - no acknowledged edit is lost: an edit is acknowledged once its tab's sync status shows
//   it committed (no pending change set, no commit in flight, no commit error);
// - every tab, the store (the diagram reopened in a new tab) and the server copy hold
//   identical cells.
//
// The tabs are observed through tests/e2e/pages/multitab-probe.js (an init script: it reads
// `window.diagramDemo` and logs save/sync/conflict events, server writes and dialogs); a
// helper page of the same origin (tests/e2e/pages/replayer.html, served by harness.mjs
// `serveTestPagesOnDemoOrigin`) listens on the diagram's channel and posts on it.
//
// Random choices are seeded (seeded.mjs): a fixed seed in `make test`, E2E_SEED=<n> for
// another one (the seed is printed).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { ARTIFACTS, TEST_PAGES, openDemo, serveTestPagesOnDemoOrigin } from './harness.mjs';
import { prng, seedFor } from './seeded.mjs';

const SEED = seedFor('multitab', 20251204);


let demo;
let openHelper;
before(async () => {
  demo = await openDemo();
  await demo.context.addInitScript({ path: join(TEST_PAGES, 'multitab-probe.js') });
  openHelper = await serveTestPagesOnDemoOrigin(demo);
});
after(async () => {
  await demo?.close();
});

/** What the tabs of the running test logged. */
const logged = { console: [], page: [] };
beforeEach(() => {
  logged.console.length = 0;
  logged.page.length = 0;
});

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Polls `check` (async, returns a value: truthy when the condition holds) until it holds
 * or `timeout` ms pass. Resolves to `{ ok, value }` with the last value seen: a test
 * waits for a condition, then reports what it saw if it never came.
 */
async function until(check, timeout = 10000, interval = 50) {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value && value.done !== false) return { ok: true, value };
    if (Date.now() - start > timeout) return { ok: false, value };
    await sleep(interval);
  }
}

/** JSON with object keys sorted and cells sorted by id: equal diagrams, equal text. */
const canonical = (value) => JSON.stringify(value, (_, v) => {
  if (Array.isArray(v) && v.every((item) => item && typeof item === 'object' && typeof item.id === 'string')) {
    return [...v].sort((a, b) => a.id.localeCompare(b.id));
  }
  return v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
    : v;
});
const valueAt = (cells, id, path) =>
  path.split('/').reduce((node, key) => (node == null ? undefined : node[key]), (cells ?? []).find((cell) => cell.id === id));
const label = (cells, id) => valueAt(cells, id, 'attrs/text/text');

/** The cells every test starts from (the sample's elements, with ids the tests name). */
const NODES = [
  { id: 'user', shape: 'dfd-actor', x: 40, y: 80, width: 140, height: 64, label: 'User' },
  { id: 'web', shape: 'dfd-process', x: 300, y: 52, width: 120, height: 120, label: 'Web app' },
  { id: 'orders', shape: 'dfd-store', x: 560, y: 84, width: 150, height: 56, label: 'Orders' },
];
const EDGES = [{ id: 'f1', shape: 'edge', source: { cell: 'user' }, target: { cell: 'web' } }];

/** Opens a tab of the editor (on `hash`, e.g. `#d=<id>`) and waits until it is bound. */
async function openTab(hash, name) {
  const page = await demo.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') logged.console.push(`${name}: ${message.text()}`);
  });
  page.on('pageerror', (error) => logged.page.push(`${name}: ${error.message}`));
  await page.goto(demo.url + (hash ?? ''));
  const wanted = hash ? new URLSearchParams(hash.slice(1)).get('d') : null;
  await page.waitForFunction((d) => window.e2e?.ready() && location.hash.includes('d=') && (!d || window.e2e.diagramId() === d),
    wanted, { timeout: 20000 });
  page.tabName = name;
  return page;
}

/**
 * Creates a Public diagram through the Manage dialog in a new tab (tab "A"), draws the
 * NODES and EDGES in it and waits until the server copy holds them. Resolves to
 * `{ id, hash, page }`.
 */
async function createPublicDiagram(title) {
  const page = await openTab('', 'A');
  const name = `${title} ${Date.now().toString(36)}`;
  await page.getByTestId('manage').click();
  await page.getByTestId('new-name').fill(name);
  await page.getByTestId('new-storage').selectOption('public');
  await page.getByTestId('new-diagram').click();
  await page.getByTestId('diagram-name').filter({ hasText: name }).waitFor();
  await page.waitForFunction(() => window.e2e.ready() && window.e2e.diagramId() === new URLSearchParams(location.hash.slice(1)).get('d'));
  const id = await page.evaluate(() => window.e2e.diagramId());
  await page.evaluate(([nodes, edges]) => {
    const { graph } = window.diagramDemo;
    for (const node of nodes) graph.addNode(node);
    for (const edge of edges) graph.addEdge(edge);
  }, [NODES, EDGES]);
  const saved = await until(async () => {
    const [snap, server] = await Promise.all([snapshot(page), serverCopy(page, id)]);
    return snap.cells.length === NODES.length + EDGES.length && canonical(server.cells) === canonical(snap.cells)
      && snap.save?.status.state === 'saved';
  }, 15000);
  assert.ok(saved.ok, 'the new Public diagram is saved to the server');
  return { id, hash: `#d=${encodeURIComponent(id)}`, page };
}

const snapshot = (page) => page.evaluate(() => window.e2e.snapshot());
const serverCopy = (page, id) => page.evaluate((d) => window.e2e.server(d), id);
const probeLog = (page) => page.evaluate(() => window.e2e.log);
const acknowledged = (sync) => Boolean(sync) && sync.pendingSets === 0 && !sync.committing && sync.error === null;
/** Waits until `page`'s edits are acknowledged (committed to IndexedDB). */
const ack = (page, timeout = 10000) => page.waitForFunction(() => window.e2e.acknowledged(), null, { timeout, polling: 10 });

/** Waits until `page` shows `n` other tabs in its status bar (default timeout 10 s). */
function peersShown(page, n, timeout = 10000) {
  const text = n === 0 ? 'only tab' : `${n} other tab${n > 1 ? 's' : ''}`;
  return page.getByTestId('sync-status').filter({ hasText: new RegExp(`^${text}( ·|$)`) }).waitFor({ timeout }).then(() => true, () => false);
}

/** The acknowledged edits: `cell/path` → value (later edits of a path replace earlier ones). */
class Ledger {
  constructor() {
    this.edits = new Map();
  }

  /** Makes an edit in `page` with `run` (a function of the page's `window.e2e`), waits
   * until it is acknowledged there and records `[cell, path, value]`. */
  async edit(page, [cell, path, value], run) {
    await page.evaluate(run, [cell, path, value]);
    await ack(page);
    this.record(cell, path, value, page.tabName);
  }

  record(cell, path, value, tab) {
    this.edits.set(`${cell}\u0000${path}`, { cell, path, value, tab });
  }

  /** The acknowledged edits `cells` lacks, as readable text. */
  missing(cells) {
    return [...this.edits.values()]
      .filter(({ cell, path, value }) => valueAt(cells, cell, path) !== value)
      .map(({ cell, path, value, tab }) => `${cell}/${path} = ${JSON.stringify(value)} (tab ${tab}) is ${JSON.stringify(valueAt(cells, cell, path))}`);
  }
}
const renameIn = ([cell, , value]) => window.e2e.rename(cell, value);
const moveIn = ([cell, path, value]) => {
  const cells = window.diagramDemo.state.cells();
  const position = { ...cells.find((c) => c.id === cell).position };
  position[path.split('/')[1]] = value;
  return window.e2e.move(cell, position.x, position.y);
};

/**
 * Waits until the round settles: every tab acknowledged, at one version with identical
 * cells, none saving or with a save due, and the server copy holding those cells; or a
 * conflict dialog shows in some tab. Resolves to `{ ok, value: { snaps, server, dialog } }`.
 */
function settled(pages, id, timeout = 15000) {
  return until(async () => {
    const snaps = await Promise.all(pages.map(snapshot));
    const server = await serverCopy(pages[0], id);
    const dialog = snaps.some((s) => s.dialog);
    const first = canonical(snaps[0].cells);
    const done = dialog || (
      snaps.every((s) => acknowledged(s.sync) && canonical(s.cells) === first && s.sync.committedVersion === snaps[0].sync.committedVersion)
      && snaps.every((s) => !s.save || (s.save.status.state !== 'saving' && s.save.nextSaveAt == null))
      // The saving tab's `saved` message reaches the others a moment after the server copy.
      && snaps.every((s) => !s.save || s.save.baseVersion === server.version)
      && canonical(server.cells ?? []) === first);
    return { done, snaps, server, dialog };
  }, timeout);
}

/** Screenshots every open tab (for people: tests/e2e/artifacts/multitab-<name>-<tab>.png). */
async function screenshots(pages, name) {
  for (const page of pages.filter((p) => !p.isClosed())) {
    await page.screenshot({ path: join(ARTIFACTS, `multitab-${name}-${page.tabName}.png`) }).catch(() => {});
  }
}

/**
 * The checks every scenario ends with; adds what fails to `problems`:
 * dialogs (none unless `dialogsDue`), saving tabs per round since `since` (exactly one
 * when `rounds` is set; `extraLogs` are logs of tabs closed meanwhile), the server version
 * known to every tab, the ledger in every tab, the store and the server, and identical cells.
 */
async function commonChecks(problems, { pages, id, hash, ledger, since, rounds = true, dialogsDue = false, extraLogs = [], storeTab = true }) {
  const open = pages.filter((page) => !page.isClosed());
  const result = await settled(open, id);
  if (!result.ok) problems.push(`the tabs did not settle within 15 s: ${JSON.stringify(result.value.snaps.map((s) => ({ save: s.saveText, sync: s.syncText, version: s.sync.committedVersion, pending: s.sync.pendingSets })))}`);
  const { snaps, server } = result.value;
  const logs = [...await Promise.all(open.map(async (page) => ({ tab: page.tabName, log: await probeLog(page) }))), ...extraLogs];

  if (!dialogsDue) {
    for (const { tab, log } of logs) {
      for (const dialog of log.dialogs.filter((d) => d.at >= since)) problems.push(`tab ${tab} showed a conflict dialog: "${dialog.text.slice(0, 120)}"`);
    }
  }
  if (rounds) {
    const savers = logs.filter(({ log }) => log.saves.some((s) => s.diagramId === id && s.at >= since && s.status.state === 'saving')).map(({ tab }) => tab);
    const writers = logs.filter(({ log }) => log.serverWrites.some((w) => w.diagramId === id && w.at >= since && !w.external)).map(({ tab }) => tab);
    if (savers.length !== 1) problems.push(`exactly one tab should save, but ${savers.length} tabs sent saves: [${savers}]`);
    if (writers.length > 1) problems.push(`exactly one tab should write the server copy, but ${writers.length} did: [${writers}]`);
  }
  open.forEach((page, i) => {
    const base = snaps[i].save?.baseVersion;
    if (base !== server.version) problems.push(`tab ${page.tabName} does not know the server copy's version: its auto-save base is v${base}, the server has v${server.version} (status "${snaps[i].saveText}")`);
  });

  open.forEach((page, i) => {
    for (const lost of ledger.missing(snaps[i].cells)) problems.push(`tab ${page.tabName} lost an acknowledged edit: ${lost}`);
  });
  for (const lost of ledger.missing(server.cells)) problems.push(`the server copy (v${server.version}) lacks an acknowledged edit: ${lost}`);
  const first = canonical(snaps[0].cells);
  open.forEach((page, i) => {
    if (canonical(snaps[i].cells) !== first) problems.push(`tab ${page.tabName} holds other cells than tab ${open[0].tabName}: ${diff(snaps[0].cells, snaps[i].cells)}`);
  });
  if (canonical(server.cells ?? []) !== first) problems.push(`the server copy (v${server.version}) differs from tab ${open[0].tabName}: ${diff(snaps[0].cells, server.cells ?? [])}`);
  if (storeTab) {
    const fresh = await openTab(hash, 'reopened');
    const stored = (await snapshot(fresh)).cells;
    await fresh.close();
    for (const lost of ledger.missing(stored)) problems.push(`the store (reopened tab) lost an acknowledged edit: ${lost}`);
    if (canonical(stored) !== first) problems.push(`the store (reopened tab) differs from tab ${open[0].tabName}: ${diff(snaps[0].cells, stored)}`);
  }
  for (const error of logged.page) problems.push(`uncaught page error: ${error}`);
  for (const error of logged.console.filter((text) => /panick|unreachable|RuntimeError/i.test(text))) problems.push(`panic in the console: ${error}`);
  return { snaps, server, logs };
}

/** The first paths where two cell lists differ (for messages). */
function diff(a, b) {
  const flat = (cells) => {
    const out = {};
    const walk = (value, prefix) => {
      if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${prefix}/${k}`);
      else out[prefix] = JSON.stringify(value);
    };
    for (const cell of cells ?? []) walk(cell, cell.id);
    return out;
  };
  const fa = flat(a);
  const fb = flat(b);
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((k) => fa[k] !== fb[k]);
  return keys.slice(0, 6).map((k) => `${k}: ${fa[k] ?? '(none)'} vs ${fb[k] ?? '(none)'}`).join('; ') || '(key order only)';
}

/** Fails with every problem found, after screenshots; prints console errors seen. */
async function report(problems, pages, name) {
  if (logged.console.length) console.log(`${name}: console errors: ${JSON.stringify(logged.console.slice(0, 10))}`);
  if (problems.length) await screenshots(pages, name);
  assert.deepEqual(problems, [], `${name}: ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}\n`);
}

async function closeAll(pages) {
  await Promise.all(pages.filter((page) => !page.isClosed()).map((page) => page.close()));
}

// ---------------------------------------------------------------------------------------

test('1. the seed timeline: A edits X, B edits Y 200 ms later: no dialog, one tab saves; then a hand-over saves on the right base', async () => {
  const problems = [];
  const { id, hash, page: a } = await createPublicDiagram('Timeline');
  const b = await openTab(hash, 'B');
  assert.ok(await peersShown(b, 1), 'tab B sees tab A');
  assert.match(await a.getByTestId('sync-status').textContent(), /this tab saves/, 'tab A (the first) saves');
  const ledger = new Ledger();

  // Round 1: the timeline of the seed.
  const since = Date.now();
  await a.evaluate(renameIn, ['user', 'attrs/text/text', 'X by A']);
  await b.evaluate(() => new Promise((done) => setTimeout(() => done(window.e2e.rename('orders', 'Y by B')), 200)));
  await Promise.all([ack(a), ack(b)]);
  ledger.record('user', 'attrs/text/text', 'X by A', 'A');
  ledger.record('orders', 'attrs/text/text', 'Y by B', 'B');
  await commonChecks(problems, { pages: [a, b], id, hash, ledger, since });
  const round1 = problems.length;

  // Round 2: the tab that saved round 1 closes; the other one takes over and edits again.
  const logs = { A: await probeLog(a), B: await probeLog(b) };
  const wrote = ['A', 'B'].filter((tab) => logs[tab].serverWrites.some((w) => w.diagramId === id && w.at >= since && !w.external));
  const leader = (await snapshot(a)).sync.leader ? 'A' : 'B';
  const closing = wrote.length === 1 ? wrote[0] : leader;
  const [gone, heir] = closing === 'A' ? [a, b] : [b, a];
  if (await heir.getByTestId('conflict-dialog').count()) problems.push(`hand-over: tab ${heir.tabName}, which takes over, still shows the conflict dialog of round 1`);
  const handover = Date.now();
  await gone.close();
  const leads = await heir.getByTestId('sync-status').filter({ hasText: 'this tab saves' }).waitFor({ timeout: 5000 }).then(() => true, () => false);
  if (!leads) problems.push(`hand-over: after tab ${gone.tabName} closed, tab ${heir.tabName} did not take over: "${await heir.getByTestId('sync-status').textContent()}"`);
  await ledger.edit(heir, ['web', 'attrs/text/text', 'edited after the hand-over'], renameIn);
  const before = problems.length;
  const { server } = await commonChecks(problems, { pages: [heir], id, hash, ledger, since: handover });
  for (let i = before; i < problems.length; i += 1) problems[i] = `hand-over: ${problems[i]}`;
  const conflict = (await probeLog(heir)).saves.find((s) => s.at >= handover && s.status.state === 'conflict');
  if (conflict) problems.push(`hand-over: tab ${heir.tabName}'s save got a 409 (the server had v${conflict.status.serverVersion}; its base is v${(await snapshot(heir)).save.baseVersion}, the server now v${server.version})`);
  console.log(`1: round 1 saved by [${wrote}] (leader ${leader}); ${round1} problem(s) in round 1, ${problems.length - round1} at the hand-over to ${heir.tabName}`);
  await report(problems, [a, b], 'timeline');
  await closeAll([a, b]);
});

for (const [answer, button] of [['refresh', 'Load theirs'], ['overwrite', 'Keep mine'], ['cancel', 'Decide later']]) {
  test(`2. a real server conflict answered "${button}": no acknowledged edit is lost and tabs, store and server end identical`, async () => {
    const problems = [];
    const { id, hash, page: a } = await createPublicDiagram(`Conflict ${answer}`);
    const b = await openTab(hash, 'B');
    assert.ok(await peersShown(b, 1), 'tab B sees tab A');
    const ledger = new Ledger();
    const since = Date.now();

    // Another client saves a newer server copy: it renamed "User".
    const before = await serverCopy(a, id);
    const theirs = before.cells.map((cell) => (cell.id === 'user' ? { ...cell, attrs: { ...cell.attrs, text: { ...cell.attrs.text, text: 'User (theirs)' } } } : cell));
    await a.evaluate(([d, copy]) => window.e2e.writeServer(d, copy), [id, { version: before.version + 1, cells: theirs }]);
    // Meanwhile this browser renames "Web app" and moves "Orders" (acknowledged).
    await ledger.edit(a, ['web', 'attrs/text/text', 'Web app (mine)'], renameIn);
    await ledger.edit(a, ['orders', 'position/y', 300], moveIn);

    const dialogShown = await until(async () => {
      const shown = [];
      for (const page of [a, b]) if (await page.getByTestId('conflict-dialog').count()) shown.push(page);
      return shown.length ? shown : null;
    }, 10000);
    assert.ok(dialogShown.ok, 'the saving tab shows the conflict dialog (the server has a newer version)');
    const withDialog = dialogShown.value;
    if (withDialog.length !== 1 || withDialog[0] !== a) problems.push(`only the saving tab A should show the dialog, but ${withDialog.map((p) => p.tabName)} did`);
    for (const page of withDialog) {
      await page.getByTestId(`conflict-${answer}`).click();
      await page.getByTestId('conflict-dialog').waitFor({ state: 'detached', timeout: 5000 }).catch(() => problems.push(`tab ${page.tabName}: the dialog stayed after "${button}"`));
    }
    // A dialog from the other tab may come a moment later (its own stale save).
    for (const page of [a, b]) {
      if (!withDialog.includes(page) && await page.getByTestId('conflict-dialog').count()) {
        problems.push(`tab ${page.tabName} showed the conflict dialog too`);
        await page.getByTestId(`conflict-${answer}`).click();
      }
    }
    // The other client's edit is an edit the server acknowledged.
    ledger.record('user', 'attrs/text/text', 'User (theirs)', 'other client');

    if (answer === 'cancel') {
      // Nothing is lost while the decision waits: the tabs and the store keep the edits.
      for (const page of [a, b]) {
        for (const lost of ledger.missing((await snapshot(page)).cells).filter((text) => !text.startsWith('user/'))) {
          problems.push(`after "Decide later", tab ${page.tabName} lost: ${lost}`);
        }
      }
      const status = await a.getByTestId('save-status').textContent();
      if (/Saved to server|up to date/.test(status)) problems.push(`after "Decide later" the status claims the server has everything: "${status}"`);
      // A later save resolves it.
      const later = Date.now();
      const thrown = await a.evaluate(() => {
        try {
          window.diagramDemo.state.saveNow();
          return null;
        } catch (error) {
          return `${error.code ?? ''} ${error.message}`;
        }
      });
      if (thrown) problems.push(`the later save (saveNow) threw: ${thrown}`);
      const again = await until(async () => {
        const [snap, server] = await Promise.all([snapshot(a), serverCopy(a, id)]);
        return snap.dialog ? { again: true } : (canonical(server.cells) === canonical(snap.cells) && snap.save.status.state === 'saved') ? { again: false } : null;
      }, 10000);
      if (!again.ok) problems.push('the later save did not finish within 10 s');
      else if (again.value.again) {
        problems.push('the later save (saveNow) did not resolve the conflict: the dialog came back');
        await a.getByTestId('conflict-cancel').click();
      }
      await commonChecks(problems, { pages: [a, b], id, hash, ledger, since: later, rounds: false, dialogsDue: true });
    } else {
      await commonChecks(problems, { pages: [a, b], id, hash, ledger, since, rounds: false, dialogsDue: true });
    }
    const final = await serverCopy(a, id);
    console.log(`2 (${button}): server v${final.version}: user="${label(final.cells, 'user')}", web="${label(final.cells, 'web')}", orders y=${valueAt(final.cells, 'orders', 'position/y')}`);
    await report(problems, [a, b], `conflict-${answer}`);
    await closeAll([a, b]);
  });
}

test('3. the saving tab renames a node and is closed at once, six times: the edit reaches the store, the open tab, a reopened tab and the server', async () => {
  const problems = [];
  const random = prng(SEED ^ 0x33);
  const { id, hash, page: first } = await createPublicDiagram('Closing');
  let saver = first;
  let other = await openTab(hash, 'B');
  assert.ok(await peersShown(other, 1), 'tab B sees tab A');
  const ledger = new Ledger();
  for (let round = 1; round <= 6; round += 1) {
    const where = `round ${round}`;
    const node = ['user', 'web', 'orders'][Math.floor(random() * 3)];
    const text = `closing ${round} ${Math.floor(random() * 1e6).toString(36)}`;
    const isSaver = await saver.evaluate(() => window.diagramDemo.state.syncStatus.leader);
    if (!isSaver) problems.push(`${where}: tab ${saver.tabName} was expected to be the saving tab`);
    // The edit, then the tab closes at once: no acknowledgement is awaited.
    await saver.evaluate(([n, t]) => window.e2e.rename(n, t), [node, text]);
    await saver.close();
    ledger.record(node, 'attrs/text/text', text, saver.tabName);

    const shown = await until(async () => label((await snapshot(other)).cells, node) === text, 10000);
    const otherVersion = (await snapshot(other)).sync.committedVersion;
    const reopened = await openTab(hash, `R${round}`);
    const { cells: stored, sync: storedSync } = await snapshot(reopened);
    if (!shown.ok) {
      problems.push(`${where}: the open tab ${other.tabName} did not show "${text}" on ${node} within 10 s (it was at v${otherVersion}, the store at v${storedSync.committedVersion}${label(stored, node) === text ? ': the store had the edit, the open tab was never told' : ''})`);
    }
    if (label(stored, node) !== text) problems.push(`${where}: the store (reopened tab) has "${label(stored, node)}" on ${node}, not "${text}"`);
    const onServer = await until(async () => label((await serverCopy(other, id)).cells, node) === text, 10000);
    if (!onServer.ok) problems.push(`${where}: the server copy never got "${text}" (it has "${label((await serverCopy(other, id)).cells, node)}")`);
    // The open tab's status tells the truth about the server copy.
    const statusOk = await until(async () => {
      const [snap, server] = await Promise.all([snapshot(other), serverCopy(other, id)]);
      const claimsSaved = /Saved to server · v(\d+)|Server copy up to date/.exec(snap.saveText);
      const same = canonical(server.cells) === canonical(snap.cells);
      if (claimsSaved && claimsSaved[1] && Number(claimsSaved[1]) !== server.version) return { done: false, wrong: `says v${claimsSaved[1]}, the server has v${server.version}` };
      if (claimsSaved && !same) return { done: false, wrong: `"${snap.saveText}" but the server copy differs: ${diff(snap.cells, server.cells)}` };
      return { done: Boolean(claimsSaved) === same && snap.save.status.state !== 'saving', text: snap.saveText };
    }, 10000);
    if (!statusOk.ok) problems.push(`${where}: tab ${other.tabName}'s save status is not truthful: ${statusOk.value?.wrong ?? statusOk.value?.text}`);
    const dialogs = (await probeLog(other)).dialogs.length;
    if (dialogs) problems.push(`${where}: tab ${other.tabName} showed a conflict dialog`);
    saver = other;
    other = reopened;
  }
  await commonChecks(problems, { pages: [saver, other], id, hash, ledger, since: Date.now(), rounds: false });
  await report(problems, [saver, other], 'closing');
  await closeAll([saver, other]);
});

/** Opens the replayer page, listening on diagram `id`'s channel. */
async function replayerOn(id) {
  const page = await openHelper('replayer.html');
  await page.waitForFunction(() => window.replayerReady === true);
  await page.evaluate((d) => window.replayer.listen(d), id);
  page.tabName = 'replayer';
  return page;
}

/**
 * Waits until `page` has read what the replayer posted so far: messages from one sender
 * arrive in order, so once the tab answers a `hello` posted after them (with `here`), it
 * has read them. The probe tab then says `bye`.
 */
async function channelRead(replayer, id, page) {
  const tabId = (await snapshot(page)).sync.tabId;
  const probe = `probe-${Date.now().toString(36)}`;
  const at = Date.now();
  await replayer.evaluate(([d, t]) => window.replayer.post(d, { protocol: 1, diagramId: d, tabId: t, version: 0, type: 'hello' }), [id, probe]);
  const answered = await until(async () => (await replayer.evaluate(([d, since]) => window.replayer.messages(d, 'here').filter((m) => m.at >= since).map((m) => m.tabId), [id, at])).includes(tabId), 5000);
  await replayer.evaluate(([d, t]) => window.replayer.post(d, { protocol: 1, diagramId: d, tabId: t, version: 0, type: 'bye' }), [id, probe]);
  assert.ok(answered.ok, `tab ${page.tabName} read the replayer's messages (it answered a hello posted after them)`);
}

test('4. a replayed commit ("first" again, with version = current + 1) changes nothing: tabs and store identical, every rename kept', async () => {
  const problems = [];
  const { id, hash, page: a } = await createPublicDiagram('Replay');
  const b = await openTab(hash, 'B');
  assert.ok(await peersShown(b, 1), 'tab B sees tab A');
  const replayer = await replayerOn(id);
  const ledger = new Ledger();
  const since = Date.now();
  const aTab = (await snapshot(a)).sync.tabId;
  const firstAt = Date.now();
  await ledger.edit(a, ['user', 'attrs/text/text', 'first'], renameIn);
  assert.ok((await until(async () => label((await snapshot(b)).cells, 'user') === 'first')).ok, 'tab B follows');
  const secondAt = Date.now();
  await ledger.edit(a, ['user', 'attrs/text/text', 'second'], renameIn);
  assert.ok((await until(async () => label((await snapshot(b)).cells, 'user') === 'second')).ok, 'tab B follows');

  // A's real commit of "first": the one that carries it, else the one A posted meanwhile.
  const commits = (await replayer.evaluate((d) => window.replayer.messages(d, 'commit'), id)).filter((m) => m.tabId === aTab);
  const firstCommit = commits.find((m) => JSON.stringify(m.changes ?? []).includes('"first"'))
    ?? commits.find((m) => m.at >= firstAt && m.at < secondAt);
  assert.ok(firstCommit, `the replayer recorded A's commit of "first" (${commits.length} commits of A seen)`);
  const current = (await snapshot(a)).sync.committedVersion;
  const { at, ...replayed } = firstCommit;
  await replayer.evaluate(([d, message]) => window.replayer.post(d, message), [id, { ...replayed, version: current + 1 }]);
  await channelRead(replayer, id, b);

  await ledger.edit(a, ['web', 'attrs/text/text', 'Web app renamed'], renameIn);
  await ledger.edit(b, ['user', 'position/y', 333], moveIn);
  const { snaps } = await commonChecks(problems, { pages: [a, b], id, hash, ledger, since });
  console.log(`4: after the replay, user="${label(snaps[1].cells, 'user')}" in B; B's sync: ${JSON.stringify({ ...snaps[1].sync, tabId: undefined })}`);
  await report(problems, [a, b], 'replay');
  await closeAll([a, b, replayer]);
});

test('4b. a storm of replayed real commits with altered versions while A and B edit disjoint cells: no divergence, no conflicts, no resync storm', async () => {
  const problems = [];
  const random = prng(SEED ^ 0x4b);
  const { id, hash, page: a } = await createPublicDiagram('Storm');
  const b = await openTab(hash, 'B');
  assert.ok(await peersShown(b, 1), 'tab B sees tab A');
  const replayer = await replayerOn(id);
  const ledger = new Ledger();
  const since = Date.now();
  let posted = 0;
  // A owns "user" and "web", B owns "orders"; between edits the replayer replays
  // recorded commits with versions around the current one.
  for (let round = 0; round < 12; round += 1) {
    const [cell, path, value] = round % 2 === 0
      ? [random() < 0.5 ? 'user' : 'web', 'attrs/text/text', `A${round}-${Math.floor(random() * 1000)}`]
      : ['orders', random() < 0.5 ? 'attrs/text/text' : 'position/x', random() < 0.5 ? `B${round}` : 100 + Math.floor(random() * 500)];
    const page = round % 2 === 0 ? a : b;
    const run = path === 'attrs/text/text' ? renameIn : moveIn;
    const fixed = path === 'position/x' ? ['orders', 'position/x', typeof value === 'number' ? value : 200 + round] : [cell, path, value];
    await ledger.edit(page, fixed, run);
    if (round >= 2) {
      const base = (await snapshot(a)).sync.committedVersion;
      const storm = await replayer.evaluate(([d, options]) => window.replayer.storm(d, options), [id, { seed: Math.floor(random() * 2 ** 31), count: 8, base }]);
      posted += storm.length;
    }
  }
  const { snaps } = await commonChecks(problems, { pages: [a, b], id, hash, ledger, since });
  for (const [i, page] of [a, b].entries()) {
    const { conflicts, resyncs } = snaps[i].sync;
    if (conflicts > 0) problems.push(`tab ${page.tabName} reported ${conflicts} conflict(s) though A and B edited disjoint cells`);
    if (resyncs > 2) problems.push(`tab ${page.tabName} resynced ${resyncs} times (a resync storm)`);
  }
  console.log(`4b: ${posted} replayed messages; sync A ${JSON.stringify({ ...snaps[0].sync, tabId: undefined })}; B ${JSON.stringify({ ...snaps[1].sync, tabId: undefined })}`);
  await report(problems, [a, b], 'storm');
  await closeAll([a, b, replayer]);
});

test('5. the same label edited in two tabs at once: the later edit wins and the losing tab is told, with both values', async () => {
  const problems = [];
  const { id, hash, page: a } = await createPublicDiagram('Same field');
  const b = await openTab(hash, 'B');
  assert.ok(await peersShown(b, 1), 'tab B sees tab A');
  const holder = await replayerOn(id);
  const since = Date.now();
  // The store is held a moment, so both commits are made one right after the other (as
  // when two people rename the same element within milliseconds).
  const held = holder.evaluate(() => window.replayer.holdStore(600));
  await holder.waitForFunction(() => window.replayerHolding === true);
  await a.evaluate(() => window.e2e.rename('web', 'from A'));
  await b.evaluate(() => window.e2e.rename('web', 'from B'));
  await held;
  await Promise.all([ack(a), ack(b)]);
  const converged = await until(async () => {
    const snaps = await Promise.all([a, b].map(snapshot));
    return canonical(snaps[0].cells) === canonical(snaps[1].cells) ? snaps : null;
  });
  assert.ok(converged.ok, 'the tabs converge');
  const final = label(converged.value[0].cells, 'web');
  assert.ok(['from A', 'from B'].includes(final), `one of the two values wins (${final})`);
  const loser = final === 'from A' ? b : a;
  const winner = loser === a ? b : a;
  const ledger = new Ledger();
  ledger.record('web', 'attrs/text/text', final, winner.tabName);

  const told = await until(async () => (await probeLog(loser)).conflicts.find(({ conflict }) => conflict.cellId === 'web'), 5000);
  if (!told.ok) {
    const winnerConflicts = (await probeLog(winner)).conflicts.map(({ conflict }) => conflict);
    problems.push(`the losing tab ${loser.tabName} (its "${loser === a ? 'from A' : 'from B'}" was replaced by "${final}") got no conflict event; the winning tab ${winner.tabName} got ${JSON.stringify(winnerConflicts)}`);
  } else {
    const { conflict } = told.value;
    const values = [conflict.local, conflict.remote].map(String).sort();
    if (conflict.path !== 'attrs/text/text' || JSON.stringify(values) !== JSON.stringify(['from A', 'from B'])) {
      problems.push(`the losing tab's conflict event lacks both values: ${JSON.stringify(conflict)}`);
    }
  }
  const notice = await loser.getByTestId('replaced-notice').first().waitFor({ timeout: 5000 }).then(() => loser.getByTestId('replaced-notice').first().textContent(), () => null);
  if (notice === null) problems.push(`the losing tab ${loser.tabName} shows no [data-testid="replaced-notice"]`);
  else if (!notice.includes('from A') || !notice.includes('from B')) problems.push(`the replaced notice does not show both values: "${notice}"`);
  else await loser.screenshot({ path: join(ARTIFACTS, 'multitab-replaced-notice.png') });
  await commonChecks(problems, { pages: [a, b], id, hash, ledger, since });
  await report(problems, [a, b], 'same-field');
  await closeAll([a, b, holder]);
});

test('6. ghost tabs: a closed tab leaves the peer count, and a flood of 1,000 hello/here from unknown tabs drains', async () => {
  const problems = [];
  const { id, hash, page: a } = await createPublicDiagram('Ghosts');
  const b = await openTab(hash, 'B');
  const c = await openTab(hash, 'C');
  for (const page of [a, b, c]) assert.ok(await peersShown(page, 2), `tab ${page.tabName} sees the two others`);
  await c.close();
  await Promise.all([a, b].map(async (page) => {
    if (!(await peersShown(page, 1, 25000))) {
      problems.push(`25 s after tab C closed, tab ${page.tabName} still shows "${await page.getByTestId('sync-status').textContent()}"`);
    }
  }));

  const replayer = await replayerOn(id);
  const version = (await snapshot(a)).sync.committedVersion;
  const flood = await replayer.evaluate(([d, options]) => window.replayer.flood(d, options), [id, { seed: SEED ^ 0x66, count: 1000, version }]);
  // The tabs read the flood: they answer the hellos.
  const tabIds = await Promise.all([a, b].map(async (page) => (await snapshot(page)).sync.tabId));
  const answered = await until(async () => {
    const heres = await replayer.evaluate(([d, at]) => window.replayer.messages(d, 'here').filter((m) => m.at >= at).map((m) => m.tabId), [id, flood.at - 1000]);
    return tabIds.every((tab) => heres.includes(tab));
  }, 10000);
  assert.ok(answered.ok, 'both tabs read the flood (they answered its hellos)');
  const peak = await Promise.all([a, b].map(async (page) => (await probeLog(page)).maxPeers));
  await Promise.all([a, b].map(async (page) => {
    if (!(await peersShown(page, 1, 25000))) {
      const sync = (await snapshot(page)).sync;
      problems.push(`25 s after the flood, tab ${page.tabName} still counts ${sync.peers} other tabs ("${await page.getByTestId('sync-status').textContent()}")`);
    }
  }));
  console.log(`6: flood of 1000 from the replayer; peak peers A ${peak[0]}, B ${peak[1]}`);
  await report(problems, [a, b], 'ghosts');
  await closeAll([a, b, replayer]);
});
