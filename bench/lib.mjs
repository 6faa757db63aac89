// Node-side helpers shared by the suites: open a bench page and wait until it is ready,
// measure the JS heap after a garbage collection, and summarise samples.

/**
 * Opens `path` (e.g. `/bench/pages/history.html`) in a new page of `ctx.context` and waits
 * until the page sets `window.benchReady = true` (or fails with `window.benchError`).
 * Uncaught page errors and console errors are rethrown from later `call`s.
 * Returns `{ page, call(name, ...args), heap(), close() }`: `call` runs
 * `window.bench[name](...args)` in the page.
 */
export async function openBenchPage(ctx, path, { timeoutMs = 60_000 } = {}) {
  const page = await ctx.context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${ctx.baseUrl}${path}`);
  await page.waitForFunction(() => window.benchReady === true || window.benchError, null, { timeout: timeoutMs });
  const failure = await page.evaluate(() => window.benchError ?? null);
  if (failure) throw new Error(`${path}: ${failure}`);
  const cdp = await ctx.context.newCDPSession(page);
  const check = () => {
    if (errors.length) throw new Error(`${path}: page error: ${errors.join(' | ')}`);
  };
  return {
    page,
    async call(name, ...args) {
      check();
      const result = await page.evaluate(([fn, params]) => window.bench[fn](...params), [name, args]);
      check();
      return result;
    },
    /** JS heap bytes in use after a full garbage collection. */
    async heap() {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return usedSize;
    },
    async close() {
      await cdp.detach().catch(() => {});
      await page.close();
    },
  };
}

/** The median of `values` (the mean of the two middle values for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{ median, min, max }` of `samples`. */
export function summarize(samples) {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}
