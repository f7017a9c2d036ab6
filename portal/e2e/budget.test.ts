import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { staticSiteCsp } from '../../router/plugins/use-static-site.ts';
import { PORTAL_DIST } from '../../scripts/portal-build.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An old phone on a slow network: the first load's JavaScript stays small. */
const FIRST_LOAD_JS_BUDGET_GZIP = 150 * 1024;

describe('the portal’s weight', () => {
  // Built by the test run's global setup (test/portal-setup.ts).
  it('the JavaScript of the first load is at most 150 KB gzip', () => {
    const html = readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8');
    // Every script the page loads first: its inlined entry (build/inline-entry.ts), any module it loads, and what it preloads.
    const inline = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const scripts = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) =>
      readFileSync(join(PORTAL_DIST, m[1]!), 'utf8'),
    );
    expect(inline.length + scripts.length).toBeGreaterThan(0);
    const gzipped = [...inline, ...scripts].reduce((total, code) => total + gzipSync(code).length, 0);
    expect(gzipped).toBeLessThanOrEqual(FIRST_LOAD_JS_BUDGET_GZIP);
  });

  it('what the tests and the benchmark measure is the production build (no Preact debug code, no development JSX)', () => {
    const html = readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8');
    // The development JSX transform records each element's source file and line; preact/debug checks them.
    expect(html).not.toMatch(/__source|lineNumber/);
  });

  it('the page’s only inline script and style are the entry’s, each allowed by its hash in the policy, never by unsafe-inline', () => {
    const html = readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8');
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const inlineStyles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(inlineScripts).toHaveLength(1);
    expect(inlineStyles).toHaveLength(1);
    const csp = staticSiteCsp(html);
    expect(csp).not.toContain('unsafe-inline');
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toMatch(new RegExp(`script-src 'self' ${escapeRegExp(hash(inlineScripts[0]!))};`));
    expect(csp).toMatch(new RegExp(`style-src 'self' ${escapeRegExp(hash(inlineStyles[0]!))};`));
    // No style attribute anywhere (those cannot be allowed by a hash without 'unsafe-hashes').
    expect(html).not.toMatch(/\sstyle="/);
  });
});
