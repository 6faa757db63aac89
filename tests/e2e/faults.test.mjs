// Fault injection in real Chromium tabs, through the public API: a full disk mid-commit, a
// newer app version closing the database, a tab closed during a commit or during the
// auto-save debounce, a save callback that hangs, throws or answers garbage, and a corrupt
// record in the store. Each test keeps a ledger of the semantic edits the API acknowledged,
// injects the fault, reopens the diagram in a fresh tab and checks that none is lost, and
// checks what the user was told.
//
// "Acknowledged" (locally): after the edit, the tab's sync status showed no pending change
// set and no commit in flight (`syncStatus.pendingSets === 0 && !syncStatus.committing`,
// also sent as the `sync` event): the edit is in IndexedDB. "Saved" (to the server): the
// save callback answered `{ status: 'saved' }` for a request whose cells held the edit.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { openTestPages } from './harness.mjs';
import { holdDatabase } from './hold.mjs';

let browser;
before(async () => {
  browser = await openTestPages();
});
after(async () => {
  await browser?.close();
});

/** Console errors of every tab in the running test: what the package logged. */
const consoleErrors = [];
beforeEach(() => {
  consoleErrors.length = 0;
  browser.errors.length = 0;
});

/** Opens a tab on the fault page for database `db`. */
async function openTab(db) {
  const page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(new URL(`/tests/e2e/pages/faults.html?db=${db}`, browser.url).href);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
  return page;
}

