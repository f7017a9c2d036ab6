import { describe, expect, it } from 'vitest';
import { dayIn, isPreloadNavigation, jsonForScriptElement, pageWithPreload, preloadOne, PreloadManifest, resolveVariables } from './static-site-preload.ts';

const PAGE = '<!doctype html><html><head><script type="module" src="/assets/index.js"></script></head><body><div id="app"></div></body></html>';

describe('the answers embedded in a page', () => {
  const hostile = {
    displayName: 'Zoé </script><script>alert(1)</script> <!-- --> & </SCRIPT >',
    note: 'line\u2028separator\u2029paragraph',
  };

  it('cannot end their script element, open a comment or a new script: a display name holding « </script> » stays data', () => {
    const html = pageWithPreload(PAGE, 'portal-preload', [{ documentId: 'sha256:x', variables: {}, data: { viewer: hostile } }]);
    const start = html.indexOf('<script type="application/json" id="portal-preload">');
    const body = html.slice(start);
    // The data element is the only one closed before </body>, and nothing in it opens another.
    expect(body.match(/<\/script/gi)).toHaveLength(1);
    expect(body.match(/<script/gi)).toHaveLength(1);
    expect(body).not.toContain('<!--');
    expect(body).not.toMatch(/[\u2028\u2029]/);
    const text = body.slice(body.indexOf('>') + 1, body.indexOf('</script>'));
    expect(JSON.parse(text)).toEqual([{ documentId: 'sha256:x', variables: {}, data: { viewer: hostile } }]);
    // At the end of the body: the page's own module script still comes first.
    expect(html.indexOf('/assets/index.js')).toBeLessThan(start);
    expect(html.endsWith('</script></body></html>')).toBe(true);
  });

  it('JSON written for a script element reads back the same value', () => {
    expect(JSON.parse(jsonForScriptElement(hostile))).toEqual(hostile);
    expect(jsonForScriptElement('<>&')).toBe('"\\u003c\\u003e\\u0026"');
  });
});

describe('a preload manifest', () => {
  it('computes day variables in the declared time zone, per request', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris.
    const newYear = new Date('2026-12-31T23:30:00Z');
    expect(dayIn('Europe/Paris', 0, newYear)).toBe('2027-01-01');
    expect(dayIn('Europe/Paris', 1, newYear)).toBe('2027-01-02');
    expect(dayIn('UTC', 0, newYear)).toBe('2026-12-31');
    const entry = PreloadManifest.parse({
      elementId: 'portal-preload',
      pages: { '/': [{ documentId: 'sha256:x', variables: { today: { $day: { timeZone: 'Europe/Paris', offset: 0 } }, first: 20 } }] },
    }).pages['/']![0]!;
    expect(resolveVariables(entry, newYear)).toEqual({ today: '2027-01-01', first: 20 });
  });

  it('is refused when it names an element id that could break out of its attribute, or too many documents for a page', () => {
    expect(PreloadManifest.safeParse({ elementId: 'x" onload="alert(1)', pages: {} }).success).toBe(false);
    const many = Array.from({ length: 5 }, () => ({ documentId: 'sha256:x' }));
    expect(PreloadManifest.safeParse({ elementId: 'ok', pages: { '/': many } }).success).toBe(false);
  });
});

describe('which requests get a preload', () => {
  const request = (headers: Record<string, string>, method = 'GET') => new Request('https://hub.example/', { method, headers });
  const navigation = { cookie: 'hub_session=x', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' };

  it('a person opening the page, or a client that sends no Sec-Fetch headers, with a cookie', () => {
    expect(isPreloadNavigation(request(navigation))).toBe(true);
    expect(isPreloadNavigation(request({ cookie: 'hub_session=x' }))).toBe(true);
  });

  it('never a page nobody may see: prefetches and prerenders, frames, fetches, HEAD, or no cookie', () => {
    expect(isPreloadNavigation(request({ ...navigation, 'sec-purpose': 'prefetch' }))).toBe(false);
    expect(isPreloadNavigation(request({ ...navigation, 'sec-purpose': 'prefetch;prerender' }))).toBe(false);
    expect(isPreloadNavigation(request({ ...navigation, purpose: 'prefetch' }))).toBe(false);
    expect(isPreloadNavigation(request({ ...navigation, 'sec-fetch-dest': 'iframe' }))).toBe(false);
    expect(isPreloadNavigation(request({ ...navigation, 'sec-fetch-mode': 'no-cors' }))).toBe(false);
    expect(isPreloadNavigation(request({ ...navigation, 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' }))).toBe(false);
    expect(isPreloadNavigation(request(navigation, 'HEAD'))).toBe(false);
    expect(isPreloadNavigation(request({ 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' }))).toBe(false);
  });

  it('ends its query when the visitor leaves: the request it runs is aborted with the navigation', async () => {
    const left = new AbortController();
    const page = new Request('https://hub.example/', { headers: { cookie: 'hub_session=x' }, signal: left.signal });
    let asked: Request | undefined;
    const dispatch = (graphql: Request) => {
      asked = graphql;
      // Answers only when its request is aborted, as a slow subgraph behind it would.
      return new Promise<Response>((_, reject) => graphql.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const entry = PreloadManifest.parse({ elementId: 'p', pages: { '/': [{ documentId: 'sha256:x' }] } }).pages['/']![0]!;
    const preload = preloadOne(dispatch, page, {}, entry, 60_000);
    left.abort();
    await expect(preload).rejects.toBeDefined();
    expect(asked!.signal.aborted).toBe(true);
  });
});
