import { createRequire } from 'node:module';
import { constants } from 'node:zlib';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { HubError } from '../../lib/errors.ts';
import { escapeMarkup } from '../../lib/markup.ts';
import { isGraphQLPath } from '../routes.ts';
import { fileResponse, servedFile, type ServedFile } from './use-static-site.ts';

/**
 * GraphiQL served whole from the router's own origin, never from a CDN: graphql-yoga's page loads its
 * code from unpkg, which leaves a blank page on a network without internet (where many académie
 * servers sit). The code is the one graphql-yoga publishes for offline use, `@graphql-yoga/render-graphiql`
 * (the same Yoga GraphiQL bundle, its stylesheet and Monaco's three workers, as strings). That package
 * inlines all of it in one HTML page, which a strict Content-Security-Policy rightly refuses; here each
 * piece is a file of its own under `/graphql-assets/`, so the page runs with scripts and styles from
 * this origin only.
 */
export const GRAPHIQL_PACKAGE = '@graphql-yoga/render-graphiql';
const BUNDLE_MODULE = `${GRAPHIQL_PACKAGE}/graphiql`;
export const GRAPHIQL_ASSETS_PREFIX = '/graphql-assets/';

export class GraphiQLBundleError extends HubError {
  static override readonly code = 'ERR_GRAPHIQL_BUNDLE';
}

/**
 * The page's policy: scripts, style sheets, workers and requests from this origin only; images and
 * fonts also as `data:` (the bundle embeds its fonts and icons); no framing, no `<base>`. One
 * exception, for style *attributes* only: Monaco (GraphiQL's editor) draws selections, the cursor
 * line and bracket guides with `style="left:…;width:…"`, which a strict policy leaves invisible. An
 * attribute runs no script, matches no selector (the CSS-injection exfiltration trick needs a style
 * sheet, still this origin's only) and loads nothing beyond `img-src`/`font-src`.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "worker-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-security-policy': GRAPHIQL_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** What the package exports: each piece of GraphiQL's built code as a string. */
const BUNDLE_PARTS = ['js', 'css', 'editorWorkerService', 'jsonWorker', 'graphqlWorker'] as const;
type GraphiQLBundle = Record<(typeof BUNDLE_PARTS)[number], string>;

/** Whether the package is installed (resolved, not loaded: its code is 9 MB of strings). */
export function graphiqlBundleInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve(BUNDLE_MODULE);
    return true;
  } catch {
    return false;
  }
}

async function importBundle(): Promise<GraphiQLBundle> {
  let module: Record<string, unknown>;
  try {
    // The specifier in a variable: the router type-checks and starts whether or not it is installed.
    const specifier: string = BUNDLE_MODULE;
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new GraphiQLBundleError(`GraphiQL's code is not installed: npm install ${GRAPHIQL_PACKAGE} (the version of graphql-yoga)`, { cause: error });
  }
  const bundle: Partial<GraphiQLBundle> = {};
  for (const part of BUNDLE_PARTS) {
    const value = module[part];
    if (typeof value !== 'string') throw new GraphiQLBundleError(`${BUNDLE_MODULE} exports no ${part} string: a version this router does not know`);
    bundle[part] = value;
  }
  return bundle as GraphiQLBundle;
}

/**
 * Runs after the bundle: points Monaco at its workers on this origin (a same-origin URL is started
 * as is; graphql-yoga's page makes `blob:` workers, which the policy refuses), then renders GraphiQL
 * with the options the page carries as data (no inline script).
 */
const START_SCRIPT = `(function () {
  var page = JSON.parse(document.getElementById('graphiql-page').textContent);
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      return page.workers[label];
    },
  };
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), page.options);
})();
`;

interface LoadedGraphiQL {
  assets: Map<string, ServedFile>;
  urls: { js: string; css: string; start: string; workers: Record<string, string> };
}

/**
 * `name.<hash>.ext`: the content names the file, so it is cached for good and a new version gets a
 * new URL. Gzipped once, at the default level (9 MB of text: the best level costs seconds for little).
 */
