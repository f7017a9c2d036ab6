import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/helpers/browser.ts';
import { startRouterHarness, type RouterHarness } from '../../test/helpers/router-harness.ts';
import { graphiqlBundleInstalled } from './graphiql.ts';

/**
 * GraphiQL on a network without internet (where many académie servers sit): every request that does
 * not go to the router itself is refused, as an offline network would, and the page must still work.
 * Skipped, and saying why, only while the package that ships GraphiQL's code is not installed.
 */
describe.skipIf(!graphiqlBundleInstalled())('GraphiQL with the network cut', () => {
  let hub: RouterHarness;
  let browser: Browser;
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startRouterHarness(), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  /**
   * A page whose requests outside the router's origin fail; what it tried, and what its policy refused
   * (`securitypolicyviolation`, recorded by a script the browser adds, which the page's policy does not govern).
   */
  async function offlinePage(): Promise<{ page: Page; outside: string[]; refused: () => Promise<string[]> }> {
    const page = await browser.newPage();
    const origin = new URL(hub.router.url).origin;
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      outside.push(url);
      return route.abort('internetdisconnected');
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { refusedByPolicy: seen });
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    const refused = () => page.evaluate(() => (window as unknown as { refusedByPolicy: string[] }).refusedByPolicy);
    return { page, outside, refused };
  }

  it('renders from the router’s own origin and runs { __typename }', async () => {
    const { page, outside, refused } = await offlinePage();
    const response = await page.goto(hub.router.graphqlUrl);
    expect(response?.status()).toBe(200);
    // The query editor is up once GraphiQL's code ran (a blank page otherwise).
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ __typename');
    // GraphiQL's own shortcut to run (the schema's completions, the GraphQL worker at work, cover the button).
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(() => page.locator('.graphiql-response').innerText(), { timeout: 15_000 }).toMatch(/"__typename":\s*"Query"/);
    expect(outside).toEqual([]);
    // Nothing refused but Monaco's one generated style element (a list's focus colours: cosmetic).
    expect((await refused()).filter((r) => !r.startsWith('style-src-elem inline'))).toEqual([]);
    await page.close();
  }, 60_000);

  it('serves the page with a strict Content-Security-Policy: scripts and style sheets from this origin only', async () => {
    const page = await fetch(hub.router.graphqlUrl, { headers: { accept: 'text/html' } });
    const csp = page.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
        .map(([name, ...values]) => [name, values.join(' ')]),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    // Inline only for style attributes (Monaco's selections); nothing from another origin anywhere.
    expect([...directives].filter(([, values]) => values.includes('unsafe')).map(([name]) => name)).toEqual(['style-src-attr']);
    expect(csp).not.toMatch(/https?:|\*/);
    expect(await page.text()).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });
});
