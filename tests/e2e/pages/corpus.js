// The page of tests/e2e/corpus.test.mjs: runs the cases of the bad-input corpus
// (tests/corpus/*.json, fetched from the server as they are stored) against the built
// package and reports every outcome; the test compares them with the expectations.
import init from '/pkg/diagram_state.js';
import { runEntryCases } from './corpus-entry-points.js';
import { runMessageCases } from './corpus-messages.js';
import { runRecordCases } from './corpus-records.js';

await init();

const files = new Map();

/** The cases of tests/corpus/<name>.json. */
async function casesOf(name) {
  if (!files.has(name)) {
    const response = await fetch(`/tests/corpus/${name}.json`);
    files.set(name, (await response.json()).cases);
  }
  return files.get(name);
}

const select = (cases, key, value) => cases.filter((kase) => value === undefined || kase[key] === value);

window.corpus = {
  /** Runs the cases of entry-points.json for `entry` (all when undefined). */
  entryPoints: async (entry) => runEntryCases(select(await casesOf('entry-points'), 'entry', entry)),
  /** Runs the cases of messages.json of message type `type` (all when undefined). */
  messages: async (type) => runMessageCases(select(await casesOf('messages'), 'type', type)),
  /** Runs the cases of records.json for object store `store` (all when undefined). */
  records: async (store) => runRecordCases(select(await casesOf('records'), 'store', store)),
};
window.ready = true;
