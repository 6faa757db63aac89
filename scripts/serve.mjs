// A small static file server for the built demo (www/dist), used by `make demo` and by the
// end-to-end tests. It listens on 127.0.0.1 only, serves .wasm as application/wasm, falls
// back to index.html for unknown paths, and stops by itself after an idle period.
//
// CLI: node scripts/serve.mjs <dir> [--port N] [--idle-minutes M]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves `root` on 127.0.0.1. Resolves to `{ url, close }` once listening.
 * `port` 0 picks a free port. The server closes itself after `idleMs` without requests.
 */
export async function startServer({ root, port = 0, idleMs = 60 * 60 * 1000 }) {
  const base = resolve(root);
  let idleTimer;
  const server = createServer(async (request, response) => {
    armIdleTimer();
    try {
      const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
      let file = normalize(join(base, pathname));
      if (file !== base && !file.startsWith(base + sep)) {
        response.writeHead(403).end('forbidden');
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info || info.isDirectory()) file = join(base, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      response.end(body);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  const close = () =>
    new Promise((done) => {
      clearTimeout(idleTimer);
      server.closeAllConnections?.();
      server.close(() => done());
    });
  function armIdleTimer() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      console.log(`serve: no request for ${Math.round(idleMs / 60000)} min, stopping.`);
      close();
    }, idleMs);
    idleTimer.unref?.();
  }
  await new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ready);
  });
  armIdleTimer();
  // The listening socket keeps the process alive; the unref'd idle timer alone does not.
  return { url: `http://127.0.0.1:${server.address().port}/`, close, server };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : fallback;
  };
  const root = args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!root) {
    console.error('usage: node scripts/serve.mjs <dir> [--port N] [--idle-minutes M]');
    process.exit(2);
  }
  const idleMinutes = Number(option('--idle-minutes', '120'));
  const { url, close } = await startServer({
    root,
    port: Number(option('--port', '5173')),
    idleMs: idleMinutes * 60 * 1000,
  }).catch((error) => {
    console.error(`serve: cannot listen: ${error.message} (is another demo already running? try --port)`);
    process.exit(1);
  });
  console.log(`\n  diagram-state demo editor: ${url}\n  (stops after ${idleMinutes} idle minutes; Ctrl-C stops it now)\n`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => close().then(() => process.exit(0)));
}
