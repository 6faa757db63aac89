// `make soak`: three real tabs of the demo editor (www/dist, one Chromium profile: shared
// IndexedDB, localStorage and BroadcastChannel) edit the same diagram at random for
// SOAK_SECONDS (default 60), while tabs are reloaded and closed (and reopened) at random
// and a third kind of page, not an editor (tests/e2e/pages/replayer.html, same origin),
// re-posts real messages it recorded on the diagram's channel with altered versions.
// It runs once per kind of diagram in SOAK_DIAGRAMS (default `local,public`), each for
// SOAK_SECONDS:
//
// - `local`: a local diagram (IndexedDB only);
// - `public`: a Public diagram, auto-saved to the demo's stand-in server (its copy lives in
//   localStorage, see www/src/editor/demoServer.js). On top of the above: the saving tab
//   (the leader) is closed in the middle of its auto-save debounce, "another client"
//   saves a newer server copy (it sets `data/otherClient` on a cell, a path no tab edits),
//   and every conflict dialog is answered at random (Load theirs / Keep mine / Decide
//   later, seeded; a "Decide later" is followed by a manual save a moment later). At the
//   end, open dialogs are answered and a last save is made until the server copy settles.
//
// A ledger keeps every edit with what it wrote and when the library acknowledged it (the
// other client's writes count as acknowledged when the server stored them). At the end
// every tab and a fresh tab (the store) must hold the same cells, the server copy (public)
// the same as the store, and every acknowledged edit must be in the store and on the
// server unless a later edit replaced it (scripts/soak/ledger.mjs says exactly how).
//
// Acknowledged: after the edit, the tab's `state.syncStatus` showed no pending change set,
// no commit in flight and no commit error. The library only drops a change set from its
// pending queue once an IndexedDB commit holding it has completed (or when integrating
// another tab's commit made it redundant or a reported conflict dropped it), so from then on
// the edit is in the store. Edits a reported conflict gave away, and edits whose tab was
// reloaded or closed before the acknowledgement, are counted apart and may be in the store
// or not.
//
// Environment: SOAK_SECONDS (default 60, per kind of diagram), SOAK_SEED (default random),
// SOAK_DIAGRAMS (default `local,public`), SOAK_REPLAY (default 1; 0: no replayed messages),
// SOAK_OUT (default target/soak). Writes summary.json and ledger-<kind>.json there; exits 1
// if anything was lost (store or server), the tabs, the store or the server copy diverged,
// an edit was never acknowledged in a live tab, or a tab logged an error.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDemo, serveTestPagesOnDemoOrigin } from '../tests/e2e/harness.mjs';
import { prng as generator } from '../tests/e2e/pages/prng.js';
import { checkLedger } from './soak/ledger.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OUT = process.env.SOAK_OUT ?? join(ROOT, 'target/soak');
const DIAGRAMS = (process.env.SOAK_DIAGRAMS ?? 'local,public').split(',').map((kind) => kind.trim()).filter(Boolean);
const REPLAY = process.env.SOAK_REPLAY !== '0';
const TABS = 3;
const ACK_TIMEOUT_MS = 15000;
const CONVERGE_TIMEOUT_MS = 20000;
const SERVER_SETTLE_TIMEOUT_MS = 15000;

