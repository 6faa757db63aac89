// What a call into the package did, as the boundary fuzz (boundary.js) and the bad-input
// corpus (corpus.js) both judge it: a result, or an error that must be a
// DiagramStateError with a stable `code`; and the state's observable snapshot, which a
// refused call must leave unchanged.

/** Whether `error` is what the package promises to throw: an `Error` named
 * `DiagramStateError` with a non-empty string `code`. */
export function isTypedError(error) {
  return error instanceof Error && error.name === 'DiagramStateError' && typeof error.code === 'string' && error.code.length > 0;
}

/** A short description of anything thrown, for reports. */
export function describeError(error) {
  let text;
  try {
    text = String(error?.message ?? error);
  } catch {
    text = Object.prototype.toString.call(error);
  }
  return `${error?.name ?? typeof error}: ${text.slice(0, 200)}`;
}

/** What a thrown value says: `{ threw: true, typed, code, message }`. */
export function failure(error) {
  return { threw: true, typed: isTypedError(error), code: isTypedError(error) ? error.code : null, message: describeError(error) };
}

/** Awaits `call()` (a value or a promise): `{ threw: false, value }` or {@link failure}. */
export async function settledOutcomeOf(call) {
  try {
    return { threw: false, value: await call() };
  } catch (error) {
    return failure(error);
  }
}

/**
 * The observable state of a `DiagramState` as one JSON string: diagram, history, rules and
 * history entries; with `full`, also the tab conflicts, auto-save and sync status.
 */
export function snapshot(state, { full = false } = {}) {
  const parts = { diagram: state.toJSON(), history: state.historyState, rules: state.rules(), entries: state.historyEntries() };
  if (full) Object.assign(parts, { conflicts: state.conflicts, saveStatus: state.saveStatus, syncStatus: state.syncStatus });
  return JSON.stringify(parts);
}
