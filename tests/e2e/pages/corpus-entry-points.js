// Runs the cases of tests/corpus/entry-points.json: each calls one JS entry point of the
// package with bad arguments on a fresh fixture, and reports what happened — the error
// code (or `ignored` when the call returned and changed nothing), whether the error was
// typed, whether the state changed, and whether the module still worked afterwards.
import { DiagramState, LocalDiagrams, parsePath } from '/pkg/diagram_state.js';
import { bindGraph } from '/pkg/x6.js';
import { consoleNoise } from './console-noise.js';
import { makeFixture } from './corpus-fixtures.js';
import { failure, settledOutcomeOf } from './outcome.js';
import { materialise } from './specials.js';

/** The fixture a case gets when it names none. */
function defaultFixture(entry) {
  if (entry === 'DiagramState.open' || entry === 'LocalDiagrams.open' || entry === 'parsePath') return 'none';
  if (entry === 'bindGraph') return 'graph';
  if (entry.startsWith('LocalDiagrams.')) return 'directory';
  return 'plain';
}

/** The call a case makes. */
function callOf(entry, fixture, args) {
  const statics = {
    'DiagramState.open': () => DiagramState.open(...args),
    'LocalDiagrams.open': () => LocalDiagrams.open(...args),
    'DiagramState.off': () => fixture.values.off(...args),
    bindGraph: () => bindGraph(...args),
    parsePath: () => parsePath(...args),
  };
  if (statics[entry]) return statics[entry];
  const member = entry.slice(entry.indexOf('.') + 1);
  const target = fixture.target;
  const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(target), member);
  if (descriptor?.get) return () => target[member];
  if (typeof target[member] !== 'function') throw new Error(`no entry point ${entry}`);
  return () => target[member](...args);
}

/** Calls, noting whether an error was thrown synchronously or by a rejected promise. */
async function invoke(call) {
  let returned;
  try {
    returned = call();
  } catch (error) {
    return { ...failure(error), synchronous: true };
  }
  if (!(returned instanceof Promise)) return { threw: false, value: returned, promise: false };
  return { ...(await settledOutcomeOf(() => returned)), promise: true };
}

/** Releases what a successful call created, and describes the result for comparison. */
function release(value, fixture) {
  if (value instanceof DiagramState) {
    value.dispose();
    value.free();
    return '[DiagramState]';
  }
  if (value instanceof LocalDiagrams) {
    value.close();
    value.free();
    return '[LocalDiagrams]';
  }
  if (typeof value === 'function') {
    fixture.keep?.(value);
    return '[function]';
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** One run of `args` on a fresh fixture: the outcome, the snapshots around it, the probe,
 * and whether the fixture could be released afterwards. */
async function runOnce(kase, args) {
  const fixture = await makeFixture(kase.fixture ?? defaultFixture(kase.entry));
  const run = await settledOutcomeOf(async () => {
    const materialised = materialise(args, fixture.values);
    const before = await fixture.snapshot();
    const noise = consoleNoise.count;
    const outcome = await invoke(callOf(kase.entry, fixture, materialised));
    const result = outcome.threw ? null : release(outcome.value, fixture);
    const after = await fixture.snapshot();
    const consoleMessages = consoleNoise.count - noise;
    const probe = await settledOutcomeOf(() => fixture.probe());
    const usable = probe.threw ? probe.message : probe.value;
    return { outcome, result, before, after, consoleMessages, usable };
  });
  // Releasing must work too (an object left borrowed by a thrown call cannot be freed).
  const released = await settledOutcomeOf(() => fixture.dispose());
  if (run.threw) throw new Error(`the case could not run: ${run.message}`);
  return { ...run.value, released: released.threw ? released.message : true };
}

/** Runs one case; see tests/corpus/README.md for what `expect` means. */
export async function runEntryCase(kase) {
  const start = performance.now();
  const run = await runOnce(kase, kase.args);
  const { outcome } = run;
  const report = {
    entry: kase.entry,
    fixture: kase.fixture ?? defaultFixture(kase.entry),
    expect: kase.expect,
    why: kase.why,
    typed: outcome.threw ? outcome.typed : null,
    message: outcome.threw ? outcome.message : null,
    synchronous: outcome.synchronous ?? false,
    promise: outcome.promise ?? false,
    changed: without(run.before, kase.mayChange) !== without(run.after, kase.mayChange),
    consoleMessages: run.consoleMessages,
    usable: run.usable,
    released: run.released,
  };
  if (outcome.threw) {
    report.actual = outcome.code ?? 'UNTYPED';
  } else if (kase.expect === 'same') {
    // The odd argument must be dropped: the same result and state as the reference call.
    const reference = await runOnce(kase, kase.as);
    const same = !reference.outcome.threw && normalise(reference.result) === normalise(run.result) && reference.released === true
      && normalise(reference.after) === normalise(run.after);
    report.actual = same ? 'same' : 'different';
    report.changed = false;
    if (!same) report.message = `result ${run.result?.slice(0, 200)} vs ${reference.result?.slice(0, 200)}`;
  } else {
    report.actual = report.changed ? 'changed' : 'ignored';
    if (report.changed) report.message = `result ${run.result?.slice(0, 200)}`;
  }
  report.ms = Math.round(performance.now() - start);
  return report;
}

/** Times (history entries, auto-save deadlines) differ between two runs; nothing else may. */
function normalise(text) {
  return text?.replace(/"(timestamp|nextSaveAt|nextRetryAt|at|lastMessageAt)":[0-9.e+]+,?/g, '');
}

/** A snapshot without the parts a case documents as changing (`mayChange`, dotted paths). */
function without(text, paths) {
  if (!paths || text === null) return text;
  const parsed = JSON.parse(text);
  for (const path of paths) {
    const keys = path.split('.');
    const last = keys.pop();
    const owner = keys.reduce((object, key) => object?.[key], parsed);
    if (owner) delete owner[last];
  }
  return JSON.stringify(parsed);
}

/** Runs every case of `cases` in order. */
export async function runEntryCases(cases) {
  const reports = [];
  for (const kase of cases) reports.push(await runEntryCase(kase));
  return reports;
}
