import { useEffect, useState } from 'react';

const describe = (reason) => {
  switch (reason.type) {
    case 'rule': return `visual: rule ${reason.ruleId} (${reason.pattern})`;
    case 'contentsRule': return `visual: every leaf matches ${reason.ruleId}`;
    case 'excludedEvent': return 'visual: event excluded whole';
    case 'override': return 'editor override';
    case 'cellAdded': return 'semantic: cell added';
    case 'cellRemoved': return 'semantic: cell removed';
    default: return 'semantic: no visual rule';
  }
};

/** What the filter decided for the latest X6 events, and which rule decided. */
export default function DecisionPanel({ state }) {
  const [log, setLog] = useState([]);
  useEffect(() => {
    if (!state) return undefined;
    setLog([]);
    return state.on('decision', (outcome) => {
      setLog((previous) => [{ at: Date.now(), outcome }, ...previous].slice(0, 12));
    });
  }, [state]);
  return (
    <section className="panel" aria-label="Decisions">
      <h2>Change filter</h2>
      <ul className="decisions" data-testid="decision-log">
        {log.map(({ at, outcome }, index) => (
          <li key={`${at}-${index}`} className={outcome.applied.length ? 'semantic' : 'visual'}>
            <strong>{outcome.applied.length ? 'recorded' : 'not recorded'}</strong>
            {outcome.decisions.slice(0, 4).map((decision, i) => (
              <div key={i} className="decision">
                <code>{decision.cellId}{decision.path ? ` · ${decision.path}` : ''}</code>
                <span>{describe(decision.reason)}</span>
              </div>
            ))}
            {outcome.decisions.length > 4 && <div className="decision">… {outcome.decisions.length - 4} more</div>}
          </li>
        ))}
        {log.length === 0 && <li className="empty">Hover, select or edit to see what is recorded</li>}
      </ul>
    </section>
  );
}
