// The classify suite's page: diagram-state's bulk classification against the plain JS rules
// of js-rules.js on the same path mix, each producing the same compact form: one number per
// path (0 semantic, i + 1 visual by rule i) from `classifyPathsCompact`, and a count of the
// visual paths from `countVisualPaths`. diagram-state is given the paths as the array the
// editor holds (`diagram-state`) and, in extra rows, as one newline-joined string
// (`diagram-state-joined`, the string built outside the clock). `setup` first checks that
// both use the same rules and agree on every path's verdict (compact codes, and the
// readable `classifyPaths` objects), and throws if not. Each `time(method)` classifies the
// whole mix once and returns the duration in ms.
import init, { DiagramState } from '/pkg/diagram_state.js';
import { makePaths } from './data.js';
import * as js from './js-rules.js';

await init();
let state;
let paths;
let joined;

const METHODS = {
  'diagram-state/verdicts': () => state.classifyPathsCompact(paths),
  'diagram-state/count': () => state.countVisualPaths(paths),
  'diagram-state-joined/verdicts': () => state.classifyPathsCompact(joined),
  'diagram-state-joined/count': () => state.countVisualPaths(joined),
  'js-rules/verdicts': () => js.classifyPathsCompact(paths),
  'js-rules/count': () => js.countVisualPaths(paths),
};

function sameRules() {
  const ours = state.rules().map((rule) => [rule.id, rule.pattern]);
  if (JSON.stringify(ours) !== JSON.stringify(js.DEFAULT_RULES)) {
    throw new Error(`the JS rules differ from diagram-state's defaults: ${JSON.stringify(ours)}`);
  }
}

function sameVerdicts() {
  const objects = state.classifyPaths(paths);
  const jsObjects = js.classifyPaths(paths);
  const compact = [state.classifyPathsCompact(paths), state.classifyPathsCompact(joined)];
  const jsCompact = js.classifyPathsCompact(paths);
  const differ = [];
  for (let i = 0; i < paths.length && differ.length < 5; i += 1) {
    const [a, b] = [objects[i], jsObjects[i]];
    if (a.path !== b.path || a.significance !== b.significance || a.ruleId !== b.ruleId || a.pattern !== b.pattern) {
      differ.push(`${paths[i]}: diagram-state ${JSON.stringify(a)} vs js ${JSON.stringify(b)}`);
    }
    const codes = compact.map((list) => list[i]);
    const rule = codes[0] === 0 ? undefined : js.DEFAULT_RULES[codes[0] - 1]?.[0];
    if (codes.some((code) => code !== jsCompact[i]) || rule !== b.ruleId) {
      differ.push(`${paths[i]}: diagram-state codes ${codes} vs js ${jsCompact[i]} (${b.ruleId})`);
    }
  }
  const lengths = [objects, jsObjects, ...compact, jsCompact].map((list) => list.length);
  if (lengths.some((length) => length !== paths.length) || differ.length) {
    throw new Error(`verdicts disagree: lengths ${lengths}; ${differ.join('; ')}`);
  }
  const counts = [state.countVisualPaths(paths), state.countVisualPaths(joined), js.countVisualPaths(paths)];
  if (counts.some((count) => count !== counts[2])) throw new Error(`visual counts disagree: ${counts}`);
  return { visual: counts[2], semantic: paths.length - counts[2] };
}

window.bench = {
  /** Builds the mix, checks agreement, warms every method up. Returns the verdict counts. */
  async setup({ count }) {
    state = await DiagramState.open({ diagramId: 'bench-classify' });
    paths = makePaths({ count });
    joined = paths.join('\n');
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
