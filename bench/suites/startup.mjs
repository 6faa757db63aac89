// Startup: how long an editor waits before a stored 10,000-cell diagram (6,000 nodes,
// 4,000 edges) is open. The diagram is stored once in IndexedDB (`importDocument`); then
// each run loads a fresh page (bench/pages/startup.html) and times `init()` (the wasm
// fetched, compiled and instantiated; the server sends it with `no-store`, so nothing is
// cached), `LocalDiagrams.open()` + `openDiagram(id)`, and both together. One warm-up load
// first, not counted.
import { openBenchPage } from '../lib.mjs';

export const name = 'startup';
export const title = 'Startup: init and open a stored 10,000-cell diagram';

const SIZE = { nodes: 6000, edges: 4000 };
const WORKLOAD = 'init + open 10,000 cells';
const PAGE = '/bench/pages/startup.html';

export const targets = [{ workload: WORKLOAD, metric: 'total', max: 200, text: 'init + open ≤ 200 ms' }];

export async function run(ctx) {
  const dbName = `bench-startup-${Date.now().toString(36)}`;
  const setup = await openBenchPage(ctx, PAGE);
  let id;
  try {
    id = await setup.call('prepare', { dbName, ...SIZE });
  } finally {
    await setup.close();
  }
  const samples = { init: [], open: [], total: [] };
  for (let i = 0; i <= ctx.runs; i += 1) {
    const page = await openBenchPage(ctx, PAGE);
    try {
      const result = await page.call('measure', { dbName, id, cells: SIZE.nodes + SIZE.edges });
      ctx.log(`  ${i === 0 ? 'warm-up' : `run ${i}`}: init ${result.init.toFixed(1)} ms, open ${result.open.toFixed(1)} ms`);
      if (i > 0) for (const metric of Object.keys(samples)) samples[metric].push(result[metric]);
    } finally {
      await page.close();
    }
  }
  await dropDatabase(ctx, dbName);
  return Object.entries(samples).map(([metric, values]) => ({
    workload: WORKLOAD, system: 'diagram-state', metric, unit: 'ms', samples: values, better: 'lower',
  }));
}

/** Deletes the benchmark's database so that runs do not pile up in the profile. */
async function dropDatabase(ctx, dbName) {
  const page = await ctx.context.newPage();
  try {
    await page.goto(`${ctx.baseUrl}${PAGE}`);
    await page.evaluate((name) => new Promise((done) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = request.onerror = request.onblocked = () => done();
    }), dbName);
  } finally {
    await page.close();
  }
}