function asset(assets: Map<string, ServedFile>, name: string, ext: 'js' | 'css', content: string): string {
  const type = ext === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
  const file = servedFile(new Uint8Array(Buffer.from(content)), type, constants.Z_DEFAULT_COMPRESSION);
  const path = `${GRAPHIQL_ASSETS_PREFIX}${name}.${file.etag.slice(1, 17)}.${ext}`;
  assets.set(path, file);
  return path;
}

async function loadGraphiQL(): Promise<LoadedGraphiQL> {
  const bundle = await importBundle();
  const assets = new Map<string, ServedFile>();
  return {
    assets,
    urls: {
      js: asset(assets, 'graphiql', 'js', bundle.js),
      css: asset(assets, 'graphiql', 'css', bundle.css),
      start: asset(assets, 'start', 'js', START_SCRIPT),
      // Monaco asks for a worker by these labels.
      workers: {
        editorWorkerService: asset(assets, 'editor.worker', 'js', bundle.editorWorkerService),
        json: asset(assets, 'json.worker', 'js', bundle.jsonWorker),
        graphql: asset(assets, 'graphql.worker', 'js', bundle.graphqlWorker),
      },
    },
  };
}

/** JSON inside `<script type="application/json">`: no `<` can close the element early. */
const jsonInScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export interface OfflineGraphiQL {
  /** The runtime's `renderGraphiQL`: the page, naming this origin's files only. */
  render: (options?: object) => Promise<string>;
  /** Serves `/graphql-assets/*`, and gives the page its policy. */
  plugin: GatewayPlugin;
}

/**
 * GraphiQL outside production. The package is read on the first visit (never by a router that no one
 * opens GraphiQL on); without it, the page says how to install it instead of showing nothing.
 */
export function offlineGraphiQL(): OfflineGraphiQL {
  let loading: Promise<LoadedGraphiQL> | undefined;
  const load = () => (loading ??= loadGraphiQL());

  async function render(options: object = {}): Promise<string> {
    let loaded: LoadedGraphiQL;
    try {
      loaded = await load();
    } catch (error) {
      loading = undefined;
      if (!(error instanceof GraphiQLBundleError)) throw error;
      return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GraphiQL</title></head><body><h1>GraphiQL is not available</h1><p>${escapeMarkup(error.message)}</p><p>The GraphQL endpoint itself works: POST your queries here.</p></body></html>`;
    }
    const { urls } = loaded;
    const title = 'title' in options && typeof options.title === 'string' ? options.title : 'GraphiQL';
    const favicon = 'favicon' in options && typeof options.favicon === 'string' && options.favicon.startsWith('data:image/') ? options.favicon : undefined;
    return [
      '<!doctype html><html lang="en"><head><meta charset="utf-8">',
      `<title>${escapeMarkup(title)}</title>`,
      favicon ? `<link rel="icon" href="${escapeMarkup(favicon)}">` : '',
      `<link rel="stylesheet" href="${urls.css}">`,
      `<script type="application/json" id="graphiql-page">${jsonInScript({ options, workers: urls.workers })}</script>`,
      // In order, after the document is parsed: the bundle, then what starts it.
      `<script defer src="${urls.js}"></script><script defer src="${urls.start}"></script>`,
      '</head><body id="body" class="no-focus-outline"><noscript>GraphiQL needs JavaScript.</noscript><div id="root"></div></body></html>',
    ].join('');
  }

  const plugin: GatewayPlugin = {
    onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PREFIX)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      return load().then(
        ({ assets }) => {
          const file = assets.get(url.pathname);
          const notFound = () => new fetchAPI.Response('Not Found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
          payload.endResponse(
            file
              ? fileResponse(fetchAPI, request, file, { 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' })
              : notFound(),
          );
        },
        () => {
          loading = undefined;
          payload.endResponse(new fetchAPI.Response('GraphiQL is not installed\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
        },
      );
    },
    // The runtime renders the page (GET /graphql asking for HTML) before any plugin's onRequest; its policy is set here.
    onResponse({ request, response }) {
      if (!response.headers.get('content-type')?.startsWith('text/html')) return;
      if (!isGraphQLPath(new URL(request.url).pathname)) return;
      for (const [name, value] of Object.entries(PAGE_HEADERS)) response.headers.set(name, value);
    },
  };

  return { render, plugin };
}
