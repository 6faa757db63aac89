// One big batch: all 1,000 nodes of a 1,000-node / 500-edge diagram translated inside one
// X6 batch (`startBatch`/`stopBatch`, as a drag of a selection), then undone in one step.
// Systems: diagram-state bound with `bindGraph` (the X6 batch becomes one state batch, one
// undo entry), X6's History plugin, and X6 with no history (the floor; move only).
// One page per system (bench/pages/batch.html), warmed up by three moves with undo/redo;
// then `runs` times: `move` timed, positions and undo stack checked, `undo` timed, checked.
// The clock covers the synchronous work (X6 model + history); X6 renders afterwards, in
// animation frames, for every system alike.
import { openBenchPage } from '../lib.mjs';

export const name = 'batch';
export const title = 'One 1,000-node batch move and its undo';

const SIZE = { nodes: 1000, edges: 500 };
const WORKLOAD = 'move 1,000 nodes in one batch';
const SYSTEMS = ['x6-floor', 'diagram-state', 'x6-history'];

export const targets = [{ workload: WORKLOAD, metric: 'undo', max: 0.7, vs: 'x6-history', text: "undo ≤ 0.7× X6 History's" }];

export async function run(ctx) {
  const rows = [];
  for (const system of SYSTEMS) {
    const page = await openBenchPage(ctx, '/bench/pages/batch.html');
    try {
      await page.call('setup', { name: system, ...SIZE });
      const move = [];
      const undo = [];
      for (let i = 0; i < ctx.runs; i += 1) {
        const delta = i % 2 ? -10 : 10;
        move.push(await page.call('move', delta));
        await page.call('check', 'moved', delta);
        if (system === 'x6-floor') continue;
        undo.push(await page.call('undo'));
        await page.call('check', 'undone', delta);
      }
      ctx.log(`  ${system}: move ${move.map(Math.round).join('/')} ms${undo.length ? `, undo ${undo.map(Math.round).join('/')} ms` : ''}`);
      rows.push({ workload: WORKLOAD, system, metric: 'move', unit: 'ms', samples: move, better: 'lower' });
      if (undo.length) rows.push({ workload: WORKLOAD, system, metric: 'undo', unit: 'ms', samples: undo, better: 'lower' });
    } finally {
      await page.close();
    }
  }
  return rows;
}
