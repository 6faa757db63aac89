// The bad-input corpus (tests/corpus/*.json, format in tests/corpus/README.md) in
// Chromium, through pages/corpus.html: every case must give its expected typed error or be
// ignored, leave the state unchanged, and leave the module usable; nothing may reach the
// page as an uncaught error.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { openTestPages } from './harness.mjs';

const casesOf = async (name) => JSON.parse(await readFile(new URL(`../corpus/${name}.json`, import.meta.url), 'utf8')).cases;
const entryPoints = await casesOf('entry-points');
const messages = await casesOf('messages');
const records = await casesOf('records');

/** The cases grouped by `key`, in corpus order. */
function groups(cases, key) {
  const grouped = new Map();
  for (const kase of cases) grouped.set(kase[key], [...(grouped.get(kase[key]) ?? []), kase]);
  return grouped;
}

const count = (grouped) => [...grouped].map(([name, cases]) => `${name} ${cases.length}`).join(', ');
const byEntry = groups(entryPoints, 'entry');
const byType = groups(messages, 'type');
const byStore = groups(records, 'store');
console.log(`entry-points.json: ${entryPoints.length} cases for ${byEntry.size} entry points (${count(byEntry)})`);
console.log(`messages.json: ${messages.length} cases (${count(byType)})`);
console.log(`records.json: ${records.length} cases (${count(byStore)})`);

let browser;
let page;
before(async () => {
  browser = await openTestPages();
  page = await browser.context.newPage();
  await page.goto(new URL('/tests/e2e/pages/corpus.html', browser.url).href);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
});
after(async () => {
  await browser?.close();
});

/** Entry points that answer with a promise: they must never throw synchronously. */
const answersWithPromise = (entry) => entry === 'DiagramState.open' || (entry.startsWith('LocalDiagrams.') && entry !== 'LocalDiagrams.close');

/** What is wrong with the outcome of one entry-point case (nothing when it is right). */
function entryProblems(report) {
  const problems = [];
  if (report.actual !== report.expect) problems.push(`gave ${report.actual}, expected ${report.expect}`);
  if (report.typed === false) problems.push('threw something that is not a DiagramStateError with a code');
  if (report.changed) problems.push('changed the state');
  if (report.usable !== true) problems.push(`left the module unusable: ${report.usable}`);
  if (report.released !== true) problems.push(`could not be released: ${report.released}`);
  if (report.consoleMessages !== 0) problems.push(`printed ${report.consoleMessages} console error(s)/warning(s)`);
  if (answersWithPromise(report.entry) && report.synchronous) problems.push('threw synchronously instead of rejecting');
  return problems.length === 0 ? [] : [`${report.why}: ${problems.join('; ')}${report.message ? ` (${report.message})` : ''}`];
}

for (const [entry, cases] of byEntry) {
  test(`${entry}: ${cases.length} bad inputs, each refused with its code or ignored`, async () => {
    const reports = await page.evaluate((name) => window.corpus.entryPoints(name), entry);
    assert.equal(reports.length, cases.length);
    assert.deepEqual(reports.flatMap(entryProblems), []);
  });
}

/** What is wrong with what the receiving tab did with one message (nothing when right). */
function messageProblems(kase, report) {
  const problems = [];
  const wanted = {
    ignored: kase.reason ? { [kase.reason]: 1 } : {},
    peers: kase.peers ?? 0,
    resyncs: kase.resyncs ?? 0,
  };
  const got = { ignored: report.status.ignored, peers: report.status.peers, resyncs: report.status.resyncs };
  if (!report.handled) problems.push('the tab never handled it');
  if (JSON.stringify(got) !== JSON.stringify(wanted)) problems.push(`status changed by ${JSON.stringify(got)}, expected ${JSON.stringify(wanted)}`);
  if (kase.expect === 'ignored' && report.status.read) problems.push('it was read (lastMessageAt changed)');
  if (report.status.others.length > 0) problems.push(`other status fields changed: ${report.status.others.join(', ')}`);
  if (report.diagramChanged) problems.push('the diagram or its history changed');
  if (Object.values(report.events).some((n) => n > 0)) problems.push(`events: ${JSON.stringify(report.events)}`);
  if (JSON.stringify(report.replies) !== JSON.stringify(kase.reply ?? [])) problems.push(`the tab posted ${JSON.stringify(report.replies)}`);
  if (report.consoleMessages !== (kase.console ?? 0)) problems.push(`${report.consoleMessages} console error(s)/warning(s)`);
  if (report.usable !== true) problems.push(`the tab no longer commits an edit: ${report.usable}`);
  return problems.length === 0 ? [] : [`${kase.why}: ${problems.join('; ')}`];
}

for (const [type, cases] of byType) {
  test(`messages (${type}): ${cases.length} bad payloads, the receiving tab unchanged but for its counters`, async () => {
    const reports = await page.evaluate((name) => window.corpus.messages(name), type);
    assert.equal(reports.length, cases.length);
    assert.deepEqual(reports.flatMap((report, index) => messageProblems(cases[index], report)), []);
  });
}

for (const [store, cases] of byStore) {
  test(`records (${store}): ${cases.length} bad records, skipped and reported, never half-loaded`, async () => {
    const reports = await page.evaluate((name) => window.corpus.records(name), store);
    assert.equal(reports.length, cases.length);
    const failures = reports.flatMap((report) => report.failed.map((check) => `${report.why}: ${check.name}${check.note ? ` (${check.note})` : ''}`));
    assert.deepEqual(failures, []);
    assert.ok(reports.every((report) => report.checks.length >= 4), 'every case made its checks');
  });
}

test('no uncaught errors in the page', () => {
  assert.deepEqual(browser.errors, []);
});
