// The soak's ledger check: given every edit the tabs made (with what each wrote, when it
// started and when the library acknowledged it) and the final diagram, says which
// acknowledged edits are missing without a later edit that replaced them.
//
// Cells are compared as semantic leaf paths: `{ [cellId]: { [path]: jsonText } }`.
//
// Order. Edits of different tabs are ordered by real time only: edit A is before edit B
// when A was acknowledged before B started (`A.end < B.start`). Edits that overlap are
// concurrent: the store committed them in some order the soak cannot see, and with the
// `laterWins` policy the later commit wins, so either may be the survivor. An edit whose
// acknowledgement never came (its tab was reloaded or closed first, or a reported conflict
// gave its cell to another tab) may or may not be in the store: it can explain a value,
// never require one.
//
// The check, per key (a cell's existence, or one path of a cell): the candidates are the
// key's writes that no acknowledged write of the same key follows; the initial diagram is
// a write before everything. The final value must be one of the candidates' values.
// Otherwise the key is `lost` when an acknowledged edit is among the candidates (its
// value should be there), and `phantom` when only the initial value is (something changed
// that no edit made). A cell's removal or addition writes every path of the cell, and, as in
// X6, removing a cell removes the edges attached to it (also ones its tab had not seen yet:
// the library removes an edge another tab attached meanwhile, and reports it).

/** A write's interval and standing, from its edit. */
const INITIAL = { seq: 0, tab: 'initial', kind: 'initial', start: -Infinity, end: -Infinity, status: 'acked' };

/**
 * Checks `edits` against `final`, starting from `initial` (both `{ [cellId]: { [path]: jsonText } }`).
 * An edit is `{ seq, tab, kind, start, end, status: 'acked' | 'unacked' | 'dropped',
 * writes }`; a write is `{ op: 'add', cell, paths }`, `{ op: 'remove', cell }` or
 * `{ op: 'set', cell, path, value? }` (no `value`: the path was removed). Returns
 * `{ keys, lost, phantom, problems }`: counts, and up to 50 unexplained keys with their
 * candidates.
 */
export function checkLedger(edits, initial, final) {
  /** cell → [{ edit, present, paths? }] for additions, removals and updates. */
  const existence = new Map();
  /** `cell\0path` → [{ edit, value }] for updates. */
  const updates = new Map();
  const push = (map, key, record) => (map.get(key) ?? map.set(key, []).get(key)).push(record);
  for (const edit of edits) {
    for (const write of edit.writes) {
      if (write.op === 'set') {
        push(updates, `${write.cell}\u0000${write.path}`, { edit, value: write.value });
        // An update is made on a cell that is there, and leaves it there.
        push(existence, write.cell, { edit, present: true });
      } else {
        push(existence, write.cell, { edit, present: write.op === 'add', paths: write.paths });
      }
    }
  }

  // The cells each edge connects, as the initial diagram or any addition of it says.
  const ends = new Map();
  const noteEnds = (id, paths) => {
    for (const path of ['source', 'source/cell', 'target', 'target/cell']) {
      const end = paths?.[path] === undefined ? undefined : JSON.parse(paths[path]);
      if (typeof end === 'string') (ends.get(id) ?? ends.set(id, new Set()).get(id)).add(end);
    }
  };
  for (const [id, paths] of Object.entries(initial)) noteEnds(id, paths);
  for (const [id, records] of existence) for (const { paths } of records) noteEnds(id, paths);
  // A removal of a cell is a removal of the edges attached to it.
  for (const [edge, attached] of ends) {
    for (const end of attached) {
      for (const record of existence.get(end) ?? []) {
        if (!record.present) push(existence, edge, { edit: record.edit, present: false, cascade: true });
      }
    }
  }

  const cells = new Set([...Object.keys(initial), ...Object.keys(final), ...existence.keys()]);
  const result = { keys: 0, lost: 0, phantom: 0, problems: [] };
  const judge = (key, records, finalValue) => {
    result.keys += 1;
    const candidates = records.filter((record) => !records.some((other) =>
      other !== record && other.edit.status === 'acked' && record.edit.end < other.edit.start));
    if (candidates.some((record) => record.value === finalValue)) return;
    const ackedEdits = candidates.filter((record) => record.edit.status === 'acked' && record.edit !== INITIAL);
    if (ackedEdits.length > 0) result.lost += 1;
    else result.phantom += 1;
    if (result.problems.length < 50) {
      result.problems.push({
        key,
        final: finalValue ?? null,
        kind: ackedEdits.length > 0 ? 'lost' : 'phantom',
        candidates: candidates.map(({ edit, value }) => ({
          seq: edit.seq, tab: edit.tab, kind: edit.kind, status: edit.status, start: edit.start, end: edit.end, value: value ?? null,
        })),
      });
    }
  };

  for (const cell of cells) {
    const whole = existence.get(cell) ?? [];
    // The cell's existence.
    judge(cell, [
      { edit: INITIAL, value: String(cell in initial) },
      ...whole.map(({ edit, present }) => ({ edit, value: String(present) })),
    ], String(cell in final));
    // Each path it ever had: the initial one, any addition's, the final one, any update's.
    const paths = new Set([...Object.keys(initial[cell] ?? {}), ...Object.keys(final[cell] ?? {})]);
    for (const { paths: added } of whole) for (const path of Object.keys(added ?? {})) paths.add(path);
    for (const key of updates.keys()) if (key.startsWith(`${cell}\u0000`)) paths.add(key.slice(cell.length + 1));
    for (const path of paths) {
      const records = [{ edit: INITIAL, value: initial[cell]?.[path] }];
      for (const { edit, present, paths: added } of whole) {
        // An update says nothing of the other paths; an addition or removal sets them all.
        if (added !== undefined || !present) records.push({ edit, value: present ? added[path] : undefined });
      }
      records.push(...(updates.get(`${cell}\u0000${path}`) ?? []));
      judge(`${cell}/${path}`, records, final[cell]?.[path]);
    }
  }
  return result;
}
