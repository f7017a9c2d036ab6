import { describe, expect, it } from 'vitest';
import { dayIn, jsonForScriptElement, pageWithPreload, PreloadManifest, resolveVariables } from './static-site-preload.ts';

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
