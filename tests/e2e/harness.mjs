// Shared by the end-to-end tests: serves the built demo on 127.0.0.1 and drives Debian's
// Chromium through playwright-core (no browser is ever downloaded).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where tests keep screenshots for people to look at. */
export const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');

/** Chromium's flags for every headless run of the project (tests, benchmarks, soak). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts the demo server and a persistent Chromium context (a throw-away profile, so
 * IndexedDB persists across reloads like in a real browser). Returns `{ url, context, errors, close }`.
 */
export function openDemo() {
  return launch(join(ROOT, 'www/dist'));
}

/**
 * Serves the repository itself (test pages under tests/e2e/pages import the built package
 * from /pkg), with the same browser setup as {@link openDemo}.
 */
export function openTestPages() {
  return launch(ROOT);
}

/**
 * {@link openTestPages} with one page open at `path` (e.g. `/tests/e2e/pages/boundary.html`)
 * once it sets `window.ready`: `{ browser, page }`.
 */
export async function openTestPage(path) {
  const browser = await openTestPages();
  const page = await browser.context.newPage();
  await page.goto(new URL(path, browser.url).href);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
  return { browser, page };
}

async function launch(root) {
  await mkdir(ARTIFACTS, { recursive: true });
  const server = await startServer({ root, idleMs: 10 * 60 * 1000 });
  const profile = await mkdtemp(join(tmpdir(), 'diagram-state-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    viewport: { width: 1200, height: 760 },
  });
  const errors = [];
  context.on('weberror', (error) => errors.push(error.error().message));
  return {
    url: server.url,
    context,
    /** Uncaught page errors seen so far. */
    errors,
    async close() {
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where the helper pages of the end-to-end tests are (tests/e2e/pages). */
export const TEST_PAGES = join(ROOT, 'tests/e2e/pages');
/** The URL prefix under which {@link serveTestPagesOnDemoOrigin} serves them. */
export const TEST_PAGES_PREFIX = '__e2e__/';

/**
 * Serves tests/e2e/pages/<file> at `<demo url>__e2e__/<file>` inside `browser`'s context
 * (a Playwright route: nothing changes on disk or in the demo server), so a helper page
 * shares the demo's origin: its IndexedDB, localStorage and BroadcastChannels. Returns a
 * function that opens such a page in a new tab: `await open('replayer.html')`.
 */
export async function serveTestPagesOnDemoOrigin(browser) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8' };
  const { readFile } = await import('node:fs/promises');
  const { extname, normalize: normalizePath, sep } = await import('node:path');
  await browser.context.route(`${browser.url}${TEST_PAGES_PREFIX}**`, async (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.slice(`/${TEST_PAGES_PREFIX}`.length));
    const file = normalizePath(join(TEST_PAGES, name));
    if (!file.startsWith(TEST_PAGES + sep)) return route.fulfill({ status: 403, body: 'forbidden' });
    const body = await readFile(file).catch(() => null);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body, headers: { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' } });
  });
  return async (name) => {
    const page = await browser.context.newPage();
    await page.goto(`${browser.url}${TEST_PAGES_PREFIX}${name}`);
    return page;
  };
}
