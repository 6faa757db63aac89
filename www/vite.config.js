import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The demo imports the package exactly as an editor would (`from 'diagram-state'`); here the
// name points at the wasm-pack output in ../pkg, which `make pkg` builds.
const pkg = fileURLToPath(new URL('../pkg', import.meta.url));

export default defineConfig({
  plugins: [react()],
  // The package's entries live outside www/: resolve their peer dependencies from here.
  resolve: { alias: { 'diagram-state': pkg }, dedupe: ['react', 'react-dom', '@antv/x6'] },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
