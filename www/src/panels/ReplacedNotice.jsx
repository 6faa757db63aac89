import { useEffect, useState } from 'react';

const show = (value) => (value === undefined ? '(removed)' : typeof value === 'string' ? value : JSON.stringify(value).slice(0, 80));

/** Whether a conflict event tells this tab that another tab's later edit replaced its value. */
const replacedHere = (conflict) => conflict.resolution === 'replaced';

/** Tells the user when another tab's later edit replaced one of their values ("later edit
 * wins"): what they had, and what the diagram shows now. Each notice can be dismissed. */
export default function ReplacedNotice({ state }) {
  const [notices, setNotices] = useState([]);
  useEffect(() => {
    if (!state) return undefined;
    setNotices([]);
    let next = 0;
    return state.on('conflict', (conflict) => {
      if (!replacedHere(conflict)) return;
      next += 1;
      const notice = { key: next, ...conflict };
      setNotices((shown) => [...shown.slice(-4), notice]);
    });
  }, [state]);
  if (notices.length === 0) return null;
  const dismiss = (key) => setNotices((shown) => shown.filter((notice) => notice.key !== key));
  return (
    <div className="notices" role="status">
      {notices.map((notice) => (
        <div className="notice" key={notice.key} data-testid="replaced-notice">
          <strong>Another tab changed this after you</strong>
          <div>
            <code>{notice.cellId}{notice.path ? ` · ${notice.path}` : ''}</code>: yours{' '}
            <span data-testid="replaced-mine">{show(notice.local)}</span> was replaced by{' '}
            <span data-testid="replaced-theirs">{show(notice.remote)}</span>
          </div>
          <button type="button" onClick={() => dismiss(notice.key)} aria-label="Dismiss">×</button>
        </div>
      ))}
    </div>
  );
}
