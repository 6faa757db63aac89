// Classifying cell paths as visual or semantic with the default rules, in bulk, in the
// compact form an editor uses: diagram-state's `state.classifyPathsCompact(paths)` (one
// number per path: 0 semantic, i + 1 visual by rule i, in a Uint16Array) and
// `state.countVisualPaths(paths)` (a count), against a plain JS implementation of the same
// rules (bench/pages/js-rules.js) producing the same numbers. diagram-state is given the
// JS array (`diagram-state`) and, as extra rows, the same paths joined with newlines
// (`diagram-state-joined`).
// 200,000 seeded paths (data.js `makePaths`: visual, semantic and rule-syntax edge cases).
// The page first checks that the JS rules equal diagram-state's and that both agree on
// every path (compact codes and the readable `classifyPaths` objects; the suite fails
// otherwise); then each method is warmed up and timed `runs`×5 times over the whole mix,
// interleaved. Metric: paths per second (higher is better).
import { openBenchPage } from '../lib.mjs';

export const name = 'classify';
export const title = 'Bulk path classification (default rules)';

const COUNT = 200_000;
const REPEAT = 5; // timed passes per run
const VERDICTS = 'compact verdict per path';
const COUNTS = 'count visual paths';

export const targets = [
  { workload: COUNTS, metric: 'throughput', min: 5_000_000, text: 'countVisualPaths ≥ 5 M paths/s' },
  { workload: COUNTS, metric: 'throughput', min: 1, vs: 'js-rules', text: 'countVisualPaths faster than plain JS' },
  { workload: VERDICTS, metric: 'throughput', min: 5_000_000, text: 'classifyPathsCompact ≥ 5 M paths/s' },
  { workload: VERDICTS, metric: 'throughput', min: 1, vs: 'js-rules', text: 'classifyPathsCompact faster than plain JS' },
];

export async function run(ctx) {
  const page = await openBenchPage(ctx, '/bench/pages/classify.html');
  try {
    const counts = await page.call('setup', { count: COUNT });
    ctx.log(`  ${COUNT} paths, verdicts agree (${counts.visual} visual, ${counts.semantic} semantic)`);
    const methods = await page.call('methods');
    const samples = Object.fromEntries(methods.map((method) => [method, []]));
    for (let i = 0; i < ctx.runs * REPEAT; i += 1) {
      for (const method of methods) samples[method].push(COUNT / ((await page.call('time', method)) / 1000));
    }
    return methods.map((method) => {
      const [system, kind] = method.split('/');
      ctx.log(`  ${method}: ${Math.round(Math.max(...samples[method]) / 1000)} k paths/s at best`);
      return { workload: kind === 'count' ? COUNTS : VERDICTS, system, metric: 'throughput', unit: 'paths/s', samples: samples[method], better: 'higher' };
    });
  } finally {
    await page.close();
  }
}
