// The benchmark runner: serves the repository root on 127.0.0.1, starts Debian's Chromium
// through playwright-core (persistent throw-away profile, so IndexedDB behaves as in a real
// browser), bundles the peer libraries (bench/bundle.mjs), then runs every suite in
// bench/suites/ (or those named: `node bench/run.mjs history size`) and writes
// bench/results.json and bench/RESULTS.md (bench/report.mjs).
//
// A suite exports `name`, `title`, `run(ctx)` → rows, and optionally `targets`; `ctx` is
// `{ context, baseUrl, runs, log }` with `runs` from BENCH_RUNS (default 5).
// A benchmark, not a test: timings never fail it; a suite that throws does (exit code 1).
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM_FLAGS } from '../tests/e2e/harness.mjs';
import { bundlePeers, OUT } from './bundle.mjs';
import { writeReport } from './report.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SUITES = fileURLToPath(new URL('./suites/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const runs = Number(process.env.BENCH_RUNS ?? 5);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer, got ${process.env.BENCH_RUNS}`);

const available = (await readdir(SUITES)).filter((file) => file.endsWith('.mjs')).map((file) => file.slice(0, -4)).sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; available: ${available.join(', ')}`);
const selected = wanted.length ? wanted : available;

const started = Date.now();
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);

log(`bundling peer libraries into ${OUT}`);
await bundlePeers();
await mkdir(OUT, { recursive: true });
const server = await startServer({ root: ROOT, idleMs: 30 * 60 * 1000 });
const profile = await mkdtemp(join(tmpdir(), 'diagram-state-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  args: CHROMIUM_FLAGS,
  viewport: { width: 1200, height: 800 },
});
const ctx = { context, baseUrl: server.url.replace(/\/$/, ''), runs, log };

const results = [];
let failed = 0;
try {
  for (const file of selected) {
    const suite = await import(pathToFileURL(join(SUITES, `${file}.mjs`)).href);
    log(`suite ${suite.name}: ${suite.title} (${runs} run${runs > 1 ? 's' : ''})`);
    const suiteStart = Date.now();
    try {
      const rows = await suite.run(ctx);
      results.push({ name: suite.name, title: suite.title, rows, targets: suite.targets ?? [], date: new Date().toISOString(), runs });
      log(`suite ${suite.name}: done in ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
    } catch (error) {
      failed += 1;
      console.error(`suite ${suite.name} FAILED:`, error);
      results.push({ name: suite.name, title: suite.title, rows: [], targets: suite.targets ?? [], date: new Date().toISOString(), runs, error: String(error?.stack ?? error) });
    }
  }
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}

const { json, markdown } = await writeReport({ suites: results, runs, chromium: CHROMIUM });
log(`wrote ${json} and ${markdown}`);
if (failed) {
  console.error(`${failed} suite(s) failed; see above.`);
  process.exit(1);
}
