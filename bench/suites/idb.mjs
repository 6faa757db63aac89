// Suite `idb`: diagram-state's IndexedDB store through its public JS API against plain
// IndexedDB calls on the same layout and the same records (bench/pages/idb.html).
//
// Metrics, on a 10,000-cell diagram (6,000 nodes, 4,000 edges, bench/pages/data.js):
// - `commit-one`: one node moved (`handleEvent`) until the `sync` event reports the commit
//   (its IndexedDB transaction complete) vs one readwrite transaction that reads the entry,
//   checks its version, puts the cell's record and the entry with the version bumped.
// - `load`: `openDiagram` of the stored diagram vs one readonly transaction (entry get +
//   `getAll` over the diagram's key range) with every record parsed.
// - `first-save`: `importDocument` of the X6 document vs the entry and every record (texts
//   built from the cells) put in one readwrite transaction.
// Each run measures every operation several times, diagram-state and raw alternating; a
// run's sample is the median of its measurements. Every measurement goes to bench/out/idb.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { median, openBenchPage } from '../lib.mjs';

export const name = 'idb';
export const title = 'Local diagrams in IndexedDB: diagram-state vs raw IndexedDB';

const WORKLOAD = '10k-cells';
const DATA = { nodes: 6000, edges: 4000, seed: 1 };
/** Measurements per run and warm-up rounds, per operation. */
const PLAN = {
  'commit-one': { perRun: 20, warmup: 5, ds: 'dsCommit', raw: 'rawCommit', collect: false },
  load: { perRun: 3, warmup: 2, ds: 'dsLoad', raw: 'rawLoad', collect: true },
  'first-save': { perRun: 3, warmup: 2, ds: 'dsFirstSave', raw: 'rawFirstSave', collect: true },
};
/** Measured for the record (bench/out/idb.json), not compared. */
const EXTRAS = {
  'load-export': { fn: 'dsExport', count: 3 },
  'load-getall-unparsed': { fn: 'rawGetAll', count: 3 },
  'commit-one-raw-with-oplog': { fn: 'rawCommitFull', count: 20 },
};
const PAGE = '/bench/pages/idb.html';
const OUT = fileURLToPath(new URL('../out/', import.meta.url));

export const targets = [
  { workload: WORKLOAD, metric: 'commit-one', text: 'commit of one changed cell ≤ 1.5× raw IndexedDB', max: 1.5, vs: 'raw-indexeddb' },
  { workload: WORKLOAD, metric: 'load', text: 'load of 10,000 cells ≤ 1.3× raw getAll', max: 1.3, vs: 'raw-indexeddb' },
  { workload: WORKLOAD, metric: 'first-save', text: 'first save of 10,000 cells ≤ 1.2× raw bulk put', max: 1.2, vs: 'raw-indexeddb' },
];

export async function run(ctx) {
  const unroute = await crossOriginIsolated(ctx, PAGE);
  const page = await openBenchPage(ctx, PAGE).finally(unroute);
  const detail = { data: DATA, runs: ctx.runs, measurements: {} };
  try {
    const setup = await page.call('setup', DATA);
    ctx.log(`idb: ${setup.cells} cells stored (${(setup.bytes / 1e6).toFixed(1)} MB of JSON); timer resolution ${setup.isolated ? '5 µs' : '100 µs (not cross-origin isolated)'}`);
    detail.setup = setup;
    const samples = {};
    for (const [metric, plan] of Object.entries(PLAN)) {
      samples[metric] = { ds: [], raw: [] };
      detail.measurements[metric] = { warmup: await pairs(page, plan, plan.warmup), runs: [] };
    }
    for (let runIndex = 0; runIndex < ctx.runs; runIndex += 1) {
      for (const [metric, plan] of Object.entries(PLAN)) {
        const measured = await pairs(page, plan, plan.perRun);
        detail.measurements[metric].runs.push(measured);
        samples[metric].ds.push(median(measured.ds));
        samples[metric].raw.push(median(measured.raw));
        ctx.log(`idb run ${runIndex + 1}/${ctx.runs} ${metric}: diagram-state ${median(measured.ds).toFixed(2)} ms, raw ${median(measured.raw).toFixed(2)} ms`);
      }
    }
    for (const [metric, { fn, count }] of Object.entries(EXTRAS)) {
      const values = [];
      for (let i = 0; i < count; i += 1) values.push(await page.call(fn));
      detail.measurements[metric] = values;
      ctx.log(`idb extra ${metric}: median ${median(values).toFixed(2)} ms`);
    }
    await page.call('teardown');
    await mkdir(OUT, { recursive: true });
    await writeFile(`${OUT}idb.json`, `${JSON.stringify(detail, null, 1)}\n`);
    return Object.entries(samples).flatMap(([metric, bySystem]) => [
      row(metric, 'diagram-state', bySystem.ds),
      row(metric, 'raw-indexeddb', bySystem.raw),
    ]);
  } finally {
    await page.close();
  }
}

/**
 * `count` rounds of one diagram-state and one raw measurement, alternating which goes
 * first; with `plan.collect`, garbage is collected before each measurement.
 */
async function pairs(page, plan, count) {
  const measured = { ds: [], raw: [] };
  for (let i = 0; i < count; i += 1) {
    const order = i % 2 === 0 ? ['ds', 'raw'] : ['raw', 'ds'];
    for (const side of order) {
      if (plan.collect) await page.heap();
      measured[side].push(await page.call(plan[side]));
    }
  }
  return measured;
}

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
