// Runs the cases of tests/corpus/messages.json: raw payloads posted on a diagram's
// BroadcastChannel, as a broken or hostile tab would, to a tab that has the diagram open
// from IndexedDB. Reports what the receiving tab did: its diagram and history, its sync
// status (what changed, by how much), the events it emitted, what it posted back, and
// whether it still commits and broadcasts an edit afterwards.
import { LocalDiagrams } from '/pkg/diagram_state.js';
import { CELLS } from './corpus-fixtures.js';
import { consoleNoise } from './console-noise.js';
import { settledOutcomeOf, snapshot } from './outcome.js';
import { materialise } from './specials.js';

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function until(check, timeoutMs) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) return false;
    await sleep(2);
  }
  return true;
}

let serial = 0;

/** The receiving tab: a diagram opened from IndexedDB, with two commits behind it, and a
 * raw channel of its own to post on and to hear what the tab posts. */
async function openReceiver() {
  const dbName = `corpus-messages-${Date.now().toString(36)}`;
  const directory = await LocalDiagrams.open({ dbName });
  const entry = await directory.create({ name: 'messages', cells: CELLS });
  const state = await directory.openDiagram(entry.id);
  const heard = { sync: 0, change: 0, conflict: 0, history: 0 };
  for (const name of Object.keys(heard)) state.on(name, () => { heard[name] += 1; });
  const channel = new BroadcastChannel(`diagram-state:${entry.id}`);
  const posted = [];
  channel.onmessage = (event) => posted.push(event.data);
  const receiver = { dbName, directory, state, id: entry.id, heard, channel, posted, peers: state.syncStatus.peers };
  for (let i = 0; i < 2; i += 1) {
    if ((await commitProbe(receiver)) !== true) throw new Error('the receiving tab does not commit');
  }
  if (!(await until(() => state.syncStatus.leader, 3000))) throw new Error('the receiving tab never leads');
  return receiver;
}

async function closeReceiver({ dbName, directory, state, channel }) {
  channel.close();
  state.dispose();
  state.free();
  directory.close();
  directory.free();
  await new Promise((done) => {
    const request = indexedDB.deleteDatabase(dbName);
    request.onsuccess = request.onerror = request.onblocked = () => done();
  });
}

/** A local edit is committed to the store and broadcast: the tab is in step and working. */
async function commitProbe({ state, posted }) {
  const id = `probe-${(serial += 1)}`;
  const version = state.syncStatus.committedVersion;
  state.handleEvent({ type: 'added', cell: { id, shape: 'rect' } });
  const settled = () => {
    const status = state.syncStatus;
    return status.pendingSets === 0 && !status.committing && status.committedVersion > version;
  };
  if (!(await until(settled, 3000))) return `the edit was not committed: ${JSON.stringify(state.syncStatus)}`;
  const broadcast = () => posted.some((text) => typeof text === 'string' && text.includes(`"${id}"`));
  if (!(await until(broadcast, 1000))) return 'the commit was not broadcast';
  if (!state.cells().some((cell) => cell.id === id)) return 'the edit is not in the diagram';
  return true;
}

/** The payload a case posts: `message` as JSON text, `text` as it is, `value` as a value. */
function payload(item, values) {
  if ('message' in item) return JSON.stringify(materialise(item.message, values));
  if ('text' in item) return materialise(item.text, values);
  return materialise(item.value, values);
}

/** Posts one payload and waits for the tab to have handled it: every message the tab
 * receives ends with one `sync` event once everything it asked for (gap repair, resync)
 * is done. What the tab posts in answer arrives as a separate task: the wait covers the
 * answers the case expects, and a little more for any it does not. */
async function deliver(receiver, item, values) {
  const seen = receiver.heard.sync;
  const posted = receiver.posted.length;
  receiver.channel.postMessage(payload(item, values));
  const handled = await until(() => receiver.heard.sync > seen, 3000);
  await until(() => receiver.posted.length >= posted + (item.reply?.length ?? 0), 2000);
  await sleep(20);
  return handled;
}

/** How the sync status changed: counter deltas, and any other field that changed. */
function statusChange(before, after) {
  const reasons = new Set([...Object.keys(before.ignored), ...Object.keys(after.ignored)]);
  const ignored = {};
  for (const reason of reasons) {
    const delta = (after.ignored[reason] ?? 0) - (before.ignored[reason] ?? 0);
    if (delta !== 0) ignored[reason] = delta;
  }
  const others = Object.keys(after).filter((key) => !['ignored', 'peers', 'resyncs', 'lastMessageAt'].includes(key)
    && JSON.stringify(after[key]) !== JSON.stringify(before[key]));
  return {
    ignored,
    peers: after.peers - before.peers,
    resyncs: after.resyncs - before.resyncs,
    read: after.lastMessageAt !== before.lastMessageAt,
    others: others.map((key) => `${key}: ${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`),
  };
}

async function runMessageCase(receiver, kase) {
  const { state, heard, posted } = receiver;
  const values = {
    diagramId: receiver.id,
    tabId: state.syncStatus.tabId,
    version: state.syncStatus.committedVersion,
    peer: `peer-${(serial += 1)}`,
  };
  for (const item of kase.setup ?? []) await deliver(receiver, item, values);
  const before = { diagram: snapshot(state, { full: false }), status: state.syncStatus };
  const counts = { ...heard };
  posted.length = 0;
  const noise = consoleNoise.count;
  const handled = await deliver(receiver, kase, values);
  const after = { diagram: snapshot(state, { full: false }), status: state.syncStatus };
  const replies = posted.map((text) => {
    try {
      return JSON.parse(text).type;
    } catch {
      return String(text).slice(0, 40);
    }
  // The tab's own heartbeat (a `here` every 5 s) may fall into any case's window: a `here`
  // counts as a reply only where the case expects one.
  }).filter((type) => type !== 'here' || (kase.reply ?? []).includes('here'));
  const report = {
    type: kase.type,
    why: kase.why,
    handled,
    diagramChanged: before.diagram !== after.diagram,
    status: statusChange(before.status, after.status),
    events: { change: heard.change - counts.change, conflict: heard.conflict - counts.conflict, history: heard.history - counts.history },
    replies,
    consoleMessages: consoleNoise.count - noise,
  };
  const probe = await settledOutcomeOf(() => commitProbe(receiver));
  report.usable = probe.threw ? probe.message : probe.value;
  // A peer the case introduced says goodbye, outside the measured window: left silent, it
  // would be forgotten 16 s later, in the middle of another case.
  if (state.syncStatus.peers > receiver.peers) {
    const bye = { message: { protocol: 1, diagramId: { $fixture: 'diagramId' }, tabId: { $fixture: 'peer' }, version: 0, type: 'bye' } };
    await deliver(receiver, bye, values);
  }
  return report;
}

/** Runs `cases` in order against one receiving tab. */
export async function runMessageCases(cases) {
  const receiver = await openReceiver();
  try {
    const reports = [];
    for (const kase of cases) reports.push(await runMessageCase(receiver, kase));
    return reports;
  } finally {
    await closeReceiver(receiver);
  }
}
