// `make soak`: three real tabs of the demo editor (www/dist, one Chromium profile: shared
// IndexedDB and BroadcastChannel) edit the same local diagram at random for SOAK_SECONDS
// (default 60), while tabs are reloaded and closed (and reopened) at random. A ledger keeps
// every edit with what it wrote and when the library acknowledged it. At the end every tab
// and a fresh tab (the store) must hold the same cells, and every acknowledged edit must be
// there unless a later edit replaced it (scripts/soak/ledger.mjs says exactly how).
//
// Acknowledged: after the edit, the tab's `state.syncStatus` showed no pending change set,
// no commit in flight and no commit error. The library only drops a change set from its
// pending queue once an IndexedDB commit holding it has completed (or when integrating
// another tab's commit made it redundant or a reported conflict dropped it), so from then on
// the edit is in the store. Edits a reported conflict gave away, and edits whose tab was
// reloaded or closed before the acknowledgement, are counted apart and may be in the store
// or not.
//
// Environment: SOAK_SECONDS (default 60), SOAK_SEED (default random), SOAK_OUT (default
// target/soak). Writes summary.json and ledger.json there; exits 1 if anything was lost,
// the tabs diverged, an edit was never acknowledged in a live tab, or a tab logged an error.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDemo } from '../tests/e2e/harness.mjs';
import { checkLedger } from './soak/ledger.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OUT = process.env.SOAK_OUT ?? join(ROOT, 'target/soak');
const TABS = 3;
const ACK_TIMEOUT_MS = 15000;
const CONVERGE_TIMEOUT_MS = 20000;

/** A seeded generator (mulberry32), so a run's choices can be replayed with SOAK_SEED. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(SEED);
const between = (low, high) => low + random() * (high - low);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const now = () => performance.now();

/** Edit kinds and their weights. `ui*` use real mouse and keyboard input. */
const KINDS = {
  addNode: 12, palette: 3, move: 22, rename: 18, addEdge: 10, remove: 9, undo: 8, redo: 4,
  uiDrag: 5, uiDelete: 3, uiRename: 3, uiUndo: 3,
};

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
const started = now();
const errors = [];
const stats = { reloads: 0, closes: 0, reopens: 0, interruptedBy: { reload: 0, close: 0 } };
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
const ready = (page) => page.waitForFunction(() => window.soak?.ready() && location.hash.includes('d='), null, { timeout: 20000 });

// The first tab creates the sample diagram; the others open it from the URL.
const slots = [];
{
  const first = await openTab('t0');
  hash = new URL(first.url()).hash;
  slots.push({ name: 't0', page: first });
  for (let i = 1; i < TABS; i += 1) slots.push({ name: `t${i}`, page: await openTab(`t${i}`) });
}
const initial = (await slots[0].page.evaluate(() => window.soak.snapshot())).state;
for (const slot of slots) Object.assign(slot, { epoch: 0, phase: 'idle', busy: false, available: Promise.resolve(), made: 0 });
const deadline = now() + SECONDS * 1000;
console.log(`soak: ${TABS} tabs on ${hash}, ${SECONDS} s, seed ${SEED}`);

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

/** Reloads or closes (and later reopens) random tabs until the deadline. */
async function chaosLoop() {
  while (now() < deadline - 3000) {
    await sleep(between(2000, 5000));
    const open = slots.filter((slot) => slot.page);
    if (open.length === 0) continue;
    const slot = open[Math.floor(random() * open.length)];
    // Half of the time, strike right after an edit, before its acknowledgement.
    if (random() < 0.5) {
      const until = now() + 2000;
      while (slot.phase !== 'ack' && now() < until) await sleep(1);
    }
    while (slot.busy) await sleep(1);
    slot.epoch += 1;
    const page = slot.page;
    if (open.length > 1 && random() < 0.5) {
      stats.closes += 1;
      slot.lastChaos = 'close';
      slot.page = null;
      slot.available = (async () => {
        await page.close();
        await sleep(between(300, 3000));
        slot.page = await openTab(slot.name);
        stats.reopens += 1;
      })();
    } else {
      stats.reloads += 1;
      slot.lastChaos = 'reload';
      slot.available = (async () => {
        await page.reload();
        await ready(page);
      })();
    }
  }
}

await Promise.all([...slots.map(editLoop), chaosLoop()]);
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

