// Boundary fuzz in Chromium: random JS values into every entry point of the package
// (pages/boundary.js). Only typed DiagramStateErrors, no change on error, still usable.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestPages } from './harness.mjs';

let browser;
let page;
before(async () => {
  browser = await openTestPages();
  page = await browser.context.newPage();
  await page.goto(new URL('/tests/e2e/pages/boundary.html', browser.url).href);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
});
after(async () => {
  await browser?.close();
});

for (const seed of [1, 2, 3]) {
  test(`seed ${seed}: 3,000 random calls give only typed errors and change nothing when they throw`, async () => {
    const report = await page.evaluate(([s, rounds]) => window.fuzz(s, rounds), [seed, 3000]);
    console.log(`seed ${seed}: ${report.calls} calls, ${report.succeeded} succeeded, codes ${JSON.stringify(report.codes)}`);
    assert.deepEqual(report.untyped, [], 'every error is a DiagramStateError with a code');
    assert.deepEqual(report.changedOnError, [], 'a call that throws changes nothing');
    assert.equal(report.usable, true, 'the module is still usable');
    assert.equal(report.disposedCode, 'DISPOSED');
    assert.ok(report.calls >= 3000);
    assert.ok(Object.keys(report.codes).length >= 8, 'the inputs reached many different checks');
  });
}

test('the directory: 1,000 random calls reject only with typed errors, and it still works', async () => {
  const report = await page.evaluate(() => window.fuzzDirectory(7, 1000));
  console.log(`directory: ${report.calls} calls, ${report.succeeded} succeeded, codes ${JSON.stringify(report.codes)}`);
  assert.deepEqual(report.untyped, []);
  assert.equal(report.usable, true);
  assert.ok(Object.keys(report.codes).length >= 3, "the inputs reached several checks");
});

test('no uncaught errors in the page', () => {
  assert.deepEqual(browser.errors, []);
});
