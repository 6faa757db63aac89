// The boundary fuzz of tests/e2e/boundary.test.mjs: thousands of random JS values into
// every entry point of the package. Each call must either succeed or throw a
// DiagramStateError with a string `code`; a call that throws must change nothing; the
// module must stay usable throughout.
import init, * as api from '/pkg/diagram_state.js';
import { describeError, isTypedError, snapshot } from './outcome.js';
import { prng } from './prng.js';

await init();
const { DiagramState } = api;

function generator(random) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const keys = ['type', 'id', 'key', 'cell', 'path', 'before', 'after', 'previous', 'current', 'origin',
    'significance', 'diagramId', 'cells', 'version', 'maxHistory', 'filter', 'rules', 'pattern', 'x', '__proto__', ''];
  const strings = () => pick(['', 'a', 'b', 'n1', 'added', 'removed', 'changed', 'add', 'update', 'remove',
    'local', 'tab', 'remote', 'history', 'semantic', 'visual', 'attrs/body/fill', 'a//b', '/x', 'x/',
    'position/x', 'ports/items/0/attrs', '**', 'attrs/*/fill*', 'é🙂', 'id', 'change', 'nope',
    'x'.repeat(2000), 'y'.repeat(200000)]);
  const numbers = () => pick([0, -0, 1, -1, 0.5, 42, 2 ** 53, -(2 ** 60), 1e308, NaN, Infinity, -Infinity]);
  function value(depth = 0) {
    const roll = random();
    if (depth > 4 || roll < 0.25) {
      return pick([undefined, null, true, false, numbers(), strings(), strings(), Symbol('s'), 10n, () => 1]);
    }
    if (roll < 0.4) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    if (roll < 0.45) return pick([new Map([[1, 2]]), new Date(0), new Uint8Array(3), cyclic(), deep()]);
    const object = {};
    for (let i = Math.floor(random() * 5); i > 0; i -= 1) object[pick(keys)] = value(depth + 1);
    return object;
  }
  function cyclic() {
    const object = { id: 'a', type: 'added' };
    object.cell = object;
    return object;
  }
  function deep() {
    let object = { id: 'deep' };
    for (let i = 0; i < 5000; i += 1) object = { child: object };
    return { type: 'added', cell: { id: 'z', data: object } };
  }
  /** Values shaped almost like real arguments, to reach past the first checks. */
  function event() {
    return pick([
      () => ({ type: 'added', cell: { id: pick(['a', 'b', 'c', '', 7]), shape: 'rect', position: value(2) } }),
      () => ({ type: 'removed', id: pick(['a', 'b', 'c', 'zz', 1, null]) }),
      () => ({ type: 'changed', id: pick(['a', 'b', 'zz']), key: pick(['position', 'attrs', 'tools', 'id', strings()]),
        previous: value(1), current: value(1) }),
      () => value(),
    ])();
  }
  function change() {
    return pick([
      () => ({ type: 'add', cell: { id: pick(['a', 'c', 'd']), x: value(3) } }),
      () => ({ type: 'remove', cell: { id: pick(['a', 'b', 'zz']) } }),
      () => ({ type: 'update', id: pick(['a', 'b', 'zz']), path: strings(), before: value(2), after: value(2) }),
      () => value(),
    ])();
  }
  return { pick, value, event, change, strings };
}

/** Calls `call`, classifying the outcome; `state` is checked for no change on a throw. */
function attempt(report, name, state, call) {
  const before = state && !state.disposed ? snapshot(state) : null;
  report.calls += 1;
  try {
    call();
    report.succeeded += 1;
  } catch (error) {
    if (!isTypedError(error)) {
      report.untyped.push(`${name}: ${describeError(error)}`);
      return;
    }
    report.codes[error.code] = (report.codes[error.code] ?? 0) + 1;
    if (before !== null && snapshot(state) !== before) report.changedOnError.push(`${name}: ${error.code}`);
  }
}

