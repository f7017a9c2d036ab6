import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PORTAL_DIST } from '../../scripts/portal-build.ts';

/** An old phone on a slow network: the first load's JavaScript stays small. */
const FIRST_LOAD_JS_BUDGET_GZIP = 150 * 1024;

describe('the portal’s weight', () => {
  // Built by the test run's global setup (test/portal-setup.ts).
  it('the JavaScript of the first load is at most 150 KB gzip', () => {
    const html = readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8');
    // Every script the page loads first: its module entry, and what it preloads.
    const scripts = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((total, src) => total + gzipSync(readFileSync(join(PORTAL_DIST, src))).length, 0);
    expect(gzipped).toBeLessThanOrEqual(FIRST_LOAD_JS_BUDGET_GZIP);
  });

  it('the page has no inline script or style (the Content-Security-Policy forbids them)', () => {
    const html = readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b|\sstyle="/);
  });
});
