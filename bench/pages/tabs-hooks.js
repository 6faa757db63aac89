// Instrumentation of diagram-state's BroadcastChannel for the tabs suite, installed before
// the package opens its channel (`diagram-state:<diagramId>`, src/platform/broadcast.rs):
// - the sending tab keeps the text of every message diagram-state posts, so the raw peer
//   can send exactly the same payload;
// - the receiving tab gets a listener registered just before diagram-state's own one on
//   the same channel object, so it runs first in the same `message` dispatch and can start
//   a block probe (see `blockProbe`).

const PREFIX = 'diagram-state:';

/**
 * What diagram-state posted on its channel, oldest first (cleared by the caller):
 * `{ text, at }` with `at` on the clock `performance.timeOrigin + performance.now()`.
 */
export const posted = [];

/** Listeners run first in every `message` dispatch of diagram-state's channel. */
const firstListeners = [];

/** Runs `listener(event)` at the start of each message dispatch on diagram-state's channel. */
export const onDiagramStateMessage = (listener) => firstListeners.push(listener);

const add = BroadcastChannel.prototype.addEventListener;
BroadcastChannel.prototype.addEventListener = function addEventListener(type, listener, options) {
  if (type === 'message' && this.name.startsWith(PREFIX) && !this.benchHooked) {
    this.benchHooked = true;
    add.call(this, 'message', (event) => {
      for (const first of firstListeners) first(event);
    });
  }
  return add.call(this, type, listener, options);
};

const post = BroadcastChannel.prototype.postMessage;
BroadcastChannel.prototype.postMessage = function postMessage(message) {
  if (this.name.startsWith(PREFIX)) posted.push({ text: message, at: performance.timeOrigin + performance.now() });
  return post.call(this, message);
};

/**
 * Measures how long the main thread stays blocked by a message's handling: `start()` at the
 * very start of the dispatch notes the time and posts to a MessageChannel; that message is
 * a new task, so it runs only once the dispatch and every microtask it queued are done.
 * `settled()` resolves with `{ start, end, blocked }` (ms, performance.now()) of the last
 * started probe once that task runs.
 */
export function blockProbe() {
  const channel = new MessageChannel();
  let current = null;
  let waiting = null;
  channel.port2.onmessage = () => {
    const probe = current;
    if (!probe) return;
    probe.end = performance.now();
    probe.blocked = probe.end - probe.start;
    if (waiting) waiting(probe);
  };
  return {
    start() {
      current = { start: performance.now() };
      channel.port1.postMessage(0);
    },
    /** The probe started last (its `end` is set once its handling is over). */
    get current() {
      return current;
    },
    /** Resolves with the probe `probe` once its end is known. */
    settled(probe) {
      return new Promise((resolve) => {
        if (probe.end !== undefined) resolve(probe);
        else waiting = (done) => { if (done === probe) { waiting = null; resolve(done); } };
      });
    },
  };
}
