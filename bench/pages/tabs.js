// The tabs suite's page: two of them (tab A sends, tab B receives) in one browser context,
// sharing IndexedDB and BroadcastChannel, open the same local diagram. diagram-state's path
// (tab A commits to IndexedDB, then posts on `diagram-state:<id>`; tab B integrates and
// emits `change`) is compared with a raw BroadcastChannel message of the same text.
// Both pages use `performance.timeOrigin + performance.now()` as their common clock; tab B
// answers every arrival on an acknowledgement channel, and tab A sends the next change only
// once the previous one was acknowledged.
import { blockProbe, onDiagramStateMessage, posted } from './tabs-hooks.js';
import init, { LocalDiagrams } from '/pkg/diagram_state.js';
import { makeDiagram, nodeId } from './data.js';

/** Single-cell changes set `position/x` to SEQ_BASE + their sequence number. */
const SEQ_BASE = 1_000_000;
const ACK_TIMEOUT_MS = 30_000;

const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

let diagrams;
let state;
let rawChannel;
let ackChannel;
let nodes;
const positions = new Map();
let batches = 0;

// ---- tab B: receiving ----------------------------------------------------------------

const probe = blockProbe();
let probing = false;
const longTasks = [];

/** What tab B does with an arrived change set (`system`: diagram-state or raw-broadcastchannel). */
function arrived(system, changes) {
  const at = clock();
  const changedAt = performance.now();
  if (changes.length === 1) {
    const [change] = changes;
    ackChannel.postMessage({ kind: 'one', system, seq: change.after - SEQ_BASE, id: change.id, at });
    return;
  }
  // A batch: acknowledged once the task that handled it is over.
  const started = probing ? probe.current : null;
  if (!started) {
    ackChannel.postMessage({ kind: 'batch', system, count: changes.length, at, probe: null });
    return;
  }
  probe.settled(started).then(async (done) => {
    await sleep(50); // long-task entries are delivered to their observer some time later
    const tasks = longTasks.filter((task) => task.startTime + task.duration >= done.start && task.startTime <= done.end);
    ackChannel.postMessage({
      kind: 'batch', system, count: changes.length, at,
      probe: { blocked: done.blocked, toChange: changedAt - done.start, sameTask: changedAt <= done.end },
      longTasks: tasks.map((task) => task.duration),
    });
  });
}

function listen() {
  onDiagramStateMessage(() => {
    if (probing) probe.start();
  });
  state.on('change', ({ origin, changes }) => {
    if (origin === 'tab') arrived('diagram-state', changes);
  });
  rawChannel.addEventListener('message', () => {
    if (probing) probe.start();
  });
  rawChannel.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    arrived('raw-broadcastchannel', message.changes);
  });
  new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: false });
}

// ---- tab A: sending --------------------------------------------------------------------

let waiter = null;

/** Resolves with the next acknowledgement (tab B's answer), or rejects after a timeout. */
function nextAck(what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiter = null;
      reject(new Error(`tab B did not acknowledge ${what} within ${ACK_TIMEOUT_MS} ms: ${JSON.stringify(state.syncStatus)}`));
    }, ACK_TIMEOUT_MS);
    waiter = (ack) => {
      clearTimeout(timer);
      waiter = null;
      resolve({ ack, receivedAt: clock() });
    };
  });
}

/** Moves `id` to `current` in tab A's state (one X6 `change:position` event). */
function move(id, current) {
  const previous = positions.get(id);
  positions.set(id, current);
  return state.handleEvent({ type: 'changed', id, key: 'position', previous, current }, undefined);
}

/** Checks an acknowledgement is the one expected. */
function expect(ack, fields) {
  for (const [key, value] of Object.entries(fields)) {
    if (ack[key] !== value) throw new Error(`unexpected acknowledgement ${JSON.stringify(ack)}, expected ${JSON.stringify(fields)}`);
  }
}

/**
 * Sends `count` single-cell changes through diagram-state and, alternating, the same
 * message text on the raw channel; returns the one-way latencies and round trips (ms).
 */
