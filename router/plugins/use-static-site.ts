import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { HubError } from '../../lib/errors.ts';

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
}

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
 * Strict: scripts, styles, images and requests from this origin only; no inline script or style, no
 * plugin, no framing, no `<base>`, forms posting here only. A homework's HTML (sanitized upstream)
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

const SECURITY_HEADERS = {
  'content-security-policy': STATIC_SITE_CSP,
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
  return {
    onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      if (options.isReserved(url.pathname)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const file = files.get(url.pathname);
      // A missing asset is a 404 (a stale page asking for an old bundle), never the page in its place.
      if (!file && (url.pathname.startsWith('/assets/') || extname(url.pathname) !== '')) return;
      const served = file ?? index;
      payload.endResponse(
        fileResponse(fetchAPI, request, served, {
          ...SECURITY_HEADERS,
          'cache-control': served.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        }),
      );
    },
  };
}
