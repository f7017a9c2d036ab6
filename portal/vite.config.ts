import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The portal's build (`npm run portal:build`, run by `npm start` when the sources changed) and its
 * development server with hot reload (`npm run portal:dev`), which forwards the graph and the login
 * routes to the hub started by `npm start` (same origin for the browser: the session cookie works).
 */
const hub = process.env.HUB_URL ?? 'http://localhost:4000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Old phones: no polyfill-heavy targets, but nothing newer than what a 2019 Android browser runs.
    target: ['es2019', 'chrome70', 'safari12', 'firefox68'],
    // The report `npm run portal:build` prints includes gzip sizes; the budget is checked by a test.
    reportCompressedSize: true,
    // No inline scripts or styles anywhere (the router's Content-Security-Policy forbids them).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/graphql': { target: hub, changeOrigin: false },
      '/auth': { target: hub, changeOrigin: false },
    },
  },
});
