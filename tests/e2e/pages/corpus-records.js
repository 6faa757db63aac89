// Runs the cases of tests/corpus/records.json: bad records written straight into the
// IndexedDB object stores (as an older bug, another app or a hand edit would leave them),
// then everything the package offers on them. A corrupt record must be skipped and
// reported (CORRUPT_RECORDS, `skipped`), never half-loaded, never a panic; the rest of the
// database keeps working. Each case reports a list of checks, each passed or not.
import { DiagramState, LocalDiagrams } from '/pkg/diagram_state.js';
import { consoleNoise } from './console-noise.js';
import { CELLS } from './corpus-fixtures.js';
import { settledOutcomeOf } from './outcome.js';
import { materialise } from './specials.js';

let serial = 0;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function until(check, timeoutMs) {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) return false;
    await sleep(5);
  }
  return true;
}

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

/** Opens `name` with IndexedDB itself (at `version`, running `upgrade` if given). */
function rawOpen(name, version, upgrade) {
  const req = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
  if (upgrade) req.onupgradeneeded = () => upgrade(req.result, req.transaction);
  return request(req);
}

/** Writes `value` (under `key` for stores without a key path) and waits for the commit. */
async function rawPut(db, store, value, key) {
  const tx = db.transaction(store, 'readwrite');
  if (key === undefined) tx.objectStore(store).put(value);
  else tx.objectStore(store).put(value, key);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });
}

async function rawGet(db, store, key) {
  return request(db.transaction(store).objectStore(store).get(key));
}

async function rawCount(db, store, range) {
  return request(db.transaction(store).objectStore(store).count(range));
}

async function deleteDatabase(name) {
  await new Promise((done) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => done();
  });
}

/** The outcome of a promise as the checks compare it: 'ok' or the error code. */
async function codeOf(call) {
  const outcome = await settledOutcomeOf(call);
  if (!outcome.threw) return { code: 'ok', value: outcome.value };
  return { code: outcome.typed ? outcome.code : `UNTYPED ${outcome.message}`, error: outcome };
}

/** A database with two diagrams ('main' with the corpus cells, 'other' with one cell),
 * the package's directory on it, and a raw connection to write bad records with. */
async function databaseFixture() {
  const dbName = `corpus-records-${Date.now().toString(36)}-${(serial += 1)}`;
  const directory = await LocalDiagrams.open({ dbName });
  const main = await directory.create({ name: 'main', cells: CELLS });
  const other = await directory.create({ name: 'other', cells: [{ id: 'o', shape: 'rect' }] });
  const raw = await rawOpen(dbName);
  const otherDocument = JSON.stringify(await directory.exportDocument(other.id));
  return { dbName, directory, raw, mainId: main.id, otherId: other.id, otherDocument, opened: [] };
}

async function closeFixture(fixture) {
  for (const state of fixture.opened) {
    if (!state.disposed) state.dispose();
  }
  fixture.raw?.close();
  fixture.directory?.close();
  for (const name of [fixture.dbName, ...(fixture.others ?? [])]) await deleteDatabase(name);
}

/** Collects checks: `expect(name, actual, wanted)` or `check(name, ok, note)`. */
function checklist() {
  const checks = [];
  return {
    checks,
    expect(name, actual, wanted) {
      checks.push({ name, ok: actual === wanted, note: actual === wanted ? undefined : `got ${actual}, wanted ${wanted}` });
    },
    check(name, ok, note) {
      checks.push({ name, ok: Boolean(ok), note: ok ? undefined : note });
    },
  };
}

/** What must hold for any case: the other diagram and a new one still work. */
async function stillWorks(fixture, list) {
  const { directory, otherId } = fixture;
  list.expect('the other diagram exports as before', JSON.stringify(await directory.exportDocument(otherId).catch((e) => e.code)), fixture.otherDocument);
  const opened = await codeOf(() => directory.openDiagram(otherId));
  list.expect('the other diagram opens', opened.code, 'ok');
  if (opened.value) {
    fixture.opened.push(opened.value);
    opened.value.handleEvent({ type: 'added', cell: { id: `probe-${serial}`, shape: 'rect' } });
    list.check('the other diagram commits an edit', await until(() => opened.value.syncStatus.pendingSets === 0 && !opened.value.syncStatus.committing, 3000), 'not committed');
  }
  const created = await codeOf(() => directory.create({ name: 'probe', cells: [{ id: 'p' }] }));
  list.expect('a new diagram can be created', created.code, 'ok');
}

