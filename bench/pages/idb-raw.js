// The `raw-indexeddb` peer of the idb suite: plain IndexedDB calls on a database with the
// layout diagram-state uses (src/platform/indexed_db/schema.rs, IndexedDB version 2):
// `diagrams` keyed by `id`, `cells` keyed `[diagramId, cellId]` holding JSON text
// `{"order":n,"cell":{…}}`, `oplog` and `meta` with out-of-line keys. Every transaction
// uses the browser's default durability, as diagram-state's do.

/** The IndexedDB version of diagram-state's schema 1. */
const DB_VERSION = 2;

/** Resolves with a request's result, rejects with its error. */
export const settled = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/** Resolves when a transaction is complete (durable), rejects when it aborts. */
export const completed = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => reject(tx.error);
  });

/** Opens (creating) database `name` with the same stores as diagram-state's schema. */
export function openRaw(name) {
  const request = indexedDB.open(name, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore('diagrams', { keyPath: 'id' });
    for (const store of ['cells', 'oplog', 'meta']) db.createObjectStore(store);
    request.transaction.objectStore('meta').put({ schemaVersion: 1, idbVersion: DB_VERSION }, 'schema');
  };
  return settled(request);
}

/** Every key of one diagram in `cells` or `oplog` (arrays sort after strings). */
export const wholeDiagram = (id) => IDBKeyRange.bound([id], [id, []]);

/**
 * The stored text of a cell with this order key, in diagram-state's format
 * `{"order":n,"cell":{…}}` (one `JSON.stringify`, which also gives a flat string: a
 * concatenated one would have to be flattened inside `put`).
 */
export const cellText = (order, cell) => JSON.stringify({ order, cell });

/** A directory record of a new local diagram with `count` cells, as diagram-state writes it. */
export function newEntry(id, name, count, now = Date.now()) {
  return {
    id, name, description: '', storageType: 'local', createdAt: now, updatedAt: now, version: 0, nextOrder: count,
  };
}

/**
 * First save: the entry and every cell record (text built here from the cells) in one
 * readwrite transaction, resolved once it is complete.
 */
export async function saveNew(db, entry, cells) {
  const tx = db.transaction(['diagrams', 'cells'], 'readwrite');
  const done = completed(tx);
  tx.objectStore('diagrams').add(entry);
  const store = tx.objectStore('cells');
  for (let order = 0; order < cells.length; order += 1) {
    store.put(cellText(order, cells[order]), [entry.id, cells[order].id]);
  }
  tx.commit();
  await done;
}

/**
 * Load: the entry and every cell record of diagram `id` in one readonly transaction (a get
 * and one `getAll` over the diagram's key range), each record parsed to `{ order, cell }`.
 */
export async function load(db, id) {
  const tx = db.transaction(['diagrams', 'cells'], 'readonly');
  const entry = settled(tx.objectStore('diagrams').get(id));
  const texts = settled(tx.objectStore('cells').getAll(wholeDiagram(id)));
  const [stored, values] = await Promise.all([entry, texts]);
  const records = values.map((text) => JSON.parse(text));
  return { entry: stored, records };
}

/**
 * Commit of one changed cell with a version bump: in one readwrite transaction, read the
 * entry, check its version is `base`, put the cell's record and the entry at `base + 1`.
 * Resolves to the new version once the transaction is complete.
 */
export async function commitCell(db, id, base, order, cell) {
  const text = cellText(order, cell);
  const tx = db.transaction(['diagrams', 'cells'], 'readwrite');
  const done = completed(tx);
  const diagrams = tx.objectStore('diagrams');
  const entry = await settled(diagrams.get(id));
  if (entry.version !== base) {
    tx.abort();
    throw new Error(`raw commit: stored version ${entry.version}, expected ${base}`);
  }
  tx.objectStore('cells').put(text, [id, cell.id]);
  entry.version = base + 1;
  entry.updatedAt = Date.now();
  diagrams.put(entry);
  tx.commit();
  await done;
  return base + 1;
}

/**
 * The same commit shaped like diagram-state's (src/platform/indexed_db/content.rs): the
 * entry and the cell's old record read together, then the cell's record, an op-log record
 * of `changes` and the entry at `base + 1` written, and the op log compacted to the last
 * `window` versions with one range delete. For attributing the gap, not as the peer.
 */
export async function commitWithOplog(db, id, base, order, cell, changes, window = 200) {
  const version = base + 1;
  const text = cellText(order, cell);
  const record = JSON.stringify({ diagramId: id, version, tabId: 'raw', committedAt: Date.now(), changes });
  const tx = db.transaction(['diagrams', 'cells', 'oplog'], 'readwrite');
  const done = completed(tx);
  const diagrams = tx.objectStore('diagrams');
  const cells = tx.objectStore('cells');
  const oplog = tx.objectStore('oplog');
  const [entry] = await Promise.all([settled(diagrams.get(id)), settled(cells.get([id, cell.id]))]);
  if (entry.version !== base) {
    tx.abort();
    throw new Error(`raw commit: stored version ${entry.version}, expected ${base}`);
  }
  cells.put(text, [id, cell.id]);
  oplog.put(record, [id, version]);
  if (version > window) oplog.delete(IDBKeyRange.bound([id], [id, version - window]));
  entry.version = version;
  entry.updatedAt = Date.now();
  diagrams.put(entry);
  tx.commit();
  await done;
  return version;
}

/** Deletes diagram `id`: its entry, cells and op log, in one transaction. */
export async function deleteDiagram(db, id) {
  const tx = db.transaction(['diagrams', 'cells', 'oplog'], 'readwrite');
  const done = completed(tx);
  tx.objectStore('diagrams').delete(id);
  tx.objectStore('cells').delete(wholeDiagram(id));
  tx.objectStore('oplog').delete(wholeDiagram(id));
  await done;
}

/**
 * Copies diagram `from` of database `source` (another connection, e.g. diagram-state's
 * database) into `target` as diagram `to`: the same entry and the same cell records, byte
 * for byte.
 */
export async function copyDiagram(source, from, target, to) {
  const read = source.transaction(['diagrams', 'cells'], 'readonly');
  const [entry, keys, values] = await Promise.all([
    settled(read.objectStore('diagrams').get(from)),
    settled(read.objectStore('cells').getAllKeys(wholeDiagram(from))),
    settled(read.objectStore('cells').getAll(wholeDiagram(from))),
  ]);
  const tx = target.transaction(['diagrams', 'cells'], 'readwrite');
  const done = completed(tx);
  tx.objectStore('diagrams').put({ ...entry, id: to });
  const cells = tx.objectStore('cells');
  keys.forEach((key, index) => cells.put(values[index], [to, key[1]]));
  await done;
  return { entry: { ...entry, id: to }, count: keys.length };
}

/**
 * Deletes database `name`: resolves `true` once deleted, or `false` at once when a
 * connection still open blocks it (the browser then deletes it once that one closes).
 */
export const deleteDatabase = (name) =>
  new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve(true);
    request.onblocked = () => resolve(false);
    request.onerror = () => reject(request.error);
  });
