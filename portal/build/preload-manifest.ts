import type { Plugin } from 'vite';
import type { PreloadManifestInput } from '../../router/plugins/static-site-preload.ts';

/**
 * Writes `preload.json` next to `index.html`: which persisted document each page asks first, and
 * with which variables. The router runs them for a navigation with the person's session and embeds
 * the answers in the page (router/plugins/static-site-preload.ts); the router reads the file at
 * start and never serves it.
 */
export function preloadManifest(manifest: PreloadManifestInput): Plugin {
  return {
    name: 'portal:preload-manifest',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'preload.json', source: `${JSON.stringify(manifest, null, 2)}\n` });
    },
  };
}
