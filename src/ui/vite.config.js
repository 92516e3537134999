// @ts-check
/**
 * Builds the web UI (src/ui) into dist/ui: index.html and hashed assets, served by `baton dev` and
 * `baton server` at `/`. For work on the UI with hot reload, run `npx baton dev` (port 8233) and
 * `npx vite --config src/ui/vite.config.js`: the dev server sends `/api` to it.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  // History API routes (/executions/ID): assets are referenced from the site root.
  base: '/',
  build: {
    outDir: resolve(root, '../../dist/ui'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8233' },
  },
});
