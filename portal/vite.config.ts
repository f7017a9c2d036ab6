import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { inlineEntry } from './build/inline-entry.ts';
import { inlineGraphqlDocuments } from './build/inline-documents.ts';
import { preloadManifest } from './build/preload-manifest.ts';
import { ZONE } from './src/format.ts';
import { GuardianHomeDocument } from './src/gql/graphql.ts';
import { hashOf } from './src/graphql/persisted.ts';
import { PRELOAD_ELEMENT_ID } from './src/graphql/preloaded.ts';

/**
 * The portal's build (`npm run portal:build`, run by `npm start` when the sources changed) and its
 * development server with hot reload (`npm run portal:dev`), which forwards the graph and the login
 * routes to the hub started by `npm start` (same origin for the browser: the session cookie works).
 */
const hub = process.env.HUB_URL ?? 'http://localhost:4000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    inlineGraphqlDocuments(),
    preact(),
    // The entry's script and style inside the page: one request fewer before anything shows (the router allows them by hash).
    inlineEntry(),
    // The home's one query comes with the page (router/plugins/static-site-preload.ts): its variables
    // are those of pages/guardian-home.tsx (`guardianHomeVariables(parisDay())`), today and tomorrow in Paris.
    preloadManifest({
      elementId: PRELOAD_ELEMENT_ID,
      pages: {
        '/': [
          {
            documentId: hashOf(GuardianHomeDocument),
            variables: { today: { $day: { timeZone: ZONE, offset: 0 } }, tomorrow: { $day: { timeZone: ZONE, offset: 1 } } },
          },
        ],
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Old phones: no polyfill-heavy targets, but nothing newer than what a 2019 Android browser runs.
    target: ['es2019', 'chrome70', 'safari12', 'firefox68'],
    // The report `npm run portal:build` prints includes gzip sizes; the budget is checked by a test.
    reportCompressedSize: true,
    // No asset inlined as a data: URL; the only inline script and style are the entry's (build/inline-entry.ts), allowed by hash.
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