async function diagramsCase(kase, fixture, values, list) {
  const value = materialise(kase.value, values);
  await rawPut(fixture.raw, 'diagrams', value);
  const { directory, dbName } = fixture;
  // Only a string id can be given to the API (and the empty one is refused before any lookup).
  const id = typeof value?.id === 'string' && kase.addressable !== false ? value.id : null;
  const listed = await codeOf(() => directory.list());
  list.expect('list() resolves', listed.code, 'ok');
  const directoryList = listed.value ?? { diagrams: [], skipped: [] };
  if (kase.expect === 'read') {
    const entry = directoryList.diagrams.find((item) => item.id === id);
    list.check('the record is listed', entry, 'not listed');
    for (const [field, wanted] of Object.entries(kase.entry ?? {})) list.expect(`entry.${field}`, JSON.stringify(entry?.[field]), JSON.stringify(wanted));
    list.expect('nothing is skipped', directoryList.skipped.length, 0);
    const opened = await codeOf(() => directory.openDiagram(id));
    list.expect('it opens', opened.code, 'ok');
    if (opened.value) fixture.opened.push(opened.value);
  } else {
    const key = kase.skippedKey ?? value.id;
    list.check('list() names the record in `skipped`', directoryList.skipped.some((item) => item.store === 'diagrams' && item.key === key),
      `skipped: ${JSON.stringify(directoryList.skipped)}`);
    list.check('list() does not list it', !directoryList.diagrams.some((item) => id !== null && item.id === id), 'listed');
    const others = directoryList.diagrams.map((item) => item.id).sort();
    const wanted = [fixture.mainId, fixture.otherId].filter((other) => other !== id).sort();
    list.expect('the readable diagrams are listed', JSON.stringify(others), JSON.stringify(wanted));
    if (id !== null) {
      for (const [name, call] of [
        ['openDiagram', () => directory.openDiagram(id)],
        ['exportDocument', () => directory.exportDocument(id)],
        ['rename', () => directory.rename(id, 'renamed')],
        ['duplicate', () => directory.duplicate(id)],
        ['DiagramState.open', () => DiagramState.open({ diagramId: id, storage: 'indexeddb', dbName })],
      ]) {
        const outcome = await codeOf(call);
        list.expect(`${name} rejects`, outcome.code, 'CORRUPT_RECORDS');
        if (outcome.value instanceof DiagramState) fixture.opened.push(outcome.value);
      }
      const after = await directory.list();
      list.expect('duplicate wrote nothing', after.diagrams.length, directoryList.diagrams.length);
      list.expect('delete() removes it', (await codeOf(() => directory.delete(id))).code, 'ok');
      list.check('then it is gone', !(await directory.list()).skipped.some((item) => item.key === key), 'still skipped');
    }
  }
}

async function cellsCase(kase, fixture, values, list) {
  const { directory, dbName, mainId, raw } = fixture;
  await rawPut(raw, 'cells', materialise(kase.value, values), materialise(kase.key, values));
  const listed = await codeOf(() => directory.list());
  list.check('list() still lists the diagram', listed.value?.diagrams.some((item) => item.id === mainId), `list: ${listed.code}`);
  if (kase.expect === 'read') {
    const opened = await codeOf(() => directory.openDiagram(mainId));
    list.expect('openDiagram resolves', opened.code, 'ok');
    if (opened.value) {
      fixture.opened.push(opened.value);
      const ids = opened.value.cells().map((cell) => cell.id).sort();
      list.expect('the cells', JSON.stringify(ids), JSON.stringify([...kase.cellIds].sort()));
    }
    list.expect('exportDocument resolves', (await codeOf(() => directory.exportDocument(mainId))).code, 'ok');
    return;
  }
  const details = await directory.openDiagram(mainId).then((state) => {
    fixture.opened.push(state);
    return 'ok';
  }, (error) => (error.code === 'CORRUPT_RECORDS' ? error.details?.records : error.code));
  list.check('openDiagram rejects with CORRUPT_RECORDS', Array.isArray(details), `got ${details}`);
  const suffix = kase.skippedKey;
  list.check('the error names the record', Array.isArray(details) && details.some((item) => item.store === 'cells' && item.key.startsWith(mainId) && item.key.endsWith(suffix)),
    `details: ${JSON.stringify(details)?.slice(0, 300)}`);
  for (const [name, call] of [
    ['DiagramState.open', () => DiagramState.open({ diagramId: mainId, storage: 'indexeddb', dbName })],
    ['exportDocument', () => directory.exportDocument(mainId)],
    ['duplicate', () => directory.duplicate(mainId)],
  ]) {
    const outcome = await codeOf(call);
    list.expect(`${name} rejects`, outcome.code, 'CORRUPT_RECORDS');
    if (outcome.value instanceof DiagramState) fixture.opened.push(outcome.value);
  }
  list.expect('duplicate wrote nothing', (await directory.list()).diagrams.length, listed.value?.diagrams.length);
  list.expect('rename works (the entry is readable)', (await codeOf(() => directory.rename(mainId, 'renamed'))).code, 'ok');
  list.expect('delete() removes it', (await codeOf(() => directory.delete(mainId))).code, 'ok');
  list.expect('no cell record is left', await rawCount(raw, 'cells', IDBKeyRange.bound([mainId], [mainId, []])), 0);
}

