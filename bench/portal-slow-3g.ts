/**
 * `npm run bench:portal`: how long the guardian's home takes to become usable in Chromium under
 * network throttling, against the embedded hub (its own PostgreSQL in a temporary folder). The
 * guardian logs in at full speed; then the page is loaded again, throttled, and timed from the
 * navigation to the moment the first child's card shows its timetable (« interactive »: its
 * buttons work from then on). Three profiles: DevTools' classic « Slow 3G » (2,000 ms of latency per
 * request, 400 kbit/s), « Fast 3G » (562.5 ms, 1.44 Mbit/s), and no throttling. Prints JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedHub } from '../hub/embedded-hub.ts';
import { createLogger } from '../lib/logger.ts';
import { ensurePortalBuilt, PORTAL_DIST, PORTAL_PERSISTED_DOCUMENTS } from '../scripts/portal-build.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';

/** Chrome DevTools' presets (throughput in bytes per second, latency in ms added to each request). */
const PROFILES = {
  'slow-3g': { latency: 2000, downloadThroughput: (500 * 1000 * 0.8) / 8, uploadThroughput: (500 * 1000 * 0.8) / 8 },
  'fast-3g': { latency: 562.5, downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8, uploadThroughput: (750 * 1000 * 0.9) / 8 },
  none: { latency: 0, downloadThroughput: -1, uploadThroughput: -1 },
} as const;

const RUNS = 3;
const log = createLogger('bench-portal', 'warn');
await ensurePortalBuilt(log);
const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-portal-'));
const hub = await startEmbeddedHub({
  dataDir,
  ...FREE_PORTS,
  log,
  routerOverrides: { staticSiteDir: PORTAL_DIST, trustedDocuments: { manifestPaths: [PORTAL_PERSISTED_DOCUMENTS], allowArbitrary: false } },
});
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  // Log in at full speed (the provider's pages are not the portal's).
  await page.goto(`${hub.router.publicUrl}/`);
  await page.getByRole('link', { name: /EduConnect/ }).click();
  await page.getByLabel('Identifiant').fill('sophie.martin');
  await page.getByLabel('Mot de passe').fill(hub.logins.find((l) => l.login === 'sophie.martin')!.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('article.card .timetable').first().waitFor({ timeout: 60_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const results: Record<string, { runsMs: number[]; medianMs: number }> = {};
  for (const [name, conditions] of Object.entries(PROFILES)) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
    const runsMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A first visit: nothing cached by the browser.
      await cdp.send('Network.clearBrowserCache');
      const started = performance.now();
      await page.goto(`${hub.router.publicUrl}/`, { waitUntil: 'commit' });
      await page.locator('article.card .timetable').first().waitFor({ timeout: 120_000 });
      runsMs.push(Math.round(performance.now() - started));
    }
    results[name] = { runsMs, medianMs: [...runsMs].sort((a, b) => a - b)[Math.floor(RUNS / 2)]! };
  }
  process.stdout.write(`${JSON.stringify({ page: 'guardian home (3 children)', viewport: '360x780', results }, null, 2)}\n`);
} finally {
  await browser.close();
  await hub.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
