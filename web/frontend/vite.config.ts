import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The admin UI lives in web/frontend; the build goes to <repo>/dist/frontend,
// which web/frontend/serve.ts serves in production and test.
const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/frontend', import.meta.url));

export default defineConfig({
  root,
  // Assets are always served from the app's origin root.
  base: '/',
  plugins: [react()],
  // `%SHOPIFY_API_KEY%` in index.html is filled in by the server at request
  // time, not by Vite: keep Vite's own %ENV% replacement to VITE_ variables.
  envPrefix: 'VITE_',
  clearScreen: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: true,
    // Pages are split with React.lazy (see src/routes.ts); Polaris, React and
    // react-query go into the entry chunk, which every page needs anyway.
    chunkSizeWarningLimit: 1024,
  },
});