async function metaCase(kase, fixture, values, list) {
  const { directory, dbName, mainId, raw } = fixture;
  const before = JSON.stringify([(await directory.list()).diagrams, await directory.exportDocument(mainId)]);
  await rawPut(raw, 'meta', materialise(kase.value, values), materialise(kase.key, values));
  const reopened = await codeOf(() => LocalDiagrams.open({ dbName }));
  list.expect('LocalDiagrams.open resolves', reopened.code, 'ok');
  if (reopened.value) {
    const again = reopened.value;
    const after = JSON.stringify([(await again.list()).diagrams, await again.exportDocument(mainId)]);
    list.expect('the directory reads as before', after, before);
    const opened = await codeOf(() => again.openDiagram(mainId));
    list.expect('openDiagram resolves', opened.code, 'ok');
    if (opened.value) fixture.opened.push(opened.value);
    again.close();
  }
}

/** A corrupt op-log record is only read when a tab repairs a gap: another tab committed
 * (the stored version is bumped) and said so without the changes. */
async function oplogCase(kase, fixture, values, list) {
  const { directory, raw, mainId } = fixture;
  const state = await directory.openDiagram(mainId);
  fixture.opened.push(state);
  let syncs = 0;
  let conflicts = 0;
  state.on('sync', () => { syncs += 1; });
  state.on('conflict', () => { conflicts += 1; });
  // Becoming the leader is announced with a `sync` event too: wait for it first.
  await until(() => state.syncStatus.leader, 3000);
  const version = state.syncStatus.committedVersion;
  const resyncs = state.syncStatus.resyncs;
  const stored = await rawGet(raw, 'diagrams', mainId);
  await rawPut(raw, 'oplog', materialise(kase.value, { ...values, version: version + 1 }), [mainId, version + 1]);
  await rawPut(raw, 'diagrams', { ...stored, version: version + 1 });
  const channel = new BroadcastChannel(`diagram-state:${mainId}`);
  const noise = consoleNoise.count;
  const seen = syncs;
  channel.postMessage(JSON.stringify({ protocol: 1, diagramId: mainId, tabId: 'corpus-writer', version: version + 1, type: 'commit' }));
  list.check('the tab handles the message', await until(() => syncs > seen, 3000), 'no sync event');
  channel.close();
  const status = state.syncStatus;
  list.expect('the tab is at the stored version', status.committedVersion, version + 1);
  list.expect('it reloaded from the store once', status.resyncs - resyncs, kase.resyncs ?? 1);
  const exported = await directory.exportDocument(mainId);
  list.expect('its cells are the stored ones', JSON.stringify(state.cells().map((cell) => cell.id).sort()), JSON.stringify(exported.cells.map((cell) => cell.id).sort()));
  list.expect('no conflict is reported', conflicts, 0);
  list.expect('console messages', consoleNoise.count - noise, kase.console ?? 0);
  const id = `probe-${(serial += 1)}`;
  state.handleEvent({ type: 'added', cell: { id, shape: 'rect' } });
  const committed = await until(() => state.syncStatus.pendingSets === 0 && !state.syncStatus.committing, 3000);
  list.check('an edit is committed afterwards', committed, `status: ${JSON.stringify(state.syncStatus)}`);
  const after = await directory.exportDocument(mainId);
  list.check('and stored', after.cells.some((cell) => cell.id === id), 'not in the store');
}

