import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { constants, gzip, gzipSync } from 'node:zlib';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { HubError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { isPreloadNavigation, pageWithPreload, preloadOne, PreloadManifest, type Dispatch, type PreloadedResult } from './static-site-preload.ts';

/**
 * A built single-page web application served at the router's origin (`ROUTER_STATIC_DIR`): the
 * session cookie goes along with its GraphQL requests, and no CORS is needed. The router knows the
 * folder, not what is in it.
 */
export interface StaticSiteOptions {
  /** A built site: `index.html` and its files (Vite's `dist/`). Read whole at start (a few hundred KB). */
  dir: string;
  /** Paths this plugin never answers (the router's own routes, found later in the chain). */
  isReserved: (pathname: string) => boolean;
  /**
   * Runs a request through the router's whole pipeline (router.ts: `gateway.fetch`). Given, and the
   * site has a `preload.json` (static-site-preload.ts), a navigation to a page it names gets its
   * first GraphQL answers embedded, asked with the navigation's own session.
   */
  dispatch?: Dispatch;
  /** How long a navigation waits for its embedded answers before the page goes without them. */
  preloadTimeoutMs?: number;
  /** Where a preload that failed unexpectedly is said (a refusal or no session is not a failure). */
  log?: Logger;
}

/** The site's declaration of what its pages ask first: read at start, never served. */
const PRELOAD_FILE = '/preload.json';
const DEFAULT_PRELOAD_TIMEOUT_MS = 2_000;

export class StaticSiteError extends HubError {
  static override readonly code = 'ERR_STATIC_SITE';
}

/** The whole site in memory: at most this much, so a wrong folder (a home directory) is refused, not read. */
const MAX_SITE_BYTES = 20 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Strict: scripts, styles, images and requests from this origin only; no inline script or style
 * other than the page's own, by hash (staticSiteCsp); no plugin, no framing, no `<base>`, forms posting here only. A homework's HTML (sanitized upstream)
 * cannot run or load anything else even if the sanitizer missed something.
 */
export const STATIC_SITE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json)|image\/svg)/;

/** Whether the client takes gzip (`Accept-Encoding: gzip, br`; `gzip;q=0` refuses it). */
const acceptsGzip = (header: string | null) =>
  (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    return coding?.trim().toLowerCase() === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });

/**
 * The policy for a site whose page is `html`: STATIC_SITE_CSP, with each inline script and style of
 * the page allowed by its SHA-256 (the build put the entry's code there: one request fewer on a slow
 * network), never 'unsafe-inline'. A data block (`type="application/json"`, the embedded answers) is
 * not run, so needs nothing. Anything injected into the page later has another hash and is refused.
 */
