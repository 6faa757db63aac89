const show = (value) => (value === undefined ? '(removed)' : typeof value === 'string' ? value : JSON.stringify(value).slice(0, 80));

/** The conflict dialog: a server version conflict (refresh / overwrite / cancel), or a
 * same-path conflict with another tab under the "ask" policy (keep mine / keep theirs). */
export default function ConflictDialog({ view }) {
  const serverConflict = view.save?.status.state === 'conflict' ? view.save.status : null;
  const tabConflict = view.conflicts[0];
  if (!serverConflict && !tabConflict) return null;
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog conflict" role="alertdialog" aria-label="Conflict" data-testid="conflict-dialog">
        {serverConflict ? (
          <>
            <h2>Someone else saved this diagram</h2>
            <p>The server has version {serverConflict.serverVersion}; your unsaved changes are based on an older one.</p>
            <div className="dialog-actions">
              <button type="button" onClick={() => view.resolveConflict('refresh')} data-testid="conflict-refresh">Load theirs</button>
              <button type="button" onClick={() => view.resolveConflict('overwrite')} data-testid="conflict-overwrite">Keep mine</button>
              <button type="button" onClick={() => view.resolveConflict('cancel')} data-testid="conflict-cancel">Decide later</button>
            </div>
          </>
        ) : (
          <>
            <h2>Another tab changed the same thing</h2>
            <p>
              <code>{tabConflict.cellId}{tabConflict.path ? ` · ${tabConflict.path}` : ''}</code>
            </p>
            <table className="versions">
              <tbody>
                <tr><th>Yours</th><td data-testid="conflict-mine">{show(tabConflict.local)}</td></tr>
                <tr><th>Theirs (shown now)</th><td data-testid="conflict-theirs">{show(tabConflict.remote)}</td></tr>
              </tbody>
            </table>
            <div className="dialog-actions">
              <button type="button" onClick={() => view.resolveTabConflict(0, 'mine')} data-testid="conflict-keep-mine">Keep mine</button>
              <button type="button" onClick={() => view.resolveTabConflict(0, 'theirs')} data-testid="conflict-keep-theirs">Keep theirs</button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