async function propagate({ count, from }) {
  const result = { ds: [], raw: [], dsRoundTrip: [], rawRoundTrip: [], dsUntilPost: [] };
  for (let i = 0; i < count; i += 1) {
    const seq = from + i;
    const id = nodeId(seq % nodes);
    const { y } = positions.get(id);
    posted.length = 0;
    let ack = nextAck(`change ${seq}`);
    const sentAt = clock();
    const outcome = move(id, { x: SEQ_BASE + seq, y });
    const ds = await ack;
    if (outcome.applied.length !== 1) throw new Error(`change ${seq}: ${outcome.applied.length} changes applied`);
    expect(ds.ack, { kind: 'one', system: 'diagram-state', seq, id });
    result.ds.push(ds.ack.at - sentAt);
    result.dsRoundTrip.push(ds.receivedAt - sentAt);
    const commit = posted.find((message) => message.text.includes('"type":"commit"'));
    if (!commit) throw new Error(`change ${seq}: diagram-state posted no commit`);
    result.dsUntilPost.push(commit.at - sentAt);
    const { text } = commit;
    await sleep(0);

    ack = nextAck(`raw message ${seq}`);
    const rawSentAt = clock();
    rawChannel.postMessage(text);
    const raw = await ack;
    expect(raw.ack, { kind: 'one', system: 'raw-broadcastchannel', seq, id });
    result.raw.push(raw.ack.at - rawSentAt);
    result.rawRoundTrip.push(raw.receivedAt - rawSentAt);
    await sleep(0);
  }
  return result;
}

/**
 * Moves `size` nodes in one batch (x and y each) in tab A, then sends the same message text
 * on the raw channel; returns tab B's block probes and the end-to-end times.
 */
async function batch({ size }) {
  batches += 1;
  posted.length = 0;
  let ack = nextAck(`batch ${batches}`);
  const sentAt = clock();
  state.beginBatch();
  for (let i = 0; i < size; i += 1) {
    const id = nodeId(i);
    const { x, y } = positions.get(id);
    move(id, { x: x + 3, y: y + (batches % 2 ? 2 : -2) });
  }
  state.endBatch();
  const localMs = clock() - sentAt;
  const ds = await ack;
  expect(ds.ack, { kind: 'batch', system: 'diagram-state', count: size * 2 });
  const commit = posted.find((message) => message.text.includes('"type":"commit"'));
  if (!commit?.text.includes('"changes"')) throw new Error('the batch was posted without its changes (over the size cap?)');
  const { text } = commit;
  await sleep(20);

  ack = nextAck(`raw batch ${batches}`);
  const rawSentAt = clock();
  rawChannel.postMessage(text);
  const raw = await ack;
  expect(raw.ack, { kind: 'batch', system: 'raw-broadcastchannel', count: size * 2 });
  await sleep(20);
  return {
    bytes: text.length,
    localMs,
    ds: { ...ds.ack, endToEnd: ds.ack.at - sentAt, untilPost: commit.at - sentAt },
    raw: { ...raw.ack, endToEnd: raw.ack.at - rawSentAt },
  };
}

// ---- both ----------------------------------------------------------------------------

window.bench = {
  /** Tab A: stores the shared diagram; resolves to its id. */
  async create({ db, nodes: nodeCount, edges, seed }) {
    diagrams ??= await LocalDiagrams.open({ dbName: db });
    const entry = await diagrams.importDocument({ cells: makeDiagram({ nodes: nodeCount, edges, seed }) }, { name: 'tabs bench' });
    return entry.id;
  },
  /** Both tabs: open diagram `id`, the raw and acknowledgement channels; tab B listens. */
  async open({ db, id, role, nodes: nodeCount }) {
    diagrams ??= await LocalDiagrams.open({ dbName: db });
    state = await diagrams.openDiagram(id);
    nodes = nodeCount;
    for (const cell of state.cells()) if (cell.position) positions.set(cell.id, { ...cell.position });
    rawChannel = new BroadcastChannel(`bench-raw:${db}`);
    ackChannel = new BroadcastChannel(`bench-ack:${db}`);
    if (role === 'b') listen();
    else ackChannel.onmessage = (event) => waiter?.(event.data);
    return { sync: state.syncStatus, isolated: crossOriginIsolated };
  },
  /** Resolves once this tab knows of `count` other tabs on the diagram. */
  async peers(count) {
    const start = performance.now();
    while (state.syncStatus.peers < count) {
      if (performance.now() - start > 10_000) throw new Error(`peers: ${JSON.stringify(state.syncStatus)}`);
      await sleep(10);
    }
    return state.syncStatus.peers;
  },
  /** Tab B: whether message handling is probed (only for batches). */
  probe(on) {
    probing = on;
    return probing;
  },
  propagate,
  batch,
  status: () => ({ sync: state.syncStatus, version: state.version }),
  /** Closes everything; with `deleteDb` (tab A, after tab B closed) deletes the database. */
  async close({ deleteDb }) {
    state?.dispose();
    rawChannel?.close();
    ackChannel?.close();
    diagrams?.close();
    if (!deleteDb) return true;
    // Blocked by a connection still open: the browser deletes it once that one closes.
    return new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(deleteDb);
      request.onsuccess = () => resolve(true);
      request.onblocked = () => resolve(false);
      request.onerror = () => reject(request.error);
    });
  },
};

try {
  await init();
  window.benchReady = true;
} catch (error) {
  window.benchError = String(error?.stack ?? error);
}