export function staticSiteCsp(html: string): string {
  const hashes = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
  const scripts = hashes(/<script(?![^>]*\bsrc=)(?![^>]*\btype="application\/json")[^>]*>([\s\S]*?)<\/script>/gi);
  const styles = hashes(/<style\b[^>]*>([\s\S]*?)<\/style>/gi);
  return STATIC_SITE_CSP.replace("script-src 'self'", ["script-src 'self'", ...scripts].join(' ')).replace(
    "style-src 'self'",
    ["style-src 'self'", ...styles].join(' '),
  );
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** A file served from memory: its bytes, its type, its entity tag. */
export interface ServedFile {
  body: Uint8Array<ArrayBuffer>;
  /** Compressed once, for text files (a slow network gets a third of the bytes); none for images. */
  gzipped?: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

interface SiteFile extends ServedFile {
  /** Vite names built assets by their content hash: cached for a year. */
  immutable: boolean;
}

/** A file to serve from memory: its entity tag from its content, and its gzipped bytes if it is text. */
export function servedFile(body: Uint8Array<ArrayBuffer>, type: string, level: number = constants.Z_BEST_COMPRESSION): ServedFile {
  return {
    body,
    gzipped: COMPRESSIBLE.test(type) ? new Uint8Array(gzipSync(body, { level })) : undefined,
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * The answer for a file served from memory, with `headers` besides: gzipped when the client takes
 * it, one entity tag per representation (a cache never serves the gzipped bytes as the plain ones),
 * 304 when the client already has it, no body for HEAD.
 */
export function fileResponse(fetchAPI: { Response: typeof Response }, request: Request, file: ServedFile, headers: Record<string, string>): Response {
  const gzip = file.gzipped && acceptsGzip(request.headers.get('accept-encoding'));
  const all: Record<string, string> = {
    ...headers,
    'content-type': file.type,
    etag: gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag,
    vary: 'Accept-Encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  };
  if (request.headers.get('if-none-match') === all.etag) return new fetchAPI.Response(null, { status: 304, headers: all });
  const body = gzip ? file.gzipped! : file.body;
  return new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status: 200, headers: all });
}

/** Every file of the site by its URL path; nothing outside the folder is ever named (no traversal to check at request time). */
function readSite(dir: string): Map<string, SiteFile> {
  const files = new Map<string, SiteFile>();
  let total = 0;
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        total += statSync(path).size;
        if (total > MAX_SITE_BYTES) throw new StaticSiteError(`ROUTER_STATIC_DIR ${dir} holds more than ${MAX_SITE_BYTES} bytes: not a built site`);
        const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
        files.set(urlPath, {
          ...servedFile(new Uint8Array(readFileSync(path)), TYPES[extname(path)] ?? 'application/octet-stream'),
          immutable: urlPath.startsWith('/assets/'),
        });
      }
    }
  };
  try {
    walk(dir);
  } catch (error) {
    if (error instanceof StaticSiteError) throw error;
    throw new StaticSiteError(`ROUTER_STATIC_DIR ${dir} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (!files.has('/index.html')) throw new StaticSiteError(`ROUTER_STATIC_DIR ${dir} has no index.html: build the site first`);
  return files;
}

/**
 * Serves the site: its files by path, and `index.html` for any other GET (the application's own
 * routes, such as `/agenda`), with the security headers above. Reserved paths (GraphQL, login,
 * health, pass-through routes) go on to their handlers.
 */
export function useStaticSite(options: StaticSiteOptions): GatewayPlugin {
  const files = readSite(options.dir);
  const index = files.get('/index.html')!;
  const preload = readPreloadManifest(options.dir, files);
  const indexHtml = new TextDecoder().decode(index.body);
  const securityHeaders = { ...SECURITY_HEADERS, 'content-security-policy': staticSiteCsp(indexHtml) };
  const timeoutMs = options.preloadTimeoutMs ?? DEFAULT_PRELOAD_TIMEOUT_MS;
  let inFlight = 0;
  return {
    onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      if (options.isReserved(url.pathname)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const file = files.get(url.pathname);
      // A missing asset is a 404 (a stale page asking for an old bundle), never the page in its place.
      if (!file && (url.pathname.startsWith('/assets/') || extname(url.pathname) !== '')) return;
      const served = file ?? index;
      const entries = served === index ? preload?.pages[url.pathname] : undefined;
      const dispatch = options.dispatch;
      if (!entries || !preload || !dispatch) {
        payload.endResponse(
          fileResponse(fetchAPI, request, served, {
            ...securityHeaders,
            'cache-control': served.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          }),
        );
        return;
      }
      // A page that may carry a person's data: never stored by a cache, and never one person's page given to another.
      const headers = { ...securityHeaders, 'cache-control': 'no-store' };
      const page = async () => {
        // At most MAX_PRELOADS_IN_FLIGHT at once on this instance: past it (a flood of navigations), pages go without.
        const preloading = isPreloadNavigation(request) && inFlight < MAX_PRELOADS_IN_FLIGHT;
        let results: PreloadedResult[] = [];
        if (preloading) {
          inFlight++;
          try {
            results = await preloadAll(dispatch, request, payload.serverContext, entries, timeoutMs, options.log);
          } finally {
            inFlight--;
          }
        }
        const response = results.length
          ? await personalPageResponse(fetchAPI, request, pageWithPreload(indexHtml, preload.elementId, results), index.type, headers)
          : fileResponse(fetchAPI, request, index, headers);
        response.headers.set('vary', 'Accept-Encoding, Cookie');
        payload.endResponse(response);
      };
      // Asynchronous only here: every other request (GraphQL among them) passes this hook without a promise.
      return page();
    },
  };
}

const gzipAsync = promisify(gzip);

/** Preloads running at once on one instance: each runs a GraphQL operation and builds a page. */
const MAX_PRELOADS_IN_FLIGHT = 64;

/**
 * A page made for one request (it carries that person's answers): compressed only for a client
 * that takes gzip, off the event loop (zlib's thread pool), with no entity tag (it is never stored,
 * so never revalidated).
 */
async function personalPageResponse(
  fetchAPI: { Response: typeof Response },
  request: Request,
  html: string,
  type: string,
  headers: Record<string, string>,
): Promise<Response> {
  const body = new TextEncoder().encode(html);
  if (!acceptsGzip(request.headers.get('accept-encoding'))) return new fetchAPI.Response(body, { status: 200, headers: { ...headers, 'content-type': type } });
  const gzipped = await gzipAsync(body, { level: 6 });
  return new fetchAPI.Response(new Uint8Array(gzipped), { status: 200, headers: { ...headers, 'content-type': type, 'content-encoding': 'gzip' } });
}

/** The answers embedded in the page: each one asked at once, none waited for longer than `timeoutMs`; a failure leaves it out. */
async function preloadAll(
  dispatch: Dispatch,
  request: Request,
  serverContext: unknown,
  entries: PreloadManifest['pages'][string],
  timeoutMs: number,
  log: Logger | undefined,
): Promise<PreloadedResult[]> {
  const context = (serverContext ?? {}) as Record<string, unknown>;
  const settled = await Promise.allSettled(
    entries.map((entry) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve, timeoutMs, undefined);
      });
      return Promise.race([preloadOne(dispatch, request, context, entry, timeoutMs), late]).finally(() => clearTimeout(timer));
    }),
  );
  return settled.flatMap((s, i) => {
    if (s.status === 'rejected')
      log?.warn({ documentId: entries[i]!.documentId, error: (s.reason as Error)?.message }, 'a page preload failed: the page goes without it');
    return s.status === 'fulfilled' && s.value ? [s.value] : [];
  });
}

/** The site's preload.json, checked at start (a wrong one is a deployment error), and taken out of the files served. */
function readPreloadManifest(dir: string, files: Map<string, SiteFile>): PreloadManifest | undefined {
  const file = files.get(PRELOAD_FILE);
  if (!file) return undefined;
  files.delete(PRELOAD_FILE);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(file.body));
  } catch (error) {
    throw new StaticSiteError(`${dir}${PRELOAD_FILE} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = PreloadManifest.safeParse(json);
  if (!parsed.success) throw new StaticSiteError(`${dir}${PRELOAD_FILE} is not a preload manifest: ${parsed.error.message}`);
  return parsed.data;
}
