// Counts what the page prints with console.error and console.warn, so that a corpus case
// can tell whether the package complained while handling it.

/** `count` grows by one for every console.error or console.warn call. */
export const consoleNoise = { count: 0 };

for (const level of ['error', 'warn']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    consoleNoise.count += 1;
    original(...args);
  };
}
