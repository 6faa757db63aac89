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