/** Whole databases in a layout this version does not write: a newer version's, the older
 * layout (IndexedDB version 1, cells inline) with bad records, another app's. */
const LAYOUTS = {
  /** A newer version of the app upgraded the database. */
  newer: async (dbName) => {
    const directory = await LocalDiagrams.open({ dbName });
    await directory.create({ name: 'main', cells: CELLS });
    directory.close();
    (await rawOpen(dbName, 3, () => {})).close();
  },
  /** The older layout: `diagrams` keyed by `id`, the cells inline. */
  legacy: async (dbName, records) => {
    const db = await rawOpen(dbName, 1, (created) => created.createObjectStore('diagrams', { keyPath: 'id' }));
    for (const record of records) await rawPut(db, 'diagrams', record);
    db.close();
  },
  /** The older version number, but a `diagrams` store without the `id` key path. */
  legacyUnkeyed: async (dbName, records) => {
    const db = await rawOpen(dbName, 1, (created) => created.createObjectStore('diagrams'));
    for (const [index, record] of records.entries()) await rawPut(db, 'diagrams', record, index);
    db.close();
  },
  /** Another app's database of the same name and version, with a `diagrams` store only. */
  foreign: async (dbName, records) => {
    const db = await rawOpen(dbName, 2, (created) => created.createObjectStore('diagrams', { keyPath: 'id' }));
    for (const record of records) await rawPut(db, 'diagrams', record);
    db.close();
  },
};

async function databaseCase(kase, fixture, values, list) {
  const dbName = `${fixture.dbName}-layout`;
  fixture.others = [dbName];
  await LAYOUTS[kase.layout](dbName, materialise(kase.records ?? [], values));
  const wanted = kase.outcomes;
  const opened = await codeOf(() => LocalDiagrams.open({ dbName }));
  list.expect('LocalDiagrams.open', opened.code, wanted.open);
  const stateOpened = await codeOf(() => DiagramState.open({ diagramId: kase.diagramId ?? 'd1', storage: 'indexeddb', dbName }));
  list.expect('DiagramState.open', stateOpened.code, wanted.state);
  if (stateOpened.value) fixture.opened.push(stateOpened.value);
  const directory = opened.value;
  if (!directory) return;
  try {
    const listed = await codeOf(() => directory.list());
    list.expect('list()', listed.code, wanted.list ?? 'ok');
    if (listed.value) {
      list.expect('the listed diagrams', JSON.stringify(listed.value.diagrams.map((entry) => entry.id).sort()), JSON.stringify([...(kase.listed ?? [])].sort()));
      list.expect('the skipped records', JSON.stringify(listed.value.skipped.map((record) => record.key).sort()), JSON.stringify([...(kase.skipped ?? [])].sort()));
    }
    for (const id of kase.listed ?? []) {
      list.expect(`${id} exports`, (await codeOf(() => directory.exportDocument(id))).code, wanted.export ?? 'ok');
    }
    for (const id of kase.unopenable ?? []) {
      list.expect(`${id} refuses to open`, (await codeOf(() => directory.openDiagram(id))).code, 'CORRUPT_RECORDS');
    }
    if (wanted.create) list.expect('create()', (await codeOf(() => directory.create({ name: 'new' }))).code, wanted.create);
  } finally {
    directory.close();
  }
}

const CASES = { diagrams: diagramsCase, cells: cellsCase, meta: metaCase, oplog: oplogCase, database: databaseCase };

async function runRecordCase(kase) {
  const fixture = await databaseFixture();
  const list = checklist();
  const values = { mainId: fixture.mainId, otherId: fixture.otherId };
  try {
    const run = await settledOutcomeOf(() => CASES[kase.store](kase, fixture, values, list));
    list.check('the case ran', !run.threw, run.message);
    await stillWorks(fixture, list);
  } finally {
    await closeFixture(fixture);
  }
  return { store: kase.store, why: kase.why, checks: list.checks, failed: list.checks.filter((item) => !item.ok) };
}

/** Runs `cases` in order, each on a database of its own. */
export async function runRecordCases(cases) {
  const reports = [];
  for (const kase of cases) reports.push(await runRecordCase(kase));
  return reports;
}
