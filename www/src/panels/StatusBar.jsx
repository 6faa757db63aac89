import { useEffect, useState } from 'react';

/** Seconds until `at` (ms since the epoch), refreshed every second. */
function useCountdown(at) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!at) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at ? Math.max(0, Math.ceil((at - now) / 1000)) : null;
}

function saveText(entry, save, sync) {
  if (save) {
    const { status } = save;
    switch (status.state) {
      case 'saving': return ['saving', 'Saving to server…'];
      case 'saved': return ['saved', `Saved to server · v${status.version}`];
      case 'dirty': return ['dirty', save.paused ? 'Unsaved changes (paused)' : 'Unsaved changes'];
      case 'conflict': return ['conflict', `Conflict: server has v${status.serverVersion}`];
      case 'error': return ['error', status.message];
      default: return ['idle', 'Server copy up to date'];
    }
  }
  if (!sync) return ['idle', ''];
  if (sync.error) return ['error', `${sync.error.code}: changes kept, retrying`];
  if (sync.committing || sync.pendingSets > 0) return ['saving', 'Saving locally…'];
  return ['saved', `Saved in this browser · v${sync.committedVersion}`];
}

/** Save status, retry countdown, cross-tab sync and version. */
export default function StatusBar({ entry, view, error }) {
  const { save, sync } = view;
  const [kind, text] = saveText(entry, save, sync);
  const retryIn = useCountdown(save?.status.state === 'error' ? save.status.nextRetryAt : null);
  return (
    <footer className="statusbar">
      <span className={`save-status ${kind}`} data-testid="save-status">
        {text}
        {retryIn !== null && ` · retry in ${retryIn} s (attempt ${save.status.attempt})`}
      </span>
      {sync && (
        <span data-testid="sync-status">
          {sync.peers === 0 ? 'only tab' : `${sync.peers} other tab${sync.peers > 1 ? 's' : ''}`}
          {entry?.storageType !== 'local' && (sync.leader ? ' · this tab saves' : ' · another tab saves')}
          {sync.conflicts > 0 && ` · ${sync.conflicts} conflict${sync.conflicts > 1 ? 's' : ''}`}
        </span>
      )}
      <span data-testid="version">version {sync?.committedVersion ?? view.version}</span>
      <span data-testid="history-state">{view.history ? `${view.history.undoSize} undo · ${view.history.redoSize} redo` : 'opening…'}</span>
      {error && <span className="error" data-testid="error">{error.code ? `${error.code}: ` : ''}{error.message}</span>}
    </footer>
  );
}
