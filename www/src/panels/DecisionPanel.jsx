import { useEffect, useState } from 'react';

const QUESTIONS = [
  ['initialLoad', 'Initial load in progress?', 'initialLoadInProgress'],
  ['collaborating', 'Collaborating (server persists)?', 'collaborating'],
  ['semantic', 'Change semantic?', 'notSemantic'],
  ['operationFilter', 'Operation filter passes?', 'filteredOut'],
  ['graphInitialized', 'Graph initialised?', 'graphNotInitialized'],
  ['diagramId', 'Diagram id exists?', 'noDiagramId'],
  ['requiredIds', 'Required ids exist?', 'missingRequiredId'],
  ['loading', 'Still loading?', 'stillLoading'],
];

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

/** The auto-save decision tree with the path the last change took, highlighted. */
function DecisionTree({ decision }) {
  const visited = new Set(decision?.path ?? []);
  const last = decision?.path?.at(-1);
  return (
    <ol className="tree" data-testid="decision-tree">
      {QUESTIONS.map(([node, question]) => {
        const stoppedHere = decision?.decision === 'skip' && node === last;
        const className = stoppedHere ? 'stop' : visited.has(node) ? 'pass' : '';
        return (
          <li key={node} className={className} data-node={node}>
            {question}
            {stoppedHere && <strong> → skip ({decision.reason})</strong>}
          </li>
        );
      })}
      <li className={decision?.decision === 'save' ? 'save' : ''} data-node="save">
        Save (debounced){decision?.decision === 'save' && <strong> ✓</strong>}
      </li>
    </ol>
  );
}

/** What happened to the latest X6 events: the change filter's verdicts, and for diagrams
 * saved to a server, the auto-save decision tree. */
export default function DecisionPanel({ state, local }) {
  const [log, setLog] = useState([]);
  const [decision, setDecision] = useState(null);
  useEffect(() => {
    if (!state) return undefined;
    setLog([]);
    setDecision(state.saveStatus?.lastDecision ?? null);
    return state.on('decision', (outcome) => {
      setLog((previous) => [{ at: Date.now(), outcome }, ...previous].slice(0, 10));
      if (outcome.autosave) setDecision(outcome.autosave);
    });
  }, [state]);
  return (
    <section className="panel" aria-label="Decisions">
      <h2>Auto-save decision</h2>
      {local ? (
        <p className="hint" data-testid="decision-local">
          Local diagram: every semantic change is committed to this browser's IndexedDB at once,
          and never sent to a server.
        </p>
      ) : (
        <DecisionTree decision={decision} />
      )}
      <h2>Change filter</h2>
      <ul className="decisions" data-testid="decision-log">
        {log.map(({ at, outcome }, index) => (
          <li key={`${at}-${index}`} className={outcome.applied.length ? 'semantic' : 'visual'}>
            <strong>{outcome.applied.length ? 'recorded' : 'not recorded'}</strong>
            {outcome.decisions.slice(0, 3).map((item, i) => (
              <div key={i} className="decision">
                <code>{item.cellId.slice(0, 12)}{item.path ? ` · ${item.path}` : ''}</code>
                <span>{describe(item.reason)}</span>
              </div>
            ))}
            {outcome.decisions.length > 3 && <div className="decision">… {outcome.decisions.length - 3} more</div>}
          </li>
        ))}
        {log.length === 0 && <li className="empty">Hover, select or edit to see what is recorded</li>}
      </ul>
    </section>
  );
}