for (const kind of DIAGRAMS) {
  if (!['local', 'public'].includes(kind)) {
    console.error(`soak: SOAK_DIAGRAMS has '${kind}'; the kinds are local and public`);
    process.exit(2);
  }
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const now = () => performance.now();

/** Edit kinds and their weights. `ui*` use real mouse and keyboard input. */
const KINDS = {
  addNode: 12, palette: 3, move: 22, rename: 18, addEdge: 10, remove: 9, undo: 8, redo: 4,
  uiDrag: 5, uiDelete: 3, uiRename: 3, uiUndo: 3,
};
/** The conflict dialog's answers (www/src/panels/ConflictDialog.jsx). */
const ANSWERS = ['refresh', 'overwrite', 'cancel'];

/** JSON with object keys sorted, cells sorted by id: equal diagrams give equal text. */
const canonical = (value) => JSON.stringify(value, (_, v) => {
  if (Array.isArray(v) && v.every((item) => item && typeof item === 'object' && typeof item.id === 'string')) {
    return [...v].sort((a, b) => a.id.localeCompare(b.id));
  }
  return v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
    : v;
});

const demo = await openDemo();
await demo.context.addInitScript({ path: join(ROOT, 'scripts/soak/tab.js') });
const openHelper = await serveTestPagesOnDemoOrigin(demo);
console.log(`soak: ${DIAGRAMS.join(' then ')} diagram(s), ${TABS} tabs, ${SECONDS} s each, seed ${SEED}${REPLAY ? ', with replayed messages' : ''}`);

const results = {};
for (const [index, kind] of DIAGRAMS.entries()) {
  results[kind] = await soakDiagram(kind, (SEED + index * 0x9e3779b9) >>> 0);
}
await demo.close();

const pass = Object.values(results).every((result) => result.pass);
const totals = {
  lost: Object.values(results).reduce((n, r) => n + r.lost + (r.lostOnServer ?? 0), 0),
  diverged: Object.values(results).reduce((n, r) => n + r.divergedTabs + (r.divergedServer ? 1 : 0), 0),
};
await mkdir(OUT, { recursive: true });
await writeFile(join(OUT, 'summary.json'), `${JSON.stringify({ seed: SEED, seconds: SECONDS, diagrams: DIAGRAMS, replay: REPLAY, ...totals, pass, results }, null, 2)}\n`);
console.log(`soak: lost = ${totals.lost} keys (store and server), diverged = ${totals.diverged} over ${DIAGRAMS.join(' and ')}; ${pass ? 'PASS' : 'FAIL'} (seed ${SEED}; summary in ${join(OUT, 'summary.json')})`);
process.exit(pass ? 0 : 1);

/**
 * Soaks one diagram of `storage` ('local' or 'public') for SECONDS with seed `seed`;
 * writes its ledger and resolves to its summary.
 */
async function soakDiagram(storage, seed) {
  const random = generator(seed);
  const chaosRandom = generator(seed ^ 0x2545f491);
  const replayRandom = generator(seed ^ 0x68e31da4);
  const dialogRandom = generator(seed ^ 0x1b873593);
  const between = (low, high, r = random) => low + r() * (high - low);
  const started = now();
  const errors = [];
  const stats = {
    reloads: 0, closes: 0, reopens: 0, interruptedBy: { reload: 0, close: 0, closeSaver: 0 },
    saverCloses: 0, saverClosesMidDebounce: 0, otherClientWrites: 0, replayed: 0,
    answers: { refresh: 0, overwrite: 0, cancel: 0 }, laterSaves: 0, finalRounds: 0,
  };
  /** Every edit: `{ seq, tab, kind, what, start, end, status, writes, dropped? }`. */
  const ledger = [];
  let seq = 0;
  let hash = '';

  /** Opens a tab of the editor on the shared diagram and waits until it is bound. */
  async function openTab(name) {
    const page = await demo.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${name}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${name}: page error: ${error.message}`));
    await page.goto(demo.url + hash);
    await ready(page);
    return page;
  }
  const ready = (page) => page.waitForFunction((h) => window.soak?.ready() && location.hash.includes('d=')
    && (!h || window.soak.diagramId() === new URLSearchParams(h.slice(1)).get('d')), hash, { timeout: 20000 });

  // The first tab opens (on a new profile: creates) the sample diagram; for a Public soak
  // it creates a new Public diagram through the Manage dialog. The others open it by URL.
  const slots = [];
  {
    const first = await openTab('t0');
    // A local soak needs a local diagram: the sample is one, but the most recent diagram
    // (opened by default) may be a Public one when SOAK_DIAGRAMS ran a public soak first.
    const opened = await first.evaluate(() => window.soak.status().save === null ? 'local' : 'server');
    if (storage === 'public' || opened !== 'local') {
      const name = `Soak ${storage} ${seed.toString(36)}`;
      await first.getByTestId('manage').click();
      await first.getByTestId('new-name').fill(name);
      await first.getByTestId('new-storage').selectOption(storage);
      await first.getByTestId('new-diagram').click();
      await first.getByTestId('diagram-name').filter({ hasText: name }).waitFor();
    }
    hash = new URL(first.url()).hash;
    await ready(first);
    slots.push({ name: 't0', page: first });
    for (let i = 1; i < TABS; i += 1) slots.push({ name: `t${i}`, page: await openTab(`t${i}`) });
  }
  const diagramId = await slots[0].page.evaluate(() => window.soak.diagramId());
  const initial = (await slots[0].page.evaluate(() => window.soak.snapshot())).state;
  for (const slot of slots) Object.assign(slot, { epoch: 0, phase: 'idle', busy: false, available: Promise.resolve(), made: 0 });
  const replayer = await openHelper('replayer.html');
  await replayer.waitForFunction(() => window.replayerReady === true);
  await replayer.evaluate((d) => window.replayer.listen(d), diagramId);
  const deadline = now() + SECONDS * 1000;
  console.log(`soak (${storage}): ${TABS} tabs on ${hash}, ${SECONDS} s, seed ${seed}`);

  function chooseKind(count) {
    const weights = { ...KINDS };
    // Keep the diagram between about 8 and 40 elements.
    if (count > 40) Object.assign(weights, { addNode: 2, palette: 1, remove: 25, uiDelete: 6 });
    if (count < 8) Object.assign(weights, { addNode: 30, remove: 2, uiDelete: 1 });
    let pick = random() * Object.values(weights).reduce((a, b) => a + b, 0);
    for (const [kind, weight] of Object.entries(weights)) {
      pick -= weight;
      if (pick < 0) return kind;
    }
    return 'move';
  }

  /** Makes one edit in `slot` with real mouse or keyboard input; returns its writes. */
  async function uiEdit(page, kind, label) {
    const r = random();
    const target = kind === 'uiUndo' ? null : await page.evaluate(([x, nodesOnly]) => window.soak.target(x, nodesOnly), [r, kind !== 'uiDelete']);
    if (kind !== 'uiUndo' && !target) return { what: null, writes: [] };
    await page.evaluate(() => window.soak.begin());
    let what = target?.id ?? null;
    switch (kind) {
      case 'uiDrag': {
        await page.mouse.move(target.x, target.y);
        await page.mouse.down();
        await page.mouse.move(target.x + between(-120, 120), target.y + between(-80, 80), { steps: 6 });
        await page.mouse.up();
        break;
      }
      case 'uiDelete':
        await page.mouse.click(target.x, target.y);
        await page.keyboard.press('Delete');
        break;
      case 'uiRename': {
        await page.mouse.dblclick(target.x, target.y);
        const editor = page.locator('.x6-cell-tool-editor');
        if (await editor.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
          await page.keyboard.press('Control+a');
          await page.keyboard.type(label);
        }
        // A click anywhere else ends X6's label editor and commits the text; while it is
        // open the label shows blank (display only), so wait until it is gone.
        const palette = await page.locator('.palette').boundingBox();
        for (let tries = 0; tries < 5 && (await editor.count()) > 0; tries += 1) {
          await page.mouse.click(palette.x + 4, palette.y + palette.height - 4);
          await editor.waitFor({ state: 'detached', timeout: 1000 }).catch(() => {});
        }
        break;
      }
      case 'uiUndo':
        what = random() < 0.7 ? 'Control+z' : 'Control+Shift+z';
        await page.keyboard.press(what);
        break;
      default:
        throw new Error(`unknown edit ${kind}`);
    }
    return { what, writes: await page.evaluate(() => window.soak.end()) };
  }

  /** Waits until `slot` is not being reloaded or reopened, then marks it busy. */
  async function claim(slot) {
    for (;;) {
      const available = slot.available;
      await available;
      if (available === slot.available && slot.page) {
        slot.busy = true;
        return slot.page;
      }
      if (!slot.page) await sleep(50);
    }
  }

  /** One tab's editing loop: an edit, its acknowledgement, a pause; until the deadline. */
  async function editLoop(slot) {
    while (now() < deadline) {
      const page = await claim(slot);
      const epoch = slot.epoch;
      const kind = chooseKind(await page.evaluate(() => window.diagramDemo.graph.getNodes().length).catch(() => 20));
      slot.made += 1;
      const label = `${slot.name}.${slot.epoch}-${slot.made}`;
      const entry = { seq: 0, tab: slot.name, kind, what: null, start: now(), end: Infinity, status: 'unacked', writes: [] };
      try {
        slot.phase = 'edit';
        const made = kind.startsWith('ui')
          ? await uiEdit(page, kind, label)
          : await page.evaluate(([k, r, l]) => window.soak.edit(k, r, l), [kind, [random(), random(), random()], label]);
        if (made.error) errors.push(`${slot.name}: ${kind} threw: ${made.error}`);
        entry.what = made.what;
        entry.writes = made.writes;
        slot.busy = false; // from here on a reload or a close may interrupt the acknowledgement
        if (entry.writes.length > 0) {
          entry.seq = ++seq;
          ledger.push(entry);
          slot.phase = 'ack';
          const answer = await page.evaluate((ms) => window.soak.ack(ms), ACK_TIMEOUT_MS);
          acknowledge(entry, answer, slot);
        }
      } catch (error) {
        // The tab was reloaded or closed meanwhile: the edit stays unacknowledged.
        if (slot.epoch !== epoch) entry.interrupted = slot.lastChaos;
        else errors.push(`${slot.name}: ${kind} failed: ${error.message.split('\n')[0]}`);
      } finally {
        slot.busy = false;
        slot.phase = 'idle';
      }
      await sleep(between(0, 160));
    }
  }

  /** Records the acknowledgement (or its absence) of `entry`. */
  function acknowledge(entry, answer, slot) {
    entry.conflicts = answer.conflicts;
    if (!answer.acked) {
      entry.stuck = answer.status;
      errors.push(`${slot.name}: edit ${entry.seq} (${entry.kind}) not acknowledged within ${ACK_TIMEOUT_MS} ms: ${JSON.stringify(answer.status)}`);
      return;
    }
    entry.end = now();
    // A conflict that kept the other tab's version dropped this tab's pending changes of
    // that cell (reported): those writes may not be in the store.
    const given = new Set(answer.conflicts.filter((c) => c.resolution !== 'keptLocal').map((c) => c.cellId));
    const mine = entry.writes.filter((write) => !given.has(write.cell));
    if (mine.length === entry.writes.length) {
      entry.status = 'acked';
    } else {
      const dropped = entry.writes.filter((write) => given.has(write.cell));
      entry.status = 'acked';
      entry.writes = mine;
      ledger.push({ ...entry, seq: ++seq, status: 'dropped', writes: dropped, droppedFrom: entry.seq });
    }
  }

  /** Closes `slot`'s tab now and reopens it 0.3 to 3 s later. */
  function closeAndReopen(slot, why) {
    const page = slot.page;
    slot.epoch += 1;
    stats.closes += 1;
    slot.lastChaos = why;
    slot.page = null;
    slot.available = (async () => {
      await page.close();
      await sleep(between(300, 3000, chaosRandom));
      slot.page = await openTab(slot.name);
      stats.reopens += 1;
    })();
  }

  /** Public diagrams: another client saves a newer server copy, with `data/otherClient`
   * set on a cell that the server copy and the tabs both have. */
  async function otherClientWrite() {
    const holder = slots.find((slot) => slot.page && !slot.busy);
    if (!holder) return;
    const start = now();
    const here = await holder.page.evaluate(() => window.soak.snapshot().state).catch(() => null);
    if (!here) return;
    const copy = await replayer.evaluate((d) => window.replayer.server(d), diagramId);
    const candidates = (copy.cells ?? []).filter((cell) => here[cell.id]).map((cell) => cell.id).sort();
    if (candidates.length === 0) return;
    const id = candidates[Math.floor(chaosRandom() * candidates.length)];
    stats.otherClientWrites += 1;
    const value = `other-${stats.otherClientWrites}`;
    const cells = copy.cells.map((cell) => (cell.id === id ? { ...cell, data: { ...(cell.data ?? {}), otherClient: value } } : cell));
    await replayer.evaluate(([d, next]) => window.replayer.writeServer(d, next), [diagramId, { version: copy.version + 1, cells }]);
    ledger.push({
      seq: ++seq, tab: 'server', kind: 'otherClient', what: id, start, end: now(), status: 'acked',
      writes: [{ op: 'set', cell: id, path: 'data/otherClient', value: JSON.stringify(value) }],
    });
  }

  /** Reloads or closes (and later reopens) random tabs until the deadline; for a Public
   * diagram also closes the saving tab mid-debounce and lets another client save. */
  async function chaosLoop() {
    while (now() < deadline - 3000) {
      await sleep(between(2000, 5000, chaosRandom));
      const open = slots.filter((slot) => slot.page);
      if (open.length === 0) continue;
      const roll = chaosRandom();
      if (storage === 'public' && roll < 0.25) {
        await otherClientWrite().catch((error) => errors.push(`other client: ${error.message.split('\n')[0]}`));
        continue;
      }
      if (storage === 'public' && roll < 0.55 && open.length > 1) {
        // The saving tab, closed while its auto-save waits for the debounce.
        const leaders = await Promise.all(open.map((slot) => slot.page.evaluate(() => window.soak.leader()).catch(() => false)));
        const slot = open[leaders.indexOf(true)];
        if (slot) {
          const until = now() + 3000;
          let mid = false;
          while (!mid && now() < until && slot.page) {
            const { save } = await slot.page.evaluate(() => window.soak.status()).catch(() => ({ save: null }));
            mid = save?.status.state === 'dirty' && save.nextSaveAt != null;
            if (!mid) await sleep(10);
          }
          while (slot.busy) await sleep(1);
          if (!slot.page) continue;
          stats.saverCloses += 1;
          if (mid) stats.saverClosesMidDebounce += 1;
          closeAndReopen(slot, 'closeSaver');
          continue;
        }
      }
      const slot = open[Math.floor(chaosRandom() * open.length)];
      // Half of the time, strike right after an edit, before its acknowledgement.
      if (chaosRandom() < 0.5) {
        const until = now() + 2000;
        while (slot.phase !== 'ack' && now() < until) await sleep(1);
      }
      while (slot.busy) await sleep(1);
      if (!slot.page) continue;
      if (open.length > 1 && chaosRandom() < 0.5) {
        closeAndReopen(slot, 'close');
      } else {
        slot.epoch += 1;
        stats.reloads += 1;
        slot.lastChaos = 'reload';
        const page = slot.page;
        slot.available = (async () => {
          await page.reload();
          await ready(page);
        })();
      }
    }
  }

  /** The replayer re-posts real recorded commits with altered versions until the deadline. */
  async function replayLoop() {
    while (REPLAY && now() < deadline - 2000) {
      await sleep(between(500, 2000, replayRandom));
      const base = await replayer.evaluate((d) => Math.max(0, ...window.replayer.messages(d, 'commit').map((m) => m.version)), diagramId);
      const count = 1 + Math.floor(replayRandom() * 4);
      const posted = await replayer.evaluate(([d, options]) => window.replayer.storm(d, options),
        [diagramId, { seed: Math.floor(replayRandom() * 2 ** 31), count, base }]);
      stats.replayed += posted.length;
    }
  }

  /** Answers a conflict dialog in `page` at random; "Decide later" is followed by a manual
   * save 1 to 4 s later. Returns the answer, or null when no dialog was open. */
  async function answerDialog(page) {
    if (!page || page.isClosed()) return null;
    const open = await page.getByTestId('conflict-dialog').count().catch(() => 0);
    if (!open) return null;
    const answer = ANSWERS[Math.floor(dialogRandom() * ANSWERS.length)];
    const button = page.getByTestId(`conflict-${answer}`);
    if (!(await button.count().catch(() => 0))) return null; // a tab-conflict dialog (policy "ask")
    const clicked = await button.click({ timeout: 2000 }).then(() => true, () => false);
    if (!clicked) return null;
    stats.answers[answer] += 1;
    if (answer === 'cancel') {
      const delay = between(1000, 4000, dialogRandom);
      setTimeout(() => {
        if (page.isClosed()) return;
        stats.laterSaves += 1;
        page.evaluate(() => {
          try {
            window.diagramDemo?.state.saveNow();
          } catch {
            // a conflict open again, or nothing to save: the dialog loop sees it
          }
        }).catch(() => {});
      }, delay);
    }
    return answer;
  }

  /** Public diagrams: answers every conflict dialog that opens, until the deadline. */
  async function dialogLoop() {
    while (storage === 'public' && now() < deadline) {
      await sleep(between(150, 400, dialogRandom));
      for (const slot of slots) await answerDialog(slot.page);
    }
  }

  await Promise.all([...slots.map(editLoop), chaosLoop(), replayLoop(), dialogLoop()]);
  await Promise.all(slots.map((slot) => slot.available));
  const soakSeconds = (now() - started) / 1000;
  for (const entry of ledger) if (entry.interrupted) stats.interruptedBy[entry.interrupted] += 1;

  /** Waits until every tab holds the same cells in its state, its graph shows them, and
   * nothing is pending; returns the snapshots (or the last ones, with `diverged`). */
  async function converge(pages) {
    const until = now() + CONVERGE_TIMEOUT_MS;
    for (;;) {
      const snapshots = await Promise.all(pages.map((page) => page.evaluate(() => window.soak.snapshot())));
      const first = canonical(snapshots[0].cells);
      const problems = [];
      snapshots.forEach((s, i) => {
        if (canonical(s.cells) !== first) problems.push(`${slots[i]?.name ?? 'fresh'}: cells differ from t0`);
        if (canonical(s.state) !== canonical(s.graph)) problems.push(`${slots[i]?.name ?? 'fresh'}: graph differs from state`);
        if (s.status.pendingSets !== 0 || s.status.committing) problems.push(`${slots[i]?.name ?? 'fresh'}: still committing`);
        if (s.status.committedVersion !== snapshots[0].status.committedVersion) problems.push(`${slots[i]?.name ?? 'fresh'}: version ${s.status.committedVersion}`);
      });
      if (problems.length === 0 || now() > until) return { snapshots, problems };
      await sleep(100);
    }
  }

  /**
   * Public diagrams, after the edits: answers open dialogs (at random), makes a manual save
   * in the saving tab when auto-save is paused or waits, until the server copy holds what
   * the saving tab holds and no save is due; at most 6 rounds of SERVER_SETTLE_TIMEOUT_MS.
   */
  async function settleServer(pages) {
    for (let round = 0; round < 6; round += 1) {
      stats.finalRounds = round + 1;
      for (const page of pages) await answerDialog(page);
      const statuses = await Promise.all(pages.map((page) => page.evaluate(() => window.soak.status())));
      const leader = pages[statuses.findIndex((status) => status.sync?.leader)] ?? pages[0];
      const { save } = statuses[pages.indexOf(leader)];
      if (save && (save.paused || ['dirty', 'error', 'conflict'].includes(save.status.state)) && save.nextSaveAt == null) {
        stats.laterSaves += 1;
        await leader.evaluate(() => {
          try {
            window.diagramDemo.state.saveNow();
          } catch {
            // an open conflict: answered next round
          }
        });
      }
      const until = now() + SERVER_SETTLE_TIMEOUT_MS;
      for (;;) {
        const views = await Promise.all(pages.map((page) => page.evaluate(() => ({ ...window.soak.status(), dialog: Boolean(document.querySelector('[data-testid="conflict-dialog"]')) }))));
        if (views.some((view) => view.dialog)) break;
        const server = await leader.evaluate(() => window.soak.server());
        const mine = await leader.evaluate(() => window.soak.snapshot().state);
        const quiet = views.every((view) => !view.save || (view.save.status.state !== 'saving' && view.save.nextSaveAt == null));
        if (quiet && canonical(server.state) === canonical(mine)) return true;
        if (now() > until) break;
        await sleep(100);
      }
    }
    return false;
  }

  const pages = slots.map((slot) => slot.page);
  const serverSettled = storage === 'public' ? await settleServer(pages) : true;
  const live = await converge(pages);
  const server = storage === 'public' ? await pages[0].evaluate(() => window.soak.server()) : null;
  const fresh = await openTab('fresh');
  const withStore = await converge([...pages, fresh]);
  const stored = withStore.snapshots.at(-1).state;
  const divergedTabs = withStore.snapshots.slice(0, -1).filter((s) => canonical(s.state) !== canonical(stored) || canonical(s.graph) !== canonical(s.state)).length;
  const diverged = withStore.problems.length > 0;
  const check = checkLedger(ledger, initial, stored);
  const serverCheck = server ? checkLedger(ledger, initial, server.state) : null;
  const serverDiff = server ? describeDifference(stored, server.state, 'store', 'server') : [];
  const divergedServer = Boolean(server) && serverDiff.length > 0;
  const graphDiff = diverged ? describeDivergence(withStore.snapshots) : null;
  await replayer.close();

  /** The first cells and paths where two projections differ. */
  function describeDifference(a, b, nameA, nameB) {
    const out = [];
    for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!a[id] || !b[id]) {
        if (a[id] !== b[id]) out.push(`cell ${id}: ${a[id] ? `in the ${nameA} only` : `in the ${nameB} only`}`);
        continue;
      }
      for (const path of new Set([...Object.keys(a[id]), ...Object.keys(b[id])])) {
        if (a[id][path] !== b[id][path]) out.push(`${id}/${path}: ${nameA}=${a[id][path]} ${nameB}=${b[id][path]}`);
      }
    }
    return out;
  }

  /** The first cells and paths where the tabs' snapshots differ (for the report). */
  function describeDivergence(snapshots) {
    const names = [...slots.map((slot) => slot.name), 'fresh'];
    const views = snapshots.flatMap((s, i) => [[`${names[i]}.state`, s.state], [`${names[i]}.graph`, s.graph]]);
    const [, reference] = views[0];
    return views.slice(1).flatMap(([name, view]) => describeDifference(reference, view, 't0.state', name)).slice(0, 40);
  }

  const acked = ledger.filter((entry) => entry.status === 'acked');
  const byKind = {};
  for (const entry of acked) byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
  const conflicts = {};
  for (const entry of ledger) {
    for (const c of entry.conflicts ?? []) conflicts[`${c.kind}/${c.resolution}`] = (conflicts[`${c.kind}/${c.resolution}`] ?? 0) + 1;
  }
  const stuck = ledger.filter((entry) => entry.stuck).length;
  const summary = {
    storage,
    diagramId,
    seconds: Math.round(soakSeconds * 10) / 10,
    seed,
    tabs: TABS,
    editsAcknowledged: acked.length,
    editsByKind: byKind,
    writesAcknowledged: acked.reduce((n, entry) => n + entry.writes.length, 0),
    editsUnacknowledgedAtReloadOrClose: ledger.filter((entry) => entry.interrupted).length,
    editsPartlyDroppedByReportedConflict: ledger.filter((entry) => entry.status === 'dropped').length,
    conflictsSeenByEdits: conflicts,
    editsNeverAcknowledged: stuck,
    ...stats,
    finalCells: Object.keys(stored).length,
    finalVersion: withStore.snapshots[0].status.committedVersion,
    server: server ? { version: server.version, cells: Object.keys(server.state).length, settled: serverSettled } : undefined,
    keysChecked: check.keys,
    lost: check.lost,
    lostOnServer: serverCheck?.lost ?? 0,
    phantom: check.phantom,
    phantomOnServer: serverCheck?.phantom ?? 0,
    divergedTabs,
    divergedServer,
    diverged: diverged || divergedServer ? 'yes' : 'no',
    divergence: diverged ? { beforeFreshTab: live.problems, withFreshTab: withStore.problems, differences: graphDiff } : undefined,
    serverDifferences: divergedServer ? serverDiff.slice(0, 40) : undefined,
    errors: [...errors, ...demo.errors.map((message) => `page error: ${message}`)].slice(0, 50),
    problems: check.problems.slice(0, 20),
    serverProblems: serverCheck?.problems.slice(0, 20),
  };
  demo.errors.length = 0;
  summary.pass = summary.lost === 0 && summary.lostOnServer === 0 && summary.phantom === 0 && summary.phantomOnServer === 0
    && !diverged && !divergedServer && serverSettled && stuck === 0 && summary.errors.length === 0;

  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, `ledger-${storage}.json`), `${JSON.stringify({ initial, final: stored, server: server?.state, ledger }, null, 1)}\n`);
  await Promise.all([...pages, fresh].map((page) => page.close()));

  console.log(`soak (${storage}): ${summary.seconds} s, ${TABS} tabs, seed ${seed}
  edits acknowledged:        ${summary.editsAcknowledged} (${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')})
  writes acknowledged:       ${summary.writesAcknowledged} (leaf paths, additions and removals)
  reloads:                   ${stats.reloads}
  closes / reopens:          ${stats.closes} / ${stats.reopens}${storage === 'public' ? ` (saving tab closed ${stats.saverCloses} times, ${stats.saverClosesMidDebounce} mid-debounce)` : ''}
  replayed messages:         ${stats.replayed}${storage === 'public' ? `
  other client's saves:      ${stats.otherClientWrites}
  dialogs answered:          Load theirs ${stats.answers.refresh}, Keep mine ${stats.answers.overwrite}, Decide later ${stats.answers.cancel} (later saves ${stats.laterSaves})
  server copy:               v${server.version}, ${summary.server.cells} cells, ${serverSettled ? 'settled' : 'NOT settled'} after ${stats.finalRounds} final round(s)` : ''}
  unacknowledged at reload/close: ${summary.editsUnacknowledgedAtReloadOrClose}
  partly given away by a reported conflict: ${summary.editsPartlyDroppedByReportedConflict} ${JSON.stringify(conflicts)}
  never acknowledged:        ${stuck}
  final cells:               ${summary.finalCells} (version ${summary.finalVersion}), ${check.keys} keys checked
  lost = ${check.lost} keys${server ? ` (server: ${summary.lostOnServer})` : ''}, phantom = ${check.phantom}${server ? ` (server: ${summary.phantomOnServer})` : ''}, diverged: tabs ${divergedTabs}${server ? `, server ${divergedServer ? 'yes' : 'no'}` : ''}, errors = ${summary.errors.length}`);
  if (diverged) console.log(`  divergence: ${JSON.stringify(summary.divergence, null, 2)}`);
  for (const line of (summary.serverDifferences ?? []).slice(0, 10)) console.log(`  store vs server: ${line}`);
  for (const problem of check.problems.slice(0, 10)) console.log(`  ${problem.kind}: ${JSON.stringify(problem)}`);
  for (const problem of (serverCheck?.problems ?? []).slice(0, 10)) console.log(`  server ${problem.kind}: ${JSON.stringify(problem)}`);
  for (const error of summary.errors.slice(0, 10)) console.log(`  error: ${error}`);
  console.log(`soak (${storage}): ${summary.pass ? 'PASS' : 'FAIL'}`);
  return summary;
}
