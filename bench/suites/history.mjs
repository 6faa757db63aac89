// Undo history at scale: a 1,000-node / 500-edge diagram, 10,000 label edits on random
// nodes (`attrs/text/text`, semantic by default), each its own undo step; then undo all,
// then redo all. Systems: diagram-state bound to a real X6 graph (`bindGraph`), X6's History
// plugin, X6 with no history (the floor), Yjs (Y.UndoManager) and Loro (UndoManager), plus
// diagram-state alone (`core-undo-all`: 10,000 `state.undo()` with no graph).
//
// Each run loads a fresh page per system (bench/pages/history.html), warms it up (1,000
// other edits, undone, redone, reverted, history cleared), then times record / undo-all /
// redo-all in the page and checks every label and the undo stack after each.
// - The floor is measured inside each X6-based system's page, on a graph with no history,
//   built, timed and disposed of before the system is built (so each pass has one graph in
//   the page, and the busy machine's load hits both alike). `x6-floor` rows gather those
//   floor passes (two per run).
// - `overhead`: (record − the floor's record in the same page) / edits, in µs; Yjs and Loro
//   have no X6 under them, so theirs is their whole record time per edit.
// - `heap-growth`: JS heap (CDP, after a forced GC) + wasm memory after recording, minus
//   the same before recording.
// Loro's undo and redo take milliseconds per step at this history length (minutes for
// 10,000 on this machine), so by default Loro's undo-all/redo-all are estimates: the last
// 1,000 of its 10,000 steps are undone and redone (timed and checked like the others) and
// the times scaled ×10 (rows marked `estimated`). BENCH_LORO_FULL=1 measures all 10,000.
import { openBenchPage } from '../lib.mjs';

export const name = 'history';
export const title = 'Undo history: 10,000 label edits on a 1,000-node diagram';

const SIZE = { nodes: 1000, edges: 500, changes: 10_000, warmup: 1000 };
const WORKLOAD = '10k label edits';
const CORE = 'diagram-state-core';
const ON_X6 = ['diagram-state', 'x6-history'];
// BENCH_SYSTEMS (comma-separated) limits a run to some systems, e.g. while tuning one;
// the report then has only their rows.
const SYSTEMS = [...ON_X6, 'yjs', 'loro', CORE].filter(
  (system) => !process.env.BENCH_SYSTEMS || process.env.BENCH_SYSTEMS.split(',').includes(system),
);
const LORO_STEPS = process.env.BENCH_LORO_FULL === '1' ? SIZE.changes : 1000;

export const targets = [
  { workload: WORKLOAD, metric: 'overhead', max: 0.5, vs: 'x6-history', text: "recording overhead ≤ 0.5× X6 History's" },
  { workload: WORKLOAD, metric: 'heap-growth', max: 0.25, vs: 'x6-history', text: "heap growth ≤ 0.25× X6 History's" },
  { workload: WORKLOAD, metric: 'core-undo-all', max: 20, text: 'core undo-all (no graph) ≤ 20 ms' },
  { workload: WORKLOAD, metric: 'undo-all', max: 0.7, vs: 'x6-history', text: "undo-all through the adapter ≤ 0.7× X6 History's" },
  { workload: WORKLOAD, metric: 'redo-all', max: 0.7, vs: 'x6-history', text: "redo-all through the adapter ≤ 0.7× X6 History's" },
];

export async function run(ctx) {
  const samples = {}; // system → metric → number[]
  const add = (system, metric, value) => {
    samples[system] ??= {};
    (samples[system][metric] ??= []).push(value);
  };
  for (let round = 0; round < ctx.runs; round += 1) {
    for (const system of SYSTEMS) {
      const { floor, ...result } = await measure(ctx, system);
      ctx.log(`  run ${round + 1} ${system}: ${Object.entries(result).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`);
      for (const [metric, value] of Object.entries(result)) add(system, metric, value);
      if (floor) for (const [metric, value] of Object.entries(floor)) add('x6-floor', metric, value);
    }
  }
  const rows = [];
  const row = (system, metric, unit, values, note) =>
    rows.push({ workload: WORKLOAD, system, metric, unit, samples: values, better: 'lower', ...(note && { note }) });
  const estimated = (system) =>
    system === 'loro' && LORO_STEPS < SIZE.changes ? `estimated: ${LORO_STEPS} of ${SIZE.changes} steps timed, scaled` : undefined;
  if (samples['x6-floor']) {
    row('x6-floor', 'record', 'ms', samples['x6-floor'].record);
    row('x6-floor', 'heap-growth', 'bytes', samples['x6-floor'].heapGrowth);
  }
  for (const system of SYSTEMS.filter((s) => s !== CORE)) {
    const own = samples[system];
    row(system, 'record', 'ms', own.record);
    row(system, 'overhead', 'us', own.overhead);
    row(system, 'undo-all', 'ms', own.undoAll, estimated(system));
    row(system, 'redo-all', 'ms', own.redoAll, estimated(system));
    row(system, 'heap-growth', 'bytes', own.heapGrowth);
  }
  if (samples[CORE]) row('diagram-state', 'core-undo-all', 'ms', samples[CORE].undoAll);
  return rows;
}

/** One fresh page, one system (and the floor before it): record, undo all, redo all, checked. */
async function measure(ctx, system) {
  const page = await openBenchPage(ctx, '/bench/pages/history.html');
  try {
    const onX6 = ON_X6.includes(system);
    let floor = null;
    if (onX6) {
      await page.call('setupFloor', SIZE);
      const before = await page.heap();
      const record = await page.call('recordFloor');
      floor = { record, heapGrowth: (await page.heap()) - before };
      await page.call('dropFloor');
    }
    await page.call('setup', { name: system, ...SIZE });
    const memory = async () => (await page.heap()) + (await page.call('wasmBytes'));
    const before = await memory();
    const record = await page.call('record');
    await page.call('check', 'recorded', { history: true });
    const heapGrowth = (await memory()) - before;
    const overhead = ((record - (floor?.record ?? 0)) * 1000) / SIZE.changes;
    const steps = system === 'loro' ? LORO_STEPS : SIZE.changes;
    const scale = SIZE.changes / steps;
    const undoAll = (await page.call('undoAll', steps)) * scale;
    await page.call('check', 'undone', { history: true, undone: steps });
    const redoAll = (await page.call('redoAll', steps)) * scale;
    await page.call('check', 'redone', { history: true });
    return { record, overhead, undoAll, redoAll, heapGrowth, floor };
  } finally {
    await page.close();
  }
}
