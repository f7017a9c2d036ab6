import { z } from 'zod';
import { GRAPHQL_PATH } from '../routes.ts';

/**
 * A site's first GraphQL answers, embedded in its page (use-static-site.ts). The site's build
 * declares, per page path, which of its persisted documents the page asks first and with which
 * variables (`preload.json` next to `index.html`); the router runs them for a navigation with the
 * requester's own cookies through its own pipeline (authentication, authorization, rate limits, the
 * journal: exactly the request the page would send), and writes the answers into the page. A slow
 * network saves one round trip per document. The router knows ids and variables, no domain.
 */

/** A variable the router computes per request: the calendar day `offset` days from today in `timeZone` (`yyyy-MM-dd`). */
const DayVariable = z.object({ $day: z.object({ timeZone: z.string().min(1), offset: z.number().int().min(-366).max(366) }).strict() }).strict();
type DayVariable = z.infer<typeof DayVariable>;

const PreloadEntry = z
  .object({
    /** The persisted document's id, as the site's client sends it (`extensions.persistedQuery.sha256Hash`). */
    documentId: z.string().min(1).max(200),
    variables: z.record(z.union([DayVariable, z.string(), z.number(), z.boolean(), z.null()])).default({}),
  })
  .strict();

export const PreloadManifest = z
  .object({
    /** The id of the `<script type="application/json">` element the site reads. */
    elementId: z.string().regex(/^[A-Za-z][\w-]{0,63}$/),
    /** Page path -> what it asks first (at most a few documents: each one is run before the page is sent). */
    pages: z.record(z.string().startsWith('/'), z.array(PreloadEntry).min(1).max(4)),
  })
  .strict();
export type PreloadManifest = z.infer<typeof PreloadManifest>;
/** What a site's build writes (variables may be left out). */
export type PreloadManifestInput = z.input<typeof PreloadManifest>;
type PreloadEntry = z.infer<typeof PreloadEntry>;

/** One embedded answer: what was asked (the client recognises its own request by id and variables) and the GraphQL result. */
export interface PreloadedResult {
  documentId: string;
  variables: Record<string, unknown>;
  data: Record<string, unknown>;
  errors?: unknown[];
}

const isDayVariable = (value: unknown): value is DayVariable => typeof value === 'object' && value !== null && '$day' in value;

/** `yyyy-MM-dd` of the day `offset` days after `now`'s day in `timeZone`. */
export function dayIn(timeZone: string, offset: number, now: Date = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const noon = new Date(`${today}T12:00:00Z`);
  noon.setUTCDate(noon.getUTCDate() + offset);
  return noon.toISOString().slice(0, 10);
}

/** The entry's variables for a request made at `now`. */
export function resolveVariables(entry: PreloadEntry, now: Date = new Date()): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(entry.variables).map(([name, value]) => [name, isDayVariable(value) ? dayIn(value.$day.timeZone, value.$day.offset, now) : value]),
  );
}

/**
 * JSON that cannot end the `<script>` element holding it, nor open a comment in it: `<` becomes
 * `\u003c` (no `</script>`, no `<!--`), and the line separators U+2028/U+2029 are escaped too.
 * JSON.parse reads the same value back.
 */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The page with the answers in a data element at the end of its body (scripts of type module run after the whole page is read). */
export function pageWithPreload(html: string, elementId: string, results: PreloadedResult[]): string {
  const element = `<script type="application/json" id="${elementId}">${jsonForScriptElement(results)}</script>`;
  const at = html.lastIndexOf('</body>');
  return at === -1 ? html + element : html.slice(0, at) + element + html.slice(at);
}

/**
 * Whether a request is a person opening the page, the only case worth a preload (it reads the
 * person's data, journals it and renews the session): a browser's top-level navigation
 * (`Sec-Fetch-Dest: document`, `Sec-Fetch-Mode: navigate`; clients without these headers count),
 * with a cookie to ask with. Not a frame, a fetch or a HEAD (no body to fill), and not a prefetch
 * (`Sec-Purpose`/`Purpose: prefetch`): a page nobody may ever see reads nothing.
 */
export function isPreloadNavigation(request: Request): boolean {
  const headers = request.headers;
  if (request.method !== 'GET' || !headers.has('cookie')) return false;
  if ((headers.get('sec-fetch-dest') ?? 'document') !== 'document') return false;
  if ((headers.get('sec-fetch-mode') ?? 'navigate') !== 'navigate') return false;
  const purpose = `${headers.get('sec-purpose') ?? ''} ${headers.get('purpose') ?? ''}`.toLowerCase();
  return !purpose.includes('prefetch') && !purpose.includes('prerender');
}

/** Runs a request through the router's whole pipeline, as if it came from the same client (router.ts gives `gateway.fetch`). */
export type Dispatch = (request: Request, serverContext: Record<string, unknown>) => Promise<Response>;

/** Headers of the navigation that must not reach the GraphQL request (they describe the page's request, not the query). */
const NOT_FORWARDED = new Set([
  'content-length',
  'content-type',
  'accept',
  'accept-encoding',
  'if-none-match',
  'if-modified-since',
  'range',
  'upgrade-insecure-requests',
]);

/**
 * Asks one document with the navigation's own headers (its cookies, its forwarding headers), as the
 * page's client would (its CSRF header, the persisted hash). A GET: the GraphQL server runs no
 * mutation from a GET, so a manifest naming one cannot make a page's load change anything.
 * Undefined when the answer is not a plain success with data (no session, refused, rate limited,
 * any top-level field null): the page then asks itself and handles it as always.
 */
export async function preloadOne(
  dispatch: Dispatch,
  navigation: Request,
  serverContext: Record<string, unknown>,
  entry: PreloadEntry,
  timeoutMs: number,
): Promise<PreloadedResult | undefined> {
  const headers = new Headers();
  navigation.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name) && !name.startsWith('sec-fetch-')) headers.set(name, value);
  });
  headers.set('accept', 'application/graphql-response+json, application/json');
  headers.set('x-graphql-csrf', '1');
  const variables = resolveVariables(entry);
  const url = new URL(GRAPHQL_PATH, navigation.url);
  url.search = new URLSearchParams({
    variables: JSON.stringify(variables),
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: entry.documentId } }),
  }).toString();
  // Ended when the navigation is (the visitor left) or at the deadline: a page sent without the
  // answer leaves no query running behind it.
  const signal = AbortSignal.any([navigation.signal, AbortSignal.timeout(timeoutMs)]);
  const request = new Request(url, { method: 'GET', headers, signal });
  // A fresh context holding only the connection (the client's address for rate limits and logs): no state of the navigation's own handling.
  const response = await dispatch(request, { req: serverContext.req, waitUntil: serverContext.waitUntil });
  if (response.status !== 200) {
    await response.body?.cancel();
    return undefined;
  }
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
  if (!body.data || Object.values(body.data).some((value) => value === null)) return undefined;
  return { documentId: entry.documentId, variables, data: body.data, ...(body.errors?.length ? { errors: body.errors } : {}) };
}
