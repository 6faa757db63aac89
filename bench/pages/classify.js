// The classify suite's page: diagram-state's batched `classifyPaths` / `countVisualPaths`
// against the plain JS rules of js-rules.js on the same path mix. `setup` first checks that
// both use the same rules and agree on every path's verdict, and throws if not. Each
// `time(method)` classifies the whole mix once and returns the duration in ms.
import init, { DiagramState } from '/pkg/diagram_state.js';
import { makePaths } from './data.js';
import * as js from './js-rules.js';

await init();
let state;
let paths;

const METHODS = {
  'diagram-state/verdicts': () => state.classifyPaths(paths),
  'diagram-state/count': () => state.countVisualPaths(paths),
  'js-rules/verdicts': () => js.classifyPaths(paths),
  'js-rules/count': () => js.countVisualPaths(paths),
};

function sameRules() {
  const ours = state.rules().map((rule) => [rule.id, rule.pattern]);
  if (JSON.stringify(ours) !== JSON.stringify(js.DEFAULT_RULES)) {
    throw new Error(`the JS rules differ from diagram-state's defaults: ${JSON.stringify(ours)}`);
  }
}

function sameVerdicts() {
  const ours = state.classifyPaths(paths);
  const theirs = js.classifyPaths(paths);
  const differ = [];
  for (let i = 0; i < paths.length && differ.length < 5; i += 1) {
    const [a, b] = [ours[i], theirs[i]];
    if (a.path !== b.path || a.significance !== b.significance || a.ruleId !== b.ruleId || a.pattern !== b.pattern) {
      differ.push(`${paths[i]}: diagram-state ${JSON.stringify(a)} vs js ${JSON.stringify(b)}`);
    }
  }
  if (ours.length !== theirs.length || differ.length) throw new Error(`verdicts disagree: ${differ.join('; ')}`);
  const [count, jsCount] = [state.countVisualPaths(paths), js.countVisualPaths(paths)];
  if (count !== jsCount) throw new Error(`visual counts disagree: ${count} vs ${jsCount}`);
  return { visual: count, semantic: paths.length - count };
}

window.bench = {
  /** Builds the mix, checks agreement, warms every method up. Returns the verdict counts. */
  async setup({ count }) {
    state = await DiagramState.open({ diagramId: 'bench-classify' });
    paths = makePaths({ count });
    sameRules();
    const counts = sameVerdicts();
    for (let i = 0; i < 3; i += 1) for (const method of Object.values(METHODS)) method();
    return counts;
  },
  methods: () => Object.keys(METHODS),
  time(method) {
    const start = performance.now();
    METHODS[method]();
    return performance.now() - start;
  },
};
window.benchReady = true;
