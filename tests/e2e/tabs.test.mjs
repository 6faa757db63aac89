// Several real tabs on one diagram, in one Chromium profile (shared IndexedDB and
// BroadcastChannel): concurrent edits converge, no acknowledged edit is lost, a tab that
// closes mid-stream or joins late changes nothing of that, and one tab leads. Random
// choices are seeded (E2E_SEED, see seeded.mjs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestPages } from './harness.mjs';
import { holdDatabase } from './hold.mjs';
import { prng, seedFor } from './seeded.mjs';

let browser;
before(async () => {
  browser = await openTestPages();
});
after(async () => {
  await browser?.close();
});

/** Opens a tab on the test page for database `db`. */
async function openTab(db, policy = 'laterWins') {
  const page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') browser.errors.push(message.text());
  });
  const url = new URL(`/tests/e2e/pages/tabs.html?db=${db}&policy=${policy}`, browser.url);
  await page.goto(url.href);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
  return page;
}

/** JSON with object keys sorted: equal values give equal text whatever the key order. */
const canonical = (value) =>
  JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
    : v));

/** Waits until every tab holds the same cells in its state and its graph. */
async function converged(pages, timeoutMs = 10000) {
  const start = Date.now();
  for (;;) {
    const snapshots = await Promise.all(pages.map((page) => page.evaluate(() => window.tab.snapshot())));
    const first = canonical(snapshots[0].state);
    const same = snapshots.every((s) => canonical(s.state) === first && canonical(s.graph) === first);
    if (same) return snapshots[0].state;
    if (Date.now() - start > timeoutMs) {
      assert.fail(`tabs did not converge: ${JSON.stringify(snapshots.map((s) => [s.state, s.graph, s.status]))}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

const unique = () => `db-${Date.now()}-${Math.random().toString(36).slice(2)}`;

test('tab A sets X while tab B sets Y: every tab and the store keep both', async () => {
  const db = unique();
  const a = await openTab(db);
  const b = await openTab(db);
  const id = await a.evaluate(() => window.tab.create(2));
  await a.evaluate((d) => window.tab.open(d), id);
  await b.evaluate((d) => window.tab.open(d), id);
  await Promise.all([
    a.evaluate(() => window.tab.setData('n0', 'x', 'from A')),
    b.evaluate(() => window.tab.setData('n0', 'y', 'from B')),
  ]);
  await Promise.all([a, b].map((page) => page.evaluate(() => window.tab.acknowledged())));
  const final = await converged([a, b]);
  assert.deepEqual(final.n0, { x: 'from A', y: 'from B' });
  const fresh = await openTab(db);
  await fresh.evaluate((d) => window.tab.open(d), id);
  assert.deepEqual((await fresh.evaluate(() => window.tab.snapshot())).state.n0, { x: 'from A', y: 'from B' });
  await Promise.all([a, b, fresh].map((page) => page.close()));
});

test('three tabs edit at random, one closes mid-stream, one joins late: no acknowledged edit is lost', async () => {
  const seed = seedFor('three tabs edit at random', 7);
  const db = unique();
  const tabs = [await openTab(db), await openTab(db), await openTab(db)];
  const id = await tabs[0].evaluate(() => window.tab.create(12));
  for (const page of tabs) await page.evaluate((d) => window.tab.open(d), id);

  /** path → [{ tab, value }] for acknowledged edits. */
  const ledger = new Map();
  let count = 0;
  const EDITS = 30;
  const editor = async (page, name, edits, afterEach = async () => {}) => {
    // Each tab draws from its own generator: the tabs' interleaving does not change its choices.
    const random = prng(seed + name.charCodeAt(0));
    for (let n = 1; n <= edits && !page.isClosed(); n += 1) {
      const node = `n${Math.floor(random() * 12)}`;
      // Mostly this tab's own fields (must all survive), sometimes a shared one (same path
      // on several tabs: the later commit wins).
      const key = random() < 0.8 ? `${name}${n % 4}` : `shared${n % 2}`;
      const value = `${name}-${n}`;
      try {
        await page.evaluate(([c, k, v]) => window.tab.setData(c, k, v), [node, key, value]);
        await page.evaluate(() => window.tab.acknowledged());
      } catch (error) {
        if (page.isClosed()) return; // closed mid-edit: that edit was never acknowledged
        throw error;
      }
      const path = `${node}/${key}`;
      if (!ledger.has(path)) ledger.set(path, []);
      ledger.get(path).push({ tab: name, value });
      count += 1;
      await afterEach(n);
    }
  };
  // Tab c closes in the middle of its edits (without waiting for the one it started);
  // a late tab d joins then and edits too.
  let joined;
  const closing = editor(tabs[2], 'c', EDITS, async (n) => {
    if (n === EDITS / 3) {
      const started = tabs[2].evaluate(() => window.tab.setData('n0', 'c-closing', 'unacknowledged')).catch(() => {});
      await tabs[2].close();
      await started;
      const late = await openTab(db);
      await late.evaluate((d) => window.tab.open(d), id);
      joined = late;
    }
  });
  await Promise.all([editor(tabs[0], 'a', EDITS), editor(tabs[1], 'b', EDITS), closing]);
  await editor(joined, 'd', EDITS / 2);
  const late = joined;

  const open = [tabs[0], tabs[1], late];
  const final = await converged(open);
  const fresh = await openTab(db);
  await fresh.evaluate((d) => window.tab.open(d), id);
  const stored = (await fresh.evaluate(() => window.tab.snapshot())).state;
  assert.deepEqual(stored, final, 'the store holds what the tabs show');

  let own = 0;
  for (const [path, edits] of ledger) {
    const [node, key] = path.split('/');
    const value = final[node][key];
    if (key.startsWith('shared')) {
      assert.ok(edits.some((edit) => edit.value === value), `${path}: ${value} is one of the acknowledged edits`);
    } else {
      own += 1;
      // The last acknowledged edit survives, or a later edit of the same tab replaced it (an
      // edit committed while its tab closed, before the acknowledgement reached the test).
      const counter = (text) => Number(String(text).split('-')[1]);
      const last = edits.at(-1);
      assert.ok(
        value === last.value || (String(value).startsWith(`${last.tab}-`) && counter(value) > counter(last.value)),
        `${path}: ${value} is the last acknowledged edit ${last.value} or a later one of its tab`,
      );
    }
  }
  console.log(`${count} acknowledged edits on ${ledger.size} paths (${own} single-tab paths), 0 lost`);
  assert.equal(count, EDITS * 2 + EDITS / 3 + EDITS / 2, 'every edit of the open tabs was acknowledged');
  const statuses = await Promise.all(open.map((page) => page.evaluate(() => window.tab.status())));
  assert.equal(new Set(statuses.map((s) => s.committedVersion)).size, 1, 'every tab is at the same version');
  await Promise.all([...open, fresh].map((page) => page.close()));
});

test('exactly one tab leads, and another takes over when it closes', async () => {
  const db = unique();
  const tabs = [await openTab(db), await openTab(db), await openTab(db)];
  const id = await tabs[0].evaluate(() => window.tab.create(1));
  for (const page of tabs) await page.evaluate((d) => window.tab.open(d), id);
  const leaders = async (pages) => (await Promise.all(pages.map((page) => page.evaluate(() => window.tab.status().leader))));
  const oneLeader = async (pages) => {
    for (const deadline = Date.now() + 5000; ;) {
      const now = await leaders(pages);
      if (now.filter(Boolean).length === 1 || Date.now() > deadline) return now;
      await Promise.all(pages.map((page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(done)))));
    }
  };
  const before = await oneLeader(tabs);
  assert.equal(before.filter(Boolean).length, 1, `one leader: ${before}`);
  const leader = tabs[before.indexOf(true)];
  const rest = tabs.filter((page) => page !== leader);
  await leader.close();
  const after = await oneLeader(rest);
  assert.equal(after.filter(Boolean).length, 1, `one new leader: ${after}`);
  await Promise.all(rest.map((page) => page.close()));
});

test('with the ask policy, a same-path conflict waits for the user and keep-mine wins', async () => {
  const db = unique();
  const a = await openTab(db, 'ask');
  const b = await openTab(db, 'ask');
  const id = await a.evaluate(() => window.tab.create(1));
  await a.evaluate((d) => window.tab.open(d), id);
  await b.evaluate((d) => window.tab.open(d), id);
  await Promise.all([
    a.evaluate(() => window.tab.setData('n0', 'name', 'A')),
    b.evaluate(() => window.tab.setData('n0', 'name', 'B')),
  ]);
  await Promise.all([a, b].map((page) => page.evaluate(() => window.tab.acknowledged())));
  await converged([a, b]);
  const pending = [...(await a.evaluate(() => window.tab.conflicts())), ...(await b.evaluate(() => window.tab.conflicts()))];
  assert.equal(pending.length, 1, 'one tab was told about the conflict');
  assert.equal(pending[0].resolution, 'unresolved');
  assert.equal(pending[0].path, 'data/name');
  const loser = (await a.evaluate(() => window.tab.conflicts())).length ? a : b;
  const mine = pending[0].local;
  assert.notEqual(final0(await converged([a, b])), mine, "the other tab's value shows until the user decides");
  await loser.evaluate(() => window.tab.resolve(0, 'mine'));
  await loser.evaluate(() => window.tab.acknowledged());
  assert.equal(final0(await converged([a, b])), mine, 'keep mine is committed and reaches the other tab');
  assert.deepEqual(browser.errors, [], 'no errors in any tab');
  await Promise.all([a, b].map((page) => page.close()));
});

const final0 = (cells) => cells.n0.name;

for (const policy of ['laterWins', 'ask']) {
  test(`two commits of the same field queued at once converge (${policy})`, async () => {
    const db = unique();
    const a = await openTab(db, policy);
    const b = await openTab(db, policy);
    const holder = await openTab(db, policy);
    const id = await a.evaluate(() => window.tab.create(1));
    await a.evaluate((d) => window.tab.open(d), id);
    await b.evaluate((d) => window.tab.open(d), id);
    const held = await holdDatabase(holder, 500, db);
    await b.evaluate(() => window.tab.setData('n0', 'name', 'B'));
    await a.evaluate(() => window.tab.setData('n0', 'name', 'A'));
    await held.done;
    await Promise.all([a, b].map((page) => page.evaluate(() => window.tab.acknowledged())));
    const final = await converged([a, b]);
    const fresh = await openTab(db, policy);
    await fresh.evaluate((d) => window.tab.open(d), id);
    assert.deepEqual((await fresh.evaluate(() => window.tab.snapshot())).state, final, 'the store holds what the tabs show');
    const conflicts = [...(await a.evaluate(() => window.tab.conflicts())), ...(await b.evaluate(() => window.tab.conflicts()))];
    if (policy === 'ask') assert.equal(conflicts.length, 1, 'the later tab asks');
    else assert.equal(final.n0.name, 'A', 'the later commit wins');
    await Promise.all([a, b, holder, fresh].map((page) => page.close()));
  });
}
