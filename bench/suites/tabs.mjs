// Suite `tabs`: two pages of one browser context (shared IndexedDB and BroadcastChannel)
// open the same local diagram of 10,000 cells (bench/pages/tabs.html). Tab A edits, tab B
// follows.
//
// - `propagation-p50` / `propagation-p99`: 1,000 single-cell changes per run, one at a
//   time (the next one leaves once tab B acknowledged the previous one). diagram-state:
//   from just before tab A's `handleEvent` to the start of tab B's `change` listener; that
//   includes tab A's IndexedDB commit, the post, tab B's decoding and integration. Peer
//   `raw-broadcastchannel`: the same message text (as diagram-state posted it) sent on a
//   plain BroadcastChannel, timed to the end of tab B's `JSON.parse`. Both on the clock
//   `performance.timeOrigin + performance.now()` of each page. A run's samples are its
//   percentiles; every latency goes to bench/out/tabs.json.
// - `batch-arrival-block`: 1,000 nodes moved in one batch in tab A (2,000 leaf changes, one
//   commit, one message); in tab B, the time from the start of the message's dispatch (a
//   listener registered just before diagram-state's own, on the same channel object) to
//   the next task (a MessageChannel message posted at that start): the message handling,
//   decoding, integration, the `change` payload and every microtask they queue. Peer: the
//   same text on a raw channel, `JSON.parse`d. Median of 5 batches per run.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { median, openBenchPage } from '../lib.mjs';

export const name = 'tabs';
export const title = 'Cross-tab propagation: diagram-state vs a raw BroadcastChannel';

const WORKLOAD = 'two-tabs-10k-cells';
const DATA = { nodes: 6000, edges: 4000, seed: 1 };
const CHANGES_PER_RUN = 1000;
const WARMUP_CHANGES = 50;
const BATCH_SIZE = 1000;
const BATCHES_PER_RUN = 5;
const WARMUP_BATCHES = 2;
const PAGE = '/bench/pages/tabs.html';
const OUT = fileURLToPath(new URL('../out/', import.meta.url));

export const targets = [
  { workload: WORKLOAD, metric: 'propagation-p50', text: 'propagation p50 ≤ 2× a raw BroadcastChannel one-way message', max: 2, vs: 'raw-broadcastchannel' },
  { workload: WORKLOAD, metric: 'propagation-p50', text: 'propagation p50 ≤ 100 ms', max: 100 },
  { workload: WORKLOAD, metric: 'batch-arrival-block', text: 'tab B blocked ≤ 16 ms when a 1,000-node batch arrives', max: 16 },
];

