import { useEffect, useState } from 'react';
import { LocalDiagrams } from 'diagram-state';
import { demoServer } from './demoServer.js';
import { normalizeCells } from './normalize.js';
import { sampleCells } from './shapes.js';

/** The local directory (IndexedDB; in memory where IndexedDB is unavailable), with the
 * sample diagram created on the very first visit. */
export function useDirectory() {
  const [directory, setDirectory] = useState({ diagrams: null, memoryOnly: false, error: null });
  useEffect(() => {
    let diagrams;
    (async () => {
      let memoryOnly = false;
      try {
        diagrams = await LocalDiagrams.open({ onVersionChange: () => window.location.reload() });
      } catch (error) {
        if (error.code !== 'STORAGE_UNAVAILABLE') throw error;
        diagrams = await LocalDiagrams.open({ storage: 'memory' });
        memoryOnly = true;
      }
      const { diagrams: entries } = await diagrams.list();
      if (entries.length === 0) {
        await diagrams.create({ name: 'Payments', description: 'Sample data-flow diagram', cells: normalizeCells(sampleCells) });
      }
      setDirectory({ diagrams, memoryOnly, error: null });
    })().catch((error) => setDirectory({ diagrams: null, memoryOnly: false, error }));
    return () => diagrams?.close();
  }, []);
  return directory;
}

/** The id of the diagram being edited, kept in the URL (`#d=<id>`) so a reload or a second
 * tab opens the same one. */
export function useDiagramId() {
  const read = () => new URLSearchParams(window.location.hash.slice(1)).get('d');
  const [id, setId] = useState(read);
  useEffect(() => {
    const onHash = () => setId(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const open = (next) => {
    window.location.hash = `d=${encodeURIComponent(next)}`;
    setId(next);
  };
  return [id, open];
}

/** Opens diagram `id` of `diagrams` (with auto-save to the demo server for Public and
 * Private diagrams); disposes it when the id changes. */
export function useOpenDiagram(diagrams, id, policy) {
  const [opened, setOpened] = useState({ state: null, entry: null, error: null });
  useEffect(() => {
    if (!diagrams || !id) return undefined;
    let state;
    let cancelled = false;
    (async () => {
      const { diagrams: entries } = await diagrams.list();
      const entry = entries.find((item) => item.id === id);
      if (!entry) throw Object.assign(new Error(`there is no diagram ${id}`), { code: 'DIAGRAM_NOT_FOUND' });
      const server = entry.storageType === 'local' ? undefined : {
        save: demoServer.save,
        baseVersion: demoServer.read(id).version,
        debounceMs: 800,
        retryInitialDelayMs: 2000,
      };
      state = await diagrams.openDiagram(id, { conflictPolicy: policy, autosave: server });
      if (cancelled) state.dispose();
      else setOpened({ state, entry, error: null });
    })().catch((error) => !cancelled && setOpened({ state: null, entry: null, error }));
    return () => {
      cancelled = true;
      state?.dispose();
      setOpened({ state: null, entry: null, error: null });
    };
  }, [diagrams, id, policy]);
  return opened;
}