const unique = () => `faults-${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** The acknowledged edits: `cell/key` → the last value acknowledged for it. */
class Ledger {
  constructor() {
    this.edits = new Map();
    this.count = 0;
  }

  /** Makes `edits` (`[cell, key, value]` each) in `page` and records them once acknowledged. */
  async edit(page, ...edits) {
    await page.evaluate((list) => window.tab.edit(...list), edits);
    await page.evaluate(() => window.tab.acknowledged());
    this.record(...edits);
  }

  /** Records edits acknowledged some other way. */
  record(...edits) {
    for (const [cell, key, value] of edits) this.edits.set(`${cell}/${key}`, value);
    this.count += edits.length;
  }

  /** The acknowledged edits missing from `data` (cell id → data). */
  lost(data) {
    return [...this.edits].filter(([path, value]) => {
      const [cell, key] = path.split('/');
      return data[cell]?.[key] !== value;
    }).map(([path]) => path);
  }

  /** Asserts that `data` holds every acknowledged edit; returns how many were lost (0). */
  assertKept(data, where) {
    const lost = this.lost(data);
    assert.deepEqual(lost, [], `${where}: acknowledged edits lost`);
    return lost.length;
  }
}

/** Reopens diagram `id` in a fresh tab (a new page, a fresh `LocalDiagrams.open()` and
 * `openDiagram`); resolves to `{ page, data }`. */
async function reopen(db, id, autosave) {
  const page = await openTab(db);
  const opened = await page.evaluate(([d, a]) => window.tab.tryOpen(d, a), [id, autosave]);
  assert.ok(opened.ok, `the diagram reopens: ${JSON.stringify(opened)}`);
  return { page, data: await page.evaluate(() => window.tab.data()) };
}

/** The cells' data as really stored, read from IndexedDB without the package. */
async function stored(page, id) {
  const record = await page.evaluate((d) => window.raw.read(d), id);
  const data = Object.fromEntries(Object.entries(record.cells).map(([cell, value]) => [cell, value.data ?? value]));
  return { ...record, data };
}

/** Waits until `predicate(arg)` holds in `page`. */
const until = (page, predicate, arg, timeout = 10000) => page.waitForFunction(predicate, arg, { timeout, polling: 10 });

/** Asserts that no tab threw an uncaught error and the package logged no panic. */
function assertNoPanic() {
  assert.deepEqual(browser.errors, [], 'no uncaught page errors');
  assert.deepEqual(consoleErrors.filter((text) => /panick|unreachable/i.test(text)), [], 'no panic in the console');
}

/** Checks that nothing panicked and prints one summary line for the fault. */
function summary(fault, ledger, lost, saw) {
  assertNoPanic();
  const logged = consoleErrors.length ? ` | console errors: ${JSON.stringify(consoleErrors)}` : '';
  console.log(`fault: ${fault} | acknowledged edits: ${ledger.count} | lost: ${lost} | user saw: ${saw}${logged}`);
}

test('quota exceeded mid-commit: the sync status says QUOTA_EXCEEDED, the edits are kept and committed on retry', async () => {
  const db = unique();
  const tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(4));
  await tab.evaluate((d) => window.tab.open(d), id);
  const ledger = new Ledger();
  await ledger.edit(tab, ['n0', 'a', 1]);
  await ledger.edit(tab, ['n1', 'b', 2], ['n2', 'b', 2]);

  // The next two commits fail at commit time, as on a full disk; a second edit comes while
  // the first one waits.
  await tab.evaluate(() => window.raw.failCommits(2, 'commit'));
  await tab.evaluate(() => window.tab.edit(['n0', 'q1', 'during quota']));
  await until(tab, () => window.tab.status().error?.code === 'QUOTA_EXCEEDED');
  const failing = await tab.evaluate(() => window.tab.status());
  assert.equal(failing.error.retryable, true);
  assert.ok(failing.pendingSets > 0 && !failing.committing, 'the edit waits, not acknowledged');
  assert.equal((await tab.evaluate(() => window.tab.data())).n0.q1, 'during quota', 'the edit is kept in the diagram');
  await tab.evaluate(() => window.tab.edit(['n3', 'q2', 'also during quota']));
  await until(tab, () => window.raw.injected() === 2);
  // Space is back: the retry commits both edits without anything else happening.
  await tab.evaluate(() => window.tab.acknowledged(15000));
  ledger.record(['n0', 'q1', 'during quota'], ['n3', 'q2', 'also during quota']);
  assert.equal((await tab.evaluate(() => window.tab.status())).error, null, 'the error clears once committed');

  // A write that throws in the middle of the transaction: nothing half-written, same recovery.
  await tab.evaluate(() => window.raw.failCommits(1, 'put'));
  await tab.evaluate(() => window.tab.edit(['n1', 'q3', 'put failed'], ['n2', 'q3', 'put failed']));
  await until(tab, () => window.tab.status().error?.code === 'QUOTA_EXCEEDED');
  const half = await stored(tab, id);
  assert.equal(half.data.n1.q3, undefined, 'nothing of the failed commit is stored');
  await tab.evaluate(() => window.tab.acknowledged(15000));
  ledger.record(['n1', 'q3', 'put failed'], ['n2', 'q3', 'put failed']);

  const seen = await tab.evaluate(() => window.tab.seen().sync);
  const errors = seen.filter((status) => status.error).map((status) => status.error);
  assert.ok(errors.length >= 2 && errors.every((error) => error.code === 'QUOTA_EXCEEDED' && error.retryable));
  assert.equal(seen.at(-1).error, null, 'the last sync event has no error');
  await tab.close();

  const { page, data } = await reopen(db, id);
  const lost = ledger.assertKept(data, 'reopened');
  const record = await stored(page, id);
  assert.equal(record.entry.version, Math.max(...record.oplog), 'the entry version is the last op-log version');
  summary('quota exceeded (commit abort ×2, put throw ×1)', ledger, lost,
    `sync error ${errors[0].code} retryable=${errors[0].retryable} "${errors[0].message}" (${errors.length} events), cleared after the retry`);
  await page.close();
});

test('versionchange mid-session: the store closes, the app is told, later edits are refused as STORE_CLOSED', async () => {
  const db = unique();
  const tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(3));
  await tab.evaluate((d) => window.tab.open(d), id);
  const ledger = new Ledger();
  await ledger.edit(tab, ['n0', 'a', 'before']);
  await ledger.edit(tab, ['n1', 'b', 'before'], ['n2', 'b', 'before']);

  // A newer version of the app opens the same database in another tab.
  const newer = await openTab(db);
  const upgradedTo = await newer.evaluate(() => window.raw.upgrade());
  await until(tab, () => window.tab.seen().versionChange === 1);
  assert.equal(await tab.evaluate(() => window.tab.closed()), true, 'LocalDiagrams.closed');
  const quiet = await tab.evaluate(() => window.tab.status());

  await tab.evaluate(() => window.tab.edit(['n0', 'late', 'after close']));
  await until(tab, () => window.tab.status().error !== null);
  const refused = await tab.evaluate(() => window.tab.status());
  assert.equal(refused.error.code, 'STORE_CLOSED');
  assert.equal(refused.error.retryable, false);
  assert.equal(refused.pendingSets, 1, 'the edit is kept in memory, not acknowledged');
  assert.equal((await tab.evaluate(() => window.tab.data())).n0.late, 'after close');

  // This version of the app cannot open the newer database any more; what it holds is read raw.
  const probe = await newer.evaluate(() => window.reopenDirectory());
  assert.equal(probe.code, 'SCHEMA_TOO_NEW');
  const record = await stored(newer, id);
  assert.equal(record.idbVersion, upgradedTo);
  const lost = ledger.assertKept(record.data, 'stored');
  assert.equal(record.data.n0.late, undefined, 'the refused edit is not in the store');
  summary('versionchange', ledger, lost,
    `onVersionChange called, closed=true, sync error only at the next edit (before it: error=${quiet.error}); `
    + `then ${refused.error.code} retryable=false pendingSets=1; reopening with this app version: ${probe.code}`);
  await Promise.all([tab, newer].map((page) => page.close()));
});

test('a tab closed during a commit: acknowledged edits stay, the commit in flight is all or nothing', async () => {
  const db = unique();
  const holder = await openTab(db);
  const ledger = new Ledger();
  let tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(3));
  await tab.evaluate((d) => window.tab.open(d), id);
  await ledger.edit(tab, ['n0', 'a', 1]);
  await ledger.edit(tab, ['n1', 'a', 2]);

  // The commit queues behind another transaction; the tab closes while it waits.
  const held = await holdDatabase(holder, 1500, db);
  await tab.evaluate(() => window.tab.edit(['n0', 'inflight', 'x'], ['n2', 'inflight', 'x']));
  assert.equal((await tab.evaluate(() => window.tab.status())).committing, true, 'the commit is in flight');
  await tab.close();
  await held.done;
  let { page, data } = await reopen(db, id);
  let lost = ledger.assertKept(data, 'after close during a held commit');
  const heldOutcome = [data.n0.inflight, data.n2.inflight];
  assert.equal(heldOutcome[0], heldOutcome[1], 'both cells of the commit or neither');
  const record = await stored(page, id);
  assert.equal(record.entry.version, Math.max(...record.oplog), 'entry and op log agree');
  await ledger.edit(page, ['n1', 'later', 'works']);

  // Closing right after an edit, without waiting for anything.
  tab = page;
  await tab.evaluate(() => window.tab.edit(['n1', 'racing', 'y'], ['n2', 'racing', 'y']));
  await tab.close();
  ({ page, data } = await reopen(db, id));
  lost += ledger.assertKept(data, 'after close right after an edit');
  assert.equal(data.n1.racing, data.n2.racing, 'both cells of the commit or neither');
  await ledger.edit(page, ['n0', 'after', 'reopen']);
  summary('tab closed during a commit', ledger, lost,
    `nothing (tab gone); held commit ${heldOutcome[0] ? 'landed' : 'dropped whole'}, `
    + `racing commit ${data.n1.racing ? 'landed' : 'dropped whole'}; the store opens clean and commits go on`);
  await Promise.all([page, holder].map((p) => p.close()));
});

const debounced = { debounceMs: 30000, maxWaitMs: 60000 };

test('a tab closed during the debounce window: the edit is in IndexedDB and the page-hide flush saves it', async () => {
  const db = unique();
  const ledger = new Ledger();
  let tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(3, 'public'));
  await tab.evaluate(([d, a]) => window.tab.open(d, a), [id, debounced]);
  await ledger.edit(tab, ['n0', 'debounced', 'one']);
  const waiting = await tab.evaluate(() => window.tab.saveStatus());
  assert.equal(waiting.status.state, 'dirty');
  assert.ok(waiting.nextSaveAt > Date.now() + 20000, 'the save is still debounced');
  await tab.close();
  const server = async (page) => page.evaluate((d) => window.server.read(d), id);

  // Reopened: the local copy has the edit, and the flush on pagehide brought it to the server.
  let { page, data } = await reopen(db, id, debounced);
  let lost = ledger.assertKept(data, 'local copy');
  let copy = await server(page);
  assert.equal(copy.cause, 'flush', 'the page-hide flush saved');
  assert.equal(copy.cells.find((cell) => cell.id === 'n0').data.debounced, 'one');
  // The flush's answer arrives as the page goes, so whether the push got recorded in the
  // directory is a race: the reopened tab is clean, or saves the same cells once more.
  const reopened = (await page.evaluate(() => window.tab.saveStatus())).status.state;
  assert.ok(['idle', 'dirty'].includes(reopened), `reopened auto-save is ${reopened}`);

  // The server cannot be reached when the tab closes: the local copy still has the edit.
  tab = page;
  await tab.evaluate(() => window.server.setMode('down'));
  await ledger.edit(tab, ['n1', 'debounced', 'two']);
  await tab.close();
  ({ page, data } = await reopen(db, id, debounced));
  lost += ledger.assertKept(data, 'local copy');
  copy = await server(page);
  const serverHasIt = copy.cells.find((cell) => cell.id === 'n1').data.debounced === 'two';
  const reopenedStatus = await page.evaluate(() => window.tab.saveStatus());
  summary('tab closed during the debounce window', ledger, lost,
    `local commit acknowledged before the close; flush on pagehide saved to the server (cause 'flush'); `
    + `with the server down at close the server copy ${serverHasIt ? 'has' : 'misses'} the edit and the reopened tab shows `
    + `auto-save '${reopenedStatus.status.state}' (pendingChanges ${reopenedStatus.pendingChanges})`);
  await page.close();
});

test('after a close with the server down, the reopened tab saves what the server missed', async () => {
  const db = unique();
  const tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(2, 'public'));
  await tab.evaluate(() => window.server.setMode('down'));
  await tab.evaluate(([d, a]) => window.tab.open(d, a), [id, debounced]);
  await new Ledger().edit(tab, ['n0', 'missed', 'by the server']);
  await tab.close();
  const { page } = await reopen(db, id, { debounceMs: 50 });
  try {
    await until(page, (d) => window.server.read(d).cells?.some((cell) => cell.data?.missed), id, 3000);
  } finally {
    await page.close();
  }
});

/** Auto-save settings that make retries and timeouts quick. */
const quick = { debounceMs: 50, saveTimeoutMs: 800, retryInitialDelayMs: 300, retryMaxDelayMs: 300, retryJitter: 0 };

/** Opens a public diagram with quick auto-save in a fresh tab; resolves to `{ tab, id }`. */
async function publicDiagram(db, mode) {
  const tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(3, 'public'));
  await tab.evaluate((m) => window.server.setMode(m), mode);
  await tab.evaluate(([d, a]) => window.tab.open(d, a), [id, quick]);
  return { tab, id };
}

/** The server copy's data by cell id. */
async function serverData(page, id) {
  const copy = await page.evaluate((d) => window.server.read(d), id);
  return Object.fromEntries((copy.cells ?? []).map((cell) => [cell.id, cell.data ?? {}]));
}

test('a save callback that hangs: the save times out as a retryable error, later edits wait, nothing is lost', async () => {
  const db = unique();
  const ledger = new Ledger();
  const { tab, id } = await publicDiagram(db, 'hang');
  await ledger.edit(tab, ['n0', 'a', 'while hanging']);
  await until(tab, () => window.tab.saveStatus().status.state === 'saving');
  await ledger.edit(tab, ['n1', 'a', 'during the hung save']);
  assert.equal((await tab.evaluate(() => window.server.calls())).length, 1, 'one save in flight at a time');
  await until(tab, () => window.tab.saveStatus().status.state === 'error');
  const timedOut = (await tab.evaluate(() => window.tab.saveStatus())).status;
  assert.equal(timedOut.retryable, true);
  assert.ok(timedOut.nextRetryAt > 0, 'a retry is scheduled');
  await until(tab, () => window.server.calls().length >= 2);
  await tab.evaluate(() => window.server.setMode('ok'));
  await until(tab, () => window.tab.saveStatus().status.state === 'saved');
  const onServer = await serverData(tab, id);
  let lost = ledger.assertKept(onServer, 'server copy');
  await tab.close();
  const { page, data } = await reopen(db, id);
  lost += ledger.assertKept(data, 'local copy');
  summary('save callback hangs', ledger, lost, `save 'saving' then 'error' "${timedOut.message}" retryable, retried; 'saved' once the server answers`);
  await page.close();
});

test('a save callback that throws or rejects: retryable errors with the reason, retried until saved', async () => {
  const db = unique();
  const ledger = new Ledger();
  const { tab, id } = await publicDiagram(db, 'throw');
  const messages = [];
  for (const [index, mode] of ['throw', 'reject-string', 'reject-object'].entries()) {
    await tab.evaluate((m) => window.server.setMode(m), mode);
    await ledger.edit(tab, [`n${index}`, 'a', mode]);
    await until(tab, (m) => window.server.calls().at(-1)?.mode === m && window.tab.saveStatus().status.state === 'error', mode);
    const { status } = await tab.evaluate(() => window.tab.saveStatus());
    assert.equal(status.retryable, true, `${mode}: retryable`);
    assert.ok(status.nextRetryAt > 0, `${mode}: a retry is scheduled`);
    messages.push(status.message);
    const before = (await tab.evaluate(() => window.server.calls())).length;
    await until(tab, (n) => window.server.calls().length > n, before);
  }
  assert.match(messages[0], /threw: Error: network down/);
  assert.match(messages[1], /rejected: nope/);
  assert.match(messages[2], /rejected: \{"code":503\}/);
  await tab.evaluate(() => window.server.setMode('ok'));
  await until(tab, () => window.tab.saveStatus().status.state === 'saved');
  let lost = ledger.assertKept(await serverData(tab, id), 'server copy');
  await tab.close();
  const { page, data } = await reopen(db, id);
  lost += ledger.assertKept(data, 'local copy');
  summary('save callback throws / rejects', ledger, lost, `save 'error' retryable with ${messages.map((m) => `"${m}"`).join(', ')}; retried; 'saved'`);
  await page.close();
});

test('a save callback that answers garbage: a non-retryable error says what was expected, auto-save pauses until saveNow', async () => {
  const db = unique();
  const ledger = new Ledger();
  const { tab, id } = await publicDiagram(db, 'undefined');
  const messages = [];
  for (const [index, mode] of ['undefined', 'weird', 'number'].entries()) {
    await tab.evaluate((m) => window.server.setMode(m), mode);
    await ledger.edit(tab, [`n${index}`, 'a', mode]);
    if (index > 0) await tab.evaluate(() => window.tab.saveNow());
    await until(tab, (m) => window.server.calls().at(-1)?.mode === m && window.tab.saveStatus().status.state === 'error', mode);
    const snapshot = await tab.evaluate(() => window.tab.saveStatus());
    assert.equal(snapshot.status.retryable, false, `${mode}: not retryable`);
    assert.equal(snapshot.status.nextRetryAt, null, `${mode}: no retry scheduled`);
    assert.equal(snapshot.paused, true, `${mode}: auto-save paused`);
    messages.push(snapshot.status.message);
  }
  assert.match(messages[0], /answered undefined/);
  assert.match(messages[1], /unknown status "weird"/);
  assert.match(messages[2], /answered 42: expected an object/);
  // Paused: a new edit does not start a save by itself.
  const calls = (await tab.evaluate(() => window.server.calls())).length;
  await ledger.edit(tab, ['n2', 'b', 'while paused']);
  const paused = await tab.evaluate(() => window.tab.saveStatus());
  assert.equal(paused.nextSaveAt, null, 'no automatic save is scheduled while paused');
  assert.equal((await tab.evaluate(() => window.server.calls())).length, calls, 'no automatic save while paused');
  await tab.evaluate(() => window.server.setMode('ok'));
  await tab.evaluate(() => window.tab.saveNow());
  await until(tab, () => window.tab.saveStatus().status.state === 'saved');
  let lost = ledger.assertKept(await serverData(tab, id), 'server copy');
  await tab.close();
  const { page, data } = await reopen(db, id);
  lost += ledger.assertKept(data, 'local copy');
  summary('save callback answers garbage', ledger, lost,
    `save 'error' retryable=false nextRetryAt=null paused=true: ${messages.map((m) => `"${m}"`).join(', ')}; `
    + `a later edit shows '${paused.status.state}' (paused=${paused.paused}); saveNow() saves everything`);
  await page.close();
});

test('a corrupt cell record: the diagram refuses to open with CORRUPT_RECORDS listing it; the data stays in the store', async () => {
  const db = unique();
  const ledger = new Ledger();
  const tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(3));
  const other = await tab.evaluate(() => window.tab.create(2));
  await tab.evaluate((d) => window.tab.open(d), id);
  await ledger.edit(tab, ['n0', 'a', 1]);
  await ledger.edit(tab, ['n1', 'a', 2]);

  // Records written behind the package's back: text that is not JSON, and an object.
  await tab.evaluate((d) => window.raw.putCell(d, 'zz', '{not json'), id);
  await tab.evaluate((d) => window.raw.putCell(d, 'zy', { id: 'zy' }), id);
  // The open tab goes on committing.
  await ledger.edit(tab, ['n2', 'a', 'after the corruption']);
  await tab.close();

  const page = await openTab(db);
  const opened = await page.evaluate((d) => window.tab.tryOpen(d), id);
  assert.equal(opened.ok, false);
  assert.equal(opened.name, 'DiagramStateError');
  assert.equal(opened.code, 'CORRUPT_RECORDS');
  const keys = opened.details.records.map((record) => record.key).sort();
  assert.deepEqual(keys, [`${id}/zy`, `${id}/zz`]);
  assert.ok(opened.details.records.every((record) => record.store === 'cells' && record.reason));
  const record = await stored(page, id);
  const lost = ledger.assertKept(record.data, 'stored');
  const listed = await page.evaluate(async (d) => {
    const { LocalDiagrams } = await import('/pkg/diagram_state.js');
    const diagrams = await LocalDiagrams.open({ dbName: new URLSearchParams(location.search).get('db') });
    const directory = await diagrams.list();
    const exported = await diagrams.exportDocument(d).then(() => 'ok', (error) => error.code);
    diagrams.close();
    return { ids: directory.diagrams.map((entry) => entry.id), skipped: directory.skipped.length, exported };
  }, id);
  assert.equal(listed.exported, 'CORRUPT_RECORDS', 'export refuses a partial document too');
  assert.ok(listed.ids.includes(id) && listed.skipped === 0, 'the directory still lists it');
  // Other diagrams open and commit as usual.
  const otherTab = await openTab(db);
  await otherTab.evaluate((d) => window.tab.open(d), other);
  const otherLedger = new Ledger();
  await otherLedger.edit(otherTab, ['n0', 'fine', true]);
  summary('corrupt cell record', ledger, lost,
    `openDiagram rejects ${opened.code}: "${opened.message}"; details list ${keys.length} records; `
    + 'the other cells are intact in the store but not reachable through the API; other diagrams work');
  await Promise.all([page, otherTab].map((p) => p.close()));
});

test('a corrupt cell record met by a rebase: the commit fails with CORRUPT_RECORDS in the status, no reload loop', async () => {
  const db = unique();
  const ledger = new Ledger();
  const tab = await openTab(db);
  const id = await tab.evaluate(() => window.tab.create(3));
  await tab.evaluate((d) => window.tab.open(d), id);
  await ledger.edit(tab, ['n0', 'a', 1]);
  await ledger.edit(tab, ['n1', 'a', 2]);
  // A corrupt cell record, and a version this tab never heard of whose op-log record is
  // unreadable: the next commit is stale, the op log cannot fill the gap, and reloading the
  // diagram meets the corrupt record.
  await tab.evaluate((d) => window.raw.putCell(d, 'zz', '{not json'), id);
  await tab.evaluate((d) => window.raw.unseenCommit(d, '{garbage'), id);
  const before = (await tab.evaluate(() => window.tab.seen().sync)).length;
  await tab.evaluate(() => window.tab.edit(['n2', 'a', 'blocked']));
  await until(tab, () => window.tab.status().error !== null);
  await tab.waitForTimeout(500);
  const status = await tab.evaluate(() => window.tab.status());
  const events = (await tab.evaluate(() => window.tab.seen().sync)).length - before;
  assert.equal(status.error.code, 'CORRUPT_RECORDS');
  assert.equal(status.error.retryable, false);
  assert.equal(status.pendingSets, 1, 'the edit is kept in memory, not acknowledged');
  assert.equal(status.committing, false);
  assert.ok(status.resyncs <= 2, `no reload loop: ${status.resyncs} reloads`);
  assert.ok(events <= 6, `no event storm: ${events} sync events`);
  assert.equal((await tab.evaluate(() => window.tab.data())).n2.a, 'blocked');
  const record = await stored(tab, id);
  const lost = ledger.assertKept(record.data, 'stored');
  summary('corrupt cell record met by a rebase', ledger, lost,
    `sync error ${status.error.code} retryable=false pendingSets=1 after ${status.resyncs} reload(s), ${events} sync events`);
  await tab.close();
});