/** The nearest-rank percentile `p` (0–100) of `values`. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function run(ctx) {
  const db = `bench-tabs-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const unroute = await crossOriginIsolated(ctx, PAGE);
  const [a, b] = await Promise.all([openBenchPage(ctx, PAGE), openBenchPage(ctx, PAGE)]).finally(unroute);
  const detail = { data: DATA, runs: ctx.runs, propagation: [], batches: [] };
  try {
    const id = await a.call('create', { db, ...DATA });
    const opened = [
      await a.call('open', { db, id, role: 'a', nodes: DATA.nodes }),
      await b.call('open', { db, id, role: 'b', nodes: DATA.nodes }),
    ];
    if (!opened.every((tab) => tab.isolated)) ctx.log('tabs: pages not cross-origin isolated: timer resolution 100 µs');
    await a.call('peers', 1);
    await b.call('peers', 1);
    ctx.log(`tabs: two tabs on a ${DATA.nodes + DATA.edges}-cell diagram`);

    const samples = { ds: { p50: [], p99: [], block: [] }, raw: { p50: [], p99: [], block: [] } };
    detail.warmup = await a.call('propagate', { count: WARMUP_CHANGES, from: 0 });
    for (let runIndex = 0; runIndex < ctx.runs; runIndex += 1) {
      const from = WARMUP_CHANGES + runIndex * CHANGES_PER_RUN;
      const result = await a.call('propagate', { count: CHANGES_PER_RUN, from });
      detail.propagation.push(result);
      for (const [side, values] of [['ds', result.ds], ['raw', result.raw]]) {
        samples[side].p50.push(percentile(values, 50));
        samples[side].p99.push(percentile(values, 99));
      }
      ctx.log(`tabs run ${runIndex + 1}/${ctx.runs} propagation p50/p99: diagram-state ${fmt(samples.ds, 'p50')}/${fmt(samples.ds, 'p99')} ms, raw ${fmt(samples.raw, 'p50')}/${fmt(samples.raw, 'p99')} ms`);
    }

    await b.call('probe', true);
    for (let i = 0; i < WARMUP_BATCHES; i += 1) await a.call('batch', { size: BATCH_SIZE });
    for (let runIndex = 0; runIndex < ctx.runs; runIndex += 1) {
      const measured = [];
      for (let i = 0; i < BATCHES_PER_RUN; i += 1) {
        await a.heap();
        await b.heap();
        measured.push(checked(await a.call('batch', { size: BATCH_SIZE })));
      }
      detail.batches.push(measured);
      samples.ds.block.push(median(measured.map((m) => m.ds.probe.blocked)));
      samples.raw.block.push(median(measured.map((m) => m.raw.probe.blocked)));
      ctx.log(`tabs run ${runIndex + 1}/${ctx.runs} batch-arrival-block: diagram-state ${fmt(samples.ds, 'block')} ms, raw ${fmt(samples.raw, 'block')} ms (message ${(measured[0].bytes / 1024).toFixed(0)} KiB)`);
    }
    detail.finalStatus = { a: await a.call('status'), b: await b.call('status') };
    detail.summary = summary(detail);
    ctx.log(`tabs: ${JSON.stringify(detail.summary)}`);

    await b.call('close', {});
    await a.call('close', { deleteDb: db });
    await mkdir(OUT, { recursive: true });
    await writeFile(`${OUT}tabs.json`, `${JSON.stringify(detail)}\n`);
    return [
      row('propagation-p50', 'diagram-state', samples.ds.p50),
      row('propagation-p50', 'raw-broadcastchannel', samples.raw.p50),
      row('propagation-p99', 'diagram-state', samples.ds.p99),
      row('propagation-p99', 'raw-broadcastchannel', samples.raw.p99),
      row('batch-arrival-block', 'diagram-state', samples.ds.block),
      row('batch-arrival-block', 'raw-broadcastchannel', samples.raw.block),
    ];
  } finally {
    await a.close();
    await b.close();
  }
}

/** A batch measurement whose handling tab B could probe in one task, or an error. */
function checked(measured) {
  for (const side of ['ds', 'raw']) {
    const { probe } = measured[side];
    if (!probe) throw new Error(`batch: tab B did not probe the ${side} arrival`);
    if (!probe.sameTask) throw new Error(`batch: tab B handled the ${side} arrival over several tasks (${JSON.stringify(probe)}); the probe would under-report`);
  }
  return measured;
}

/** Medians over every run of where the time goes (for bench/out/tabs.json and the log). */
function summary({ propagation, batches }) {
  const all = (key) => propagation.flatMap((result) => result[key]);
  const flat = batches.flat();
  const p50 = (values) => Number(percentile(values, 50).toFixed(3));
  return {
    'propagation p50: tab A handleEvent → commit posted': p50(all('dsUntilPost')),
    'propagation p50: diagram-state round trip': p50(all('dsRoundTrip')),
    'propagation p50: raw round trip': p50(all('rawRoundTrip')),
    'batch p50: tab A handleEvent ×1000 (sync)': p50(flat.map((m) => m.localMs)),
    'batch p50: tab A start → commit posted': p50(flat.map((m) => m.ds.untilPost)),
    'batch p50: tab A start → tab B change': p50(flat.map((m) => m.ds.endToEnd)),
    'batch p50: tab B dispatch start → change listener': p50(flat.map((m) => m.ds.probe.toChange)),
    'batch: long tasks seen in tab B': flat.flatMap((m) => m.ds.longTasks).length,
  };
}

const fmt = (side, key) => side[key].at(-1).toFixed(2);
const row = (metric, system, samples) => ({ workload: WORKLOAD, system, metric, unit: 'ms', samples, better: 'lower' });

/**
 * Serves `path` (a bench page) cross-origin isolated (COOP/COEP headers added through a
 * route) so that `performance.now()` has its fine resolution (5 µs instead of 100 µs).
 * Returns the function that removes the route.
 */
async function crossOriginIsolated(ctx, path) {
  const url = `${ctx.baseUrl}${path}`;
  const handler = async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers(), 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    await route.fulfill({ response, headers });
  };
  await ctx.context.route(url, handler);
  return () => ctx.context.unroute(url, handler);
}