async function fuzz(seed, rounds) {
  const random = prng(seed);
  const gen = generator(random);
  const report = { seed, calls: 0, succeeded: 0, codes: {}, untyped: [], changedOnError: [] };
  const cells = [{ id: 'a', shape: 'rect', position: { x: 1, y: 2 }, attrs: { body: { fill: '#fff' } } },
    { id: 'b', shape: 'rect', position: { x: 5, y: 6 } }];
  for (let i = 0; i < 200; i += 1) {
    const options = gen.pick([() => gen.value(), () => ({ diagramId: gen.value(), cells: gen.value(), maxHistory: gen.value() }),
      () => ({ diagramId: 'x', filter: { rules: [{ id: gen.strings(), pattern: gen.strings() }] } })])();
    report.calls += 1;
    try {
      (await DiagramState.open(options)).free();
      report.succeeded += 1;
    } catch (error) {
      if (isTypedError(error)) report.codes[error.code] = (report.codes[error.code] ?? 0) + 1;
      else report.untyped.push(`open: ${describeError(error)}`);
    }
  }
  const state = await DiagramState.open({ diagramId: 'fuzz', cells });
  const entryPoints = [
    ['handleEvent', () => state.handleEvent(gen.event(), gen.pick([undefined, gen.value(), { origin: gen.strings() }]))],
    ['applyChanges', () => state.applyChanges(gen.pick([[gen.change()], [gen.change(), gen.change()], gen.value()]), gen.pick([undefined, gen.strings(), gen.value()]))],
    ['beginBatch', () => state.beginBatch()],
    ['endBatch', () => state.endBatch()],
    ['undo', () => state.undo()],
    ['redo', () => state.redo()],
    ['on', () => state.on(gen.pick([gen.strings(), gen.value(), 'history']), gen.pick([gen.value(), () => {}]))()],
    ['addRule', () => state.addRule(gen.pick([gen.strings(), gen.value()]), gen.pick([gen.strings(), gen.value()]))],
    ['removeRule', () => state.removeRule(gen.pick([gen.strings(), gen.value()]))],
    ['classifyPaths', () => state.classifyPaths(gen.pick([[gen.strings(), gen.strings()], gen.value()]))],
    ['countVisualPaths', () => state.countVisualPaths(gen.pick([[gen.strings()], gen.strings(), gen.value()]))],
    ['classifyPathsCompact', () => state.classifyPathsCompact(gen.pick([[gen.strings(), gen.strings()], gen.strings(), gen.value()]))],
    ['configureHistory', () => state.configureHistory(gen.pick([gen.value(), { maxHistory: gen.value() }, { mergeIntervalMs: gen.value() }]))],
    ['parsePath', () => api.parsePath(gen.pick([gen.strings(), gen.value()]))],
    ['saveNow', () => state.saveNow()],
    ['flush', () => state.flush()],
    ['resolveConflict', () => state.resolveConflict(gen.pick(['refresh', 'overwrite', 'cancel', gen.value()]))],
    ['markDirty', () => state.markDirty(gen.pick([gen.strings(), gen.value()]))],
    ['updateEditorContext', () => state.updateEditorContext(gen.pick([gen.value(), { loading: gen.value() }, { ids: gen.value() }]))],
    ['resolveTabConflict', () => state.resolveTabConflict(gen.value(), gen.pick(['mine', 'theirs', gen.value()]))],
    ['getters', () => [state.conflicts, state.syncStatus, state.saveStatus, state.historyState, state.version]],
  ];
  for (let i = 0; i < rounds; i += 1) {
    const [name, call] = gen.pick(entryPoints);
    attempt(report, name, state, call);
  }
  while (state.historyState.batchDepth > 0) state.endBatch();
  // Still usable: a real edit is recorded and undone.
  const usable = (() => {
    try {
      state.configureHistory({ maxHistory: 100 });
      const id = `usable-${seed}`;
      state.handleEvent({ type: 'added', cell: { id, shape: 'rect' } });
      const added = state.cells().some((cell) => cell.id === id);
      state.undo();
      return added && !state.cells().some((cell) => cell.id === id);
    } catch (error) {
      return String(error);
    }
  })();
  state.dispose();
  attempt(report, 'afterDispose', null, () => state.undo());
  return { ...report, usable, disposedCode: (() => { try { state.undo(); } catch (error) { return error.code; } })() };
}

/** The directory's entry points, which answer with promises: every rejection must be a
 * typed error, and the directory must still work afterwards. */
async function fuzzDirectory(seed, rounds) {
  const random = prng(seed);
  const gen = generator(random);
  const report = { seed, calls: 0, succeeded: 0, codes: {}, untyped: [], changedOnError: [] };
  const diagrams = await api.LocalDiagrams.open({ storage: 'memory' });
  const { id } = await diagrams.create({ name: 'fuzz', cells: [{ id: 'a', shape: 'rect' }] });
  const ids = () => gen.pick([id, gen.strings(), gen.value()]);
  const calls = [
    ['open', () => api.LocalDiagrams.open(gen.pick([gen.value(), { storage: gen.value() }, { dbName: gen.value() }]))],
    ['list', () => diagrams.list()],
    ['create', () => diagrams.create(gen.pick([gen.value(), { name: gen.value(), cells: gen.value() }, { name: 'x', storageType: gen.value() }]))],
    ['rename', () => diagrams.rename(ids(), gen.pick([gen.strings(), gen.value()]))],
    ['duplicate', () => diagrams.duplicate(ids(), gen.pick([undefined, gen.value()]))],
    ['importDocument', () => diagrams.importDocument(gen.pick([gen.value(), { cells: [gen.value(), gen.value()] }, '{"cells":[{"id":1}]}']), gen.pick([{ name: 'i' }, gen.value()]))],
    ['exportDocument', () => diagrams.exportDocument(ids())],
    ['openDiagram', () => diagrams.openDiagram(ids(), gen.pick([undefined, gen.value(), { cells: gen.value() }, { autosave: gen.value() }])).then((state) => state.dispose())],
  ];
  for (let i = 0; i < rounds; i += 1) {
    const [name, call] = gen.pick(calls);
    report.calls += 1;
    try {
      const opened = await call();
      if (opened && typeof opened.close === 'function' && opened !== diagrams) opened.close();
      report.succeeded += 1;
    } catch (error) {
      if (isTypedError(error)) report.codes[error.code] = (report.codes[error.code] ?? 0) + 1;
      else report.untyped.push(`${name}: ${describeError(error)}`);
    }
  }
  const exported = await diagrams.exportDocument(id);
  report.usable = exported.cells.length === 1;
  return report;
}

window.fuzz = fuzz;
window.fuzzDirectory = fuzzDirectory;
window.ready = true;