const live = await converge(slots.map((slot) => slot.page));
const fresh = await openTab('fresh');
const withStore = await converge([...slots.map((slot) => slot.page), fresh]);
const final = withStore.snapshots[0].state;
const diverged = withStore.problems.length > 0;
const check = checkLedger(ledger, initial, final);
const graphDiff = diverged ? describeDivergence(withStore.snapshots) : null;

/** The first cells and paths where the tabs' snapshots differ (for the report). */
function describeDivergence(snapshots) {
  const names = [...slots.map((slot) => slot.name), 'fresh'];
  const out = [];
  const views = snapshots.flatMap((s, i) => [[`${names[i]}.state`, s.state], [`${names[i]}.graph`, s.graph]]);
  const [, reference] = views[0];
  for (const [name, view] of views.slice(1)) {
    for (const id of new Set([...Object.keys(reference), ...Object.keys(view)])) {
      const a = reference[id];
      const b = view[id];
      if (!a || !b) {
        if (a !== b) out.push(`${name}: cell ${id} ${a ? 'missing' : 'extra'}`);
        continue;
      }
      for (const path of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (a[path] !== b[path]) out.push(`${name}: ${id}/${path}: t0.state=${a[path]} here=${b[path]}`);
      }
    }
  }
  return out.slice(0, 40);
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
  seconds: Math.round(soakSeconds * 10) / 10,
  seed: SEED,
  tabs: TABS,
  editsAcknowledged: acked.length,
  editsByKind: byKind,
  writesAcknowledged: acked.reduce((n, entry) => n + entry.writes.length, 0),
  editsUnacknowledgedAtReloadOrClose: ledger.filter((entry) => entry.interrupted).length,
  editsPartlyDroppedByReportedConflict: ledger.filter((entry) => entry.status === 'dropped').length,
  conflictsSeenByEdits: conflicts,
  editsNeverAcknowledged: stuck,
  reloads: stats.reloads,
  closes: stats.closes,
  reopens: stats.reopens,
  interruptedBy: stats.interruptedBy,
  finalCells: Object.keys(final).length,
  finalVersion: withStore.snapshots[0].status.committedVersion,
  keysChecked: check.keys,
  lost: check.lost,
  phantom: check.phantom,
  diverged: diverged ? 'yes' : 'no',
  divergence: diverged ? { beforeFreshTab: live.problems, withFreshTab: withStore.problems, differences: graphDiff } : undefined,
  errors: [...errors, ...demo.errors.map((message) => `page error: ${message}`)].slice(0, 50),
  problems: check.problems.slice(0, 20),
};
summary.pass = summary.lost === 0 && summary.phantom === 0 && !diverged && stuck === 0 && summary.errors.length === 0;

await mkdir(OUT, { recursive: true });
await writeFile(join(OUT, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
await writeFile(join(OUT, 'ledger.json'), `${JSON.stringify({ initial, final, ledger }, null, 1)}\n`);
await demo.close();

console.log(`soak: ${summary.seconds} s, ${TABS} tabs, seed ${SEED}
  edits acknowledged:        ${summary.editsAcknowledged} (${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')})
  writes acknowledged:       ${summary.writesAcknowledged} (leaf paths, additions and removals)
  reloads:                   ${stats.reloads}
  closes / reopens:          ${stats.closes} / ${stats.reopens}
  unacknowledged at reload/close: ${summary.editsUnacknowledgedAtReloadOrClose}
  partly given away by a reported conflict: ${summary.editsPartlyDroppedByReportedConflict} ${JSON.stringify(conflicts)}
  never acknowledged:        ${stuck}
  final cells:               ${summary.finalCells} (version ${summary.finalVersion}), ${check.keys} keys checked
  lost = ${check.lost}, phantom = ${check.phantom}, diverged = ${summary.diverged}, errors = ${summary.errors.length}`);
if (diverged) console.log(`  divergence: ${JSON.stringify(summary.divergence, null, 2)}`);
for (const problem of check.problems.slice(0, 10)) console.log(`  ${problem.kind}: ${JSON.stringify(problem)}`);
for (const error of summary.errors.slice(0, 10)) console.log(`  error: ${error}`);
console.log(`soak: ${summary.pass ? 'PASS' : 'FAIL'} (summary in ${join(OUT, 'summary.json')})`);
process.exit(summary.pass ? 0 : 1);
