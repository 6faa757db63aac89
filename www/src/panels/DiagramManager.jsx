import { useEffect, useRef, useState } from 'react';

const BADGES = { local: 'Local', public: 'Public', private: 'Private' };

/** "Manage diagrams": the local directory with storage badges; create, open, rename,
 * duplicate, delete, import and export X6 JSON documents. */
export default function DiagramManager({ diagrams, currentId, onOpen, onClose, onChanged }) {
  const [entries, setEntries] = useState([]);
  const [problem, setProblem] = useState(null);
  const fileInput = useRef(null);

  const refresh = () =>
    diagrams
      .list()
      .then((directory) => setEntries(directory.diagrams))
      .catch(setProblem);
  useEffect(() => {
    refresh();
  }, [diagrams]);

  const act = (action) => async () => {
    setProblem(null);
    try {
      await action();
      await refresh();
      onChanged?.();
    } catch (error) {
      setProblem(error);
    }
  };

  const [name, setName] = useState('');
  const [storageType, setStorageType] = useState('local');
  const create = act(async () => {
    const entry = await diagrams.create({ name: name.trim() || `Diagram ${entries.length + 1}`, storageType });
    setName('');
    onOpen(entry.id);
  });
  const rename = (entry) => act(async () => {
    const name = window.prompt('New name', entry.name);
    if (name && name !== entry.name) await diagrams.rename(entry.id, name);
  });
  const duplicate = (entry) => act(() => diagrams.duplicate(entry.id));
  const remove = (entry) => act(async () => {
    if (window.confirm(`Delete “${entry.name}”? This cannot be undone.`)) await diagrams.delete(entry.id);
  });
  const exportJson = (entry) => act(async () => {
    const document = await diagrams.exportDocument(entry.id);
    const link = Object.assign(window.document.createElement('a'), {
      href: URL.createObjectURL(new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' })),
      download: `${entry.name}.json`,
    });
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const importJson = (file) => act(async () => {
    const text = await file.text();
    const entry = await diagrams.importDocument(text, { name: file.name.replace(/\.json$/i, '') });
    onOpen(entry.id);
  })();

  return (
    <div className="dialog-backdrop" role="presentation" onClick={onClose}>
      <div className="dialog manager" role="dialog" aria-label="Manage diagrams" onClick={(event) => event.stopPropagation()}>
        <header>
          <h2>Manage diagrams</h2>
          <button type="button" onClick={onClose} aria-label="Close">✕</button>
        </header>
        <div className="manager-actions">
          <input value={name} onChange={(event) => setName(event.target.value)} placeholder="New diagram name"
            data-testid="new-name" />
          <select value={storageType} onChange={(event) => setStorageType(event.target.value)} data-testid="new-storage">
            <option value="local">Local (this browser only)</option>
            <option value="public">Public (saved to the server)</option>
            <option value="private">Private (saved to the server)</option>
          </select>
          <button type="button" onClick={create} data-testid="new-diagram">Create</button>
          <button type="button" onClick={() => fileInput.current.click()}>Import JSON…</button>
          <input ref={fileInput} type="file" accept="application/json,.json" hidden data-testid="import-file"
            onChange={(event) => event.target.files[0] && importJson(event.target.files[0])} />
        </div>
        {problem && (
          <p className="error" data-testid="manager-error">
            {problem.code ? `${problem.code}: ` : ''}{problem.message}
            {problem.details?.problems && (
              <ul>{problem.details.problems.slice(0, 5).map((item, i) => <li key={i}>{item.id ?? `#${item.index}`}: {item.problem}</li>)}</ul>
            )}
          </p>
        )}
        <ul className="diagram-list" data-testid="diagram-list">
          {entries.map((entry) => (
            <li key={entry.id} className={entry.id === currentId ? 'current' : ''} data-testid="diagram-entry">
              <button type="button" className="link" onClick={() => onOpen(entry.id)}>{entry.name}</button>
              <span className={`badge ${entry.storageType}`}>{BADGES[entry.storageType] ?? entry.storageType}</span>
              <small>v{entry.version} · {new Date(entry.updatedAt).toLocaleString()}</small>
              <span className="row-actions">
                <button type="button" onClick={rename(entry)}>Rename</button>
                <button type="button" onClick={duplicate(entry)}>Duplicate</button>
                <button type="button" onClick={exportJson(entry)} data-testid="export">Export</button>
                <button type="button" onClick={remove(entry)} disabled={entry.id === currentId}>Delete</button>
              </span>
            </li>
          ))}
          {entries.length === 0 && <li className="empty">No diagrams yet</li>}
        </ul>
      </div>
    </div>
  );
}
