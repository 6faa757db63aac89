// The demo's stand-in for an editor's server, for Public and Private diagrams: it keeps
// the saved copy of each diagram in this browser's localStorage, answers like a server
// with optimistic concurrency (409 → conflict), and can be told to fail, to answer with a
// conflict, or to be slow, so every auto-save state can be seen. Local diagrams never
// come here.
const KEY = 'diagram-state-demo:server:';

/** How the fake server behaves: 'ok', 'failing' (503, retryable) or 'conflict-once'. */
let mode = 'ok';
const listeners = new Set();

export const demoServer = {
  get mode() {
    return mode;
  },
  setMode(next) {
    mode = next;
    for (const listener of listeners) listener(mode);
  },
  onMode(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** The saved copy: `{ version, cells }`, version 0 before the first save. */
  read(diagramId) {
    try {
      return JSON.parse(localStorage.getItem(KEY + diagramId)) ?? { version: 0, cells: null };
    } catch {
      return { version: 0, cells: null };
    }
  },
  /** The auto-save callback: `save({ diagramId, baseVersion, cells })`. */
  async save({ diagramId, baseVersion, cells }) {
    await new Promise((done) => setTimeout(done, 250)); // a network round trip
    const current = demoServer.read(diagramId);
    if (mode === 'failing') return { status: 'failed', retryable: true, message: '503 Service Unavailable' };
    if (mode === 'conflict-once') {
      mode = 'ok';
      for (const listener of listeners) listener(mode);
      // Someone else saved meanwhile: a newer version with one label changed.
      const theirs = (current.cells ?? cells).map((cell) =>
        cell.attrs?.text?.text ? { ...cell, attrs: { ...cell.attrs, text: { ...cell.attrs.text, text: `${cell.attrs.text.text} (edited elsewhere)` } } } : cell);
      const next = { version: Math.max(current.version, baseVersion) + 1, cells: theirs };
      localStorage.setItem(KEY + diagramId, JSON.stringify(next));
      return { status: 'conflict', serverVersion: next.version, serverCells: next.cells };
    }
    if (current.version !== baseVersion) {
      return { status: 'conflict', serverVersion: current.version, serverCells: current.cells ?? undefined };
    }
    const next = { version: baseVersion + 1, cells };
    localStorage.setItem(KEY + diagramId, JSON.stringify(next));
    return { status: 'saved', version: next.version };
  },
};
