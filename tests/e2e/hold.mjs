// Holds the database busy from a page, so that commits made meanwhile queue up behind it
// (two tabs' commits then land one right after the other, or a tab closes mid-commit).

/**
 * Holds a readwrite transaction on IndexedDB database `db` (default `diagram-state`) for
 * `ms` from `page`. Resolves once the transaction holds the database, with `done`, a
 * promise of its end.
 */
export async function holdDatabase(page, ms, db = 'diagram-state') {
  await page.evaluate(([name, duration]) => new Promise((started, fail) => {
    const open = indexedDB.open(name);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const database = open.result;
      const tx = database.transaction(['diagrams', 'cells', 'oplog'], 'readwrite');
      const until = performance.now() + duration;
      window.heldDatabase = new Promise((release) => {
        tx.oncomplete = () => { database.close(); release(); };
      });
      const keepBusy = () => {
        if (performance.now() < until) tx.objectStore('diagrams').count().onsuccess = keepBusy;
      };
      // The first request succeeding means the transaction holds the database.
      tx.objectStore('diagrams').count().onsuccess = () => { started(); keepBusy(); };
    };
  }), [db, ms]);
  return { done: page.evaluate(() => window.heldDatabase) };
}
