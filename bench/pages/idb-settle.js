// Knowing when diagram-state has durably committed a change: the `sync` event reports the
// committed store version, and it is emitted after the commit's IndexedDB transaction has
// completed (src/bindings/diagram_state/tab_sync.rs, `commit_pending`). The public API has
// no promise for one commit; this turns the event into one.

/**
 * Follows `state`'s `sync` events. `until(version)` resolves with the time (performance.now())
 * of the first `sync` event that reports `committedVersion >= version` with nothing pending
 * nor in flight; it rejects on a commit error or after `timeoutMs`.
 */
export function followCommits(state, timeoutMs = 10_000) {
  let waiter = null;
  const off = state.on('sync', (status) => {
    if (!waiter) return;
    if (status.error) {
      waiter.reject(new Error(`commit failed: ${status.error.code}: ${status.error.message}`));
    } else if (status.committedVersion >= waiter.version && status.pendingSets === 0 && !status.committing) {
      waiter.resolve(performance.now());
    }
  });
  return {
    until(version) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = null;
          reject(new Error(`no commit of version ${version} within ${timeoutMs} ms: ${JSON.stringify(state.syncStatus)}`));
        }, timeoutMs);
        const finish = (settle) => (value) => {
          clearTimeout(timer);
          waiter = null;
          settle(value);
        };
        waiter = { version, resolve: finish(resolve), reject: finish(reject) };
      });
    },
    stop: off,
  };
}
