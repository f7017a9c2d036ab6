import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayNameOf, type Student } from '../../connectors/directory/model.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../../hub/embedded-hub.ts';
import { loginFlow } from '../../hub/login-flow.ts';
import { parisWallClock } from '../../lib/french-dates.ts';
import { addDays } from '../../lib/iso-days.ts';
import { createLogger } from '../../lib/logger.ts';
import { preloadOne } from '../../router/plugins/static-site-preload.ts';
import { staticSiteCsp } from '../../router/plugins/use-static-site.ts';
import { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import { PORTAL_DIST, PORTAL_PERSISTED_DOCUMENTS } from '../../scripts/portal-build.ts';
import { launchChromium } from '../../test/helpers/browser.ts';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession } from '../../test/helpers/hub-session.ts';
import { until } from '../../test/helpers/until.ts';

/** Where the screenshots of each person's home go (kept by CI as artifacts). */
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'portal');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it is now: the violations, named. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  // Through the DevTools protocol: the page's own CSP (no inline script) rightly refuses a script tag.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  });
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the portal in a real browser', () => {
  /** A teacher of the demo académie (their login depends on the generated names). */
  const teacherLogin = () => hub.academie.demo.find((d) => d.profile === 'teacher')!.login;
  /** A demo account by what it is (« teacher of … 5EA », « principal, … »). */
  const demo = (description: RegExp) => hub.academie.demo.find((d) => description.test(d.description))!;

  let hub: EmbeddedHub;
  let browser: Browser;

  beforeAll(async () => {
    const log = createLogger('portal-e2e', 'silent');
    // portal/dist is built by the test run's global setup (test/portal-setup.ts).
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-portal-')),
      ...(await testHubOptions()),
      log,
      // The notifications' change detector and passes run when a test says (the first detection is a baseline).
      notifications: { schedule: { tickMs: 0, detect: false } },
      // As in production: the portal's registered operations, and nothing else.
      routerOverrides: { staticSiteDir: PORTAL_DIST, trustedDocuments: { manifestPaths: [PORTAL_PERSISTED_DOCUMENTS], allowArbitrary: false } },
    });
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  /**
   * On the hub's login page: chooses the person's provider and, when the provider asks (no session of its own
   * yet), types the person's login and password in its form; ends back on the portal at `path`.
   */
  async function completeLogin(page: Page, login: string, path: string): Promise<void> {
    // Families through EduConnect, staff through the académie's agents' provider.
    const account = hub.logins.find((l) => l.login === login)!;
    await page.getByRole('link', { name: account.idp === 'agents' ? /Agents/ : /EduConnect/ }).click();
    const hubOrigin = new URL(hub.router.publicUrl).origin;
    const backOnPortal = (url: URL) => url.origin === hubOrigin && url.pathname === path;
    const form = page.getByLabel('Identifiant');
    await Promise.race([form.waitFor(), page.waitForURL(backOnPortal)]);
    if (await form.isVisible().catch(() => false)) {
      await form.fill(login);
      await page.getByLabel('Mot de passe').fill(account.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
    }
    await page.waitForURL(backOnPortal);
  }

  /** Opens the portal and logs in through the EduConnect stand-in's own form, as a parent would. */
  async function logIn(login: string, path = '/'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 360, height: 780 } });
    // No session: the portal sends the browser to the login, which lists the identity providers.
    await page.goto(new URL(path, hub.router.publicUrl).href);
    await completeLogin(page, login, path);
    return page;
  }

  // First, before anything is in the vie scolaire subgraph's cache (which rightly serves a school's data while it is down).
  it('when one school’s system is down, that card says so in plain French and the others show', async () => {
    const college = hub.vieScolaire.standins[0]!;
    college.faults.errorRate = 1;
    try {
      const page = await logIn('sophie.martin');
      await expect.poll(() => page.locator('article.card').count(), { timeout: 20_000 }).toBe(3);
      const warnings = page.locator('article.card .notice-warning');
      await expect.poll(() => warnings.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      expect(await warnings.first().innerText()).toMatch(/^Vie scolaire indisponible pour /);
      // The lycée's card (Chloé) still shows its timetable.
      const chloe = page.locator('article.card').filter({ hasText: /Chloé/ });
      expect(await chloe.locator('.notice-warning').count()).toBe(0);
      expect(await chloe.locator('.timetable').count()).toBe(1);
      await page.close();
    } finally {
      college.faults.errorRate = 0;
    }
  });

  it('a guardian logs in and sees one card per child, across two schools, with no accessibility violation', async () => {
    const page = await logIn('sophie.martin');
    const cards = page.locator('article.card');
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(3);
    const headings = await page.locator('article.card h2').allInnerTexts();
    expect(headings.join('\n')).toMatch(/Léa MARTIN/i);
    expect(headings.join('\n')).toMatch(/Chloé MARTIN/i);
    // Two schools: the collège and the lycée.
    const schools = new Set(headings.map((h) => /,\s*([^;]+)$/.exec(h)?.[1]?.trim()));
    expect(schools.size).toBeGreaterThanOrEqual(2);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'guardian-home.png') });
    await page.close();
  });

  it('serves the portal with a strict Content-Security-Policy, and only the registered operations run', async () => {
    const page = await browser.newPage();
    const response = await page.goto(new URL('/agenda', hub.router.publicUrl).href);
    const csp = response?.headers()['content-security-policy'];
    // The built page's own inline script and style, by hash; nothing else inline.
    expect(csp).toBe(staticSiteCsp(readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8')));
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/script-src 'self' 'sha256-[\w+/=]+'(;|$)/);
    await page.close();
    // A document the portal did not register is refused, even well formed.
    const arbitrary = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(JSON.stringify(await arbitrary.json())).toMatch(/PERSISTED_QUERY_ONLY|persisted/i);
  });

  it('a guardian justifies an absence with a PDF and watches it reach « Acceptée »', async () => {
    const page = await logIn('sophie.martin');
    // Chloé's, at the lycée (whose system stayed up).
    const card = page.locator('article.card').filter({ hasText: /Chloé/ });
    const item = card
      .locator('ul.absences > li')
      .filter({ has: page.getByRole('button', { name: 'Justifier' }) })
      .first();
    const justify = item.getByRole('button', { name: 'Justifier' });
    await justify.waitFor({ timeout: 20_000 });
    const when = await item.locator('p').first().innerText();
    await justify.click();
    // The same absence, found by its dates (its « Justifier » button gave way to the form).
    const followed = card.locator('ul.absences > li').filter({ hasText: when });
    await followed.getByLabel('Motif').selectOption('Rendez-vous médical');
    await followed.getByLabel('Commentaire (facultatif)').fill('Certificat joint');
    await followed.getByLabel(/Justificatif/).setInputFiles({ name: 'certificat.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF, 'base64') });
    await followed.getByRole('button', { name: 'Envoyer la justification' }).click();
    // Now followed: PENDING or SENT first, then ACCEPTED as the page asks again.
    await expect.poll(() => followed.locator('.state').innerText(), { timeout: 40_000 }).toMatch(/Acceptée/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('a pupil marks a homework done and hands in a file', async () => {
    const page = await logIn('lea.martin');
    const homework = page.locator('ul.homework > li');
    await homework.first().waitFor({ timeout: 20_000 });
    // Tick one not done yet: the page asks again and it stays ticked.
    const notDone = homework.filter({ has: page.getByRole('checkbox', { name: 'Fait', checked: false }) }).first();
    const subject = await notDone.locator('.subject').innerText();
    const due = await notDone.locator('p').first().innerText();
    await notDone.getByRole('checkbox', { name: 'Fait' }).check();
    const ticked = homework.filter({ hasText: due });
    await expect.poll(() => ticked.getByRole('checkbox', { name: 'Fait' }).isChecked(), { timeout: 20_000 }).toBe(true);
    expect(subject).not.toBe('');
    // Hand in a file where the teacher expects one online.
    const toHandIn = homework.filter({ has: page.getByLabel(/Fichier à rendre/) }).first();
    const which = await toHandIn.locator('p').first().innerText();
    await toHandIn.getByLabel(/Fichier à rendre/).setInputFiles({ name: 'copie.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF, 'base64') });
    await toHandIn.getByRole('button', { name: 'Rendre', exact: true }).click();
    await expect
      .poll(() => homework.filter({ hasText: which }).locator('.state').innerText(), { timeout: 30_000 })
      .toMatch(/Rendu : copie\.pdf — (en attente d’envoi|reçu par l’établissement|accepté)/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'pupil-home.png') });
    await page.close();
  }, 60_000);

  it('an ended session sends the person to the login, then back to the page they were on', async () => {
    const page = await logIn('sophie.martin', '/mes-donnees');
    await page.getByRole('heading', { name: 'Mes connexions' }).waitFor({ timeout: 20_000 });
    // The session ends elsewhere (another device's « Déconnecter tous les autres appareils », an expiry).
    const sophie = hub.logins.find((l) => l.login === 'sophie.martin')!.personId;
    for (const session of await hub.router.sessions.listByPerson(sophie)) await hub.router.sessions.delete(session.id);
    await page.getByRole('link', { name: 'Agenda' }).click();
    await page.waitForURL((url) => url.pathname === '/auth/login');
    expect(new URL(page.url()).searchParams.get('return_to')).toBe('/agenda');
    await completeLogin(page, 'sophie.martin', '/agenda');
    await page.getByRole('heading', { name: 'Agenda dans mon téléphone' }).waitFor();
    await page.close();
  }, 60_000);

  it('every page of each person is free of accessibility violations, and usable with the keyboard alone', async () => {
    for (const [login, pages] of [
      ['sophie.martin', ['/', '/agenda', '/mes-donnees', '/notifications', '/notifications/preferences']],
      ['lea.martin', ['/', '/agenda', '/notifications']],
      [teacherLogin(), ['/', '/mes-donnees', '/agenda', '/notifications/preferences']],
    ] as const) {
      const page = await logIn(login);
      for (const path of pages) {
        await page.goto(new URL(path, hub.router.publicUrl).href);
        await page.locator('main .card, main .notice').first().waitFor({ timeout: 20_000 });
        expect(await accessibilityViolations(page), `${login} ${path}`).toEqual([]);
        if (login === teacherLogin() && path === '/') await page.screenshot({ path: join(ARTIFACTS, 'teacher-home.png') });
      }
      await page.close();
    }
    // Keyboard only: skip link, then to the calendar page, create an address, and read it.
    const page = await logIn('lea.martin', '/agenda');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu');
    const create = page.getByRole('button', { name: /Créer une adresse pour/ });
    await create.waitFor({ timeout: 20_000 });
    for (let i = 0; i < 20 && !(await create.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    // The focus is visible: an outline on the focused control.
    expect(await create.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    const address = page.getByRole('textbox', { name: 'Adresse de l’agenda' });
    await address.waitFor({ timeout: 20_000 });
    expect(await address.inputValue()).toMatch(/^http:\/\/.+\/calendar\/[\w-]+\.ics$/);
    await page.close();
  }, 120_000);

  it('the separated father without legal authority sees no child', async () => {
    const page = await logIn('marc.bernard');
    await page.getByText(/Aucun enfant n’est rattaché à votre compte/).waitFor({ timeout: 20_000 });
    expect(await page.locator('article.card').count()).toBe(0);
    expect(await page.content()).not.toMatch(/Lucas/);
    await page.close();
  });

  // Claire BERNARD's son was never shown before: nothing in the GAR client's cache to answer with.
  it('the GAR down: the child’s card says its digital resources are unavailable, and only that', async () => {
    hub.gar.standin.faults.errorRate = 1;
    try {
      const page = await logIn('claire.bernard');
      const card = page.locator('article.card').filter({ hasText: /Lucas/ });
      const resources = card.locator('section').filter({ has: page.getByRole('heading', { name: 'Ressources numériques' }) });
      await resources.getByText(/^Ressources numériques indisponibles/).waitFor({ timeout: 20_000 });
      // The rest of the card shows, without the vie scolaire's warning.
      expect(await card.getByText(/Vie scolaire indisponible/).count()).toBe(0);
      expect(await card.locator('.timetable').count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.close();
    } finally {
      hub.gar.standin.faults.errorRate = 0;
    }
  });

  // After the GAR's test above: Claire BERNARD's home is shown here (the GAR client's cache is filled).
  describe('the home’s first answer comes with the page (router/plugins/static-site-preload.ts)', () => {
    /** A person's session cookie, through the real login flow. */
    const cookieOf = async (login: string) => {
      const account = hub.logins.find((l) => l.login === login)!;
      const result = await loginFlow({ routerUrl: hub.router.publicUrl, idp: account.idp, login, password: account.password, transport: 'cookie' });
      if (result.kind !== 'cookie') throw new Error(`login ${login}: ${result.kind}`);
      return result.cookie;
    };
    /** The page `/` as a browser's navigation gets it, and what it embeds (undefined: nothing). */
    const home = async (headers: Record<string, string>) => {
      // undici's `request`, not `fetch`: fetch always says `Sec-Fetch-Mode: cors`, which no navigation does.
      const answer = await request(new URL('/', hub.router.publicUrl), {
        headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', ...headers },
      });
      const html = await answer.body.text();
      const response = {
        status: answer.statusCode,
        headers: new Headers(Object.entries(answer.headers).flatMap(([name, value]) => [value ?? []].flat().map((v): [string, string] => [name, v]))),
      };
      const embedded = /<script type="application\/json" id="portal-preload">([^<]*)<\/script>/.exec(html)?.[1];
      type Embedded = { data: { viewer: { person: { displayName: string }; children: { id: string; displayName: string }[] } } }[];
      return { response, html, embedded: embedded === undefined ? undefined : (JSON.parse(embedded) as Embedded) };
    };
    const guardianHomeHash = () =>
      Object.entries(JSON.parse(readFileSync(PORTAL_PERSISTED_DOCUMENTS, 'utf8')) as Record<string, string>).find(([, text]) =>
        text.includes('query GuardianHome('),
      )![0];

    it('a guardian’s home shows its cards without asking the graph for them: the answer is in the page', async () => {
      const page = await logIn('sophie.martin');
      await page.locator('article.card .timetable').first().waitFor({ timeout: 20_000 });
      const asked: string[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/graphql') asked.push(request.postData() ?? '');
      });
      await page.goto(new URL('/', hub.router.publicUrl).href);
      await expect.poll(() => page.locator('article.card .timetable').count(), { timeout: 20_000 }).toBe(3);
      expect(asked.filter((body) => body.includes(guardianHomeHash()))).toEqual([]);
      // Rendered by the application (the element is read, then removed), and it works: a justification form opens.
      expect(await page.locator('#portal-preload').count()).toBe(0);
      const justify = page.getByRole('button', { name: /^Justifier/ }).first();
      await justify.click();
      await page.getByLabel(/Motif/).first().waitFor({ timeout: 10_000 });
      await page.close();
    });

    it('the page’s inlined code runs under the policy, and a lazy page shares it (one application, no violation)', async () => {
      const page = await logIn('sophie.martin');
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(new URL('/', hub.router.publicUrl).href);
      await expect.poll(() => page.locator('article.card').count(), { timeout: 20_000 }).toBe(3);
      // A page loaded later (its own chunk, importing from the entry's URL), reached through the application's own navigation.
      await page.getByRole('link', { name: 'Agenda' }).click();
      await page.getByRole('heading', { name: 'Agenda de l’établissement' }).waitFor({ timeout: 20_000 });
      // The navigation was the application's (no reload), and its state is still one: the header's name stayed.
      expect(await page.locator('header .who').innerText()).toMatch(/Sophie/i);
      await page.getByRole('link', { name: 'Accueil' }).click();
      await expect.poll(() => page.locator('article.card').count(), { timeout: 20_000 }).toBe(3);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('each person’s page embeds their own data only, never stored by a cache', async () => {
      const sophie = await home({ cookie: await cookieOf('sophie.martin') });
      const claire = await home({ cookie: await cookieOf('claire.bernard') });
      expect(sophie.embedded?.[0]?.data.viewer.person.displayName).toMatch(/Sophie/i);
      expect(claire.embedded?.[0]?.data.viewer.person.displayName).toMatch(/Claire/i);
      const sophiesChildren = sophie.embedded![0]!.data.viewer.children;
      expect(sophiesChildren).toHaveLength(3);
      for (const child of sophiesChildren) expect(claire.html).not.toContain(child.id);
      expect(claire.embedded![0]!.data.viewer.children.map((c) => c.displayName)).toEqual([expect.stringMatching(/Lucas/)]);
      for (const page of [sophie, claire]) {
        expect(page.response.headers.get('cache-control')).toBe('no-store');
        expect(page.response.headers.get('vary')).toMatch(/\bCookie\b/);
        expect(page.response.headers.get('content-security-policy')).toBe(staticSiteCsp(readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8')));
      }
    });

    it('what a page preloads is only ever read: a manifest naming a mutation gets nothing, and changes nothing', async () => {
      const documents = Object.entries(JSON.parse(readFileSync(PORTAL_PERSISTED_DOCUMENTS, 'utf8')) as Record<string, string>);
      const mutation = documents.find(([, text]) => text.startsWith('mutation SetHomeworkDone('))![0];
      const cookie = await cookieOf('lea.martin');
      const navigation = new Request(new URL('/', hub.router.publicUrl), { headers: { cookie, 'sec-fetch-dest': 'document' } });
      // The router's real GraphQL endpoint, over HTTP, with exactly the request the static site builds.
      const statuses: number[] = [];
      const dispatch = async (request: Request) => {
        const response = await fetch(request);
        statuses.push(response.status);
        return response;
      };
      const entry = (documentId: string, variables: Record<string, string | boolean>) => ({ documentId, variables });
      expect(await preloadOne(dispatch, navigation, {}, entry(mutation, { homeworkId: 'any', done: true }), 5_000)).toBeUndefined();
      expect(statuses[0]).toBe(405);
      const read = await preloadOne(dispatch, navigation, {}, entry(guardianHomeHash(), { today: '2026-11-24', tomorrow: '2026-11-25' }), 5_000);
      expect(read?.data).toMatchObject({ viewer: { profile: 'STUDENT', children: [] } });
    });

    it('no session, an unknown session, or a request that is not a navigation: the page carries no data', async () => {
      const cookie = await cookieOf('sophie.martin');
      const requests: Record<string, string>[] = [
        {},
        { cookie: cookie.replace(/=.*/, '=not-a-session') },
        { cookie, 'sec-fetch-dest': 'empty' },
        { cookie, 'sec-fetch-dest': 'iframe' },
        { cookie, 'sec-purpose': 'prefetch' },
      ];
      for (const headers of requests) {
        const page = await home(headers);
        expect(page.response.status).toBe(200);
        expect(page.embedded).toBeUndefined();
        expect(page.html).not.toMatch(/Sophie|Léa|Chloé/);
      }
    });
  });

  it('a guardian’s card lists the child’s digital resources (GAR), each opening in a new tab', async () => {
    const page = await logIn('sophie.martin');
    const lea = page.locator('article.card').filter({ hasText: /Léa MARTIN/ });
    const link = lea.getByRole('link', { name: /Mathématiques 5e - manuel numérique Sésamath/ });
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('href')).toMatch(/^https:\/\//);
    // Said to screen readers: it opens a new tab.
    expect(await link.innerText()).toMatch(/nouvel onglet/);
    // The publisher beside it; the lycée's catalogue on Chloé's card, not the collège's textbook.
    expect(await link.locator('xpath=..').innerText()).toMatch(/ · \S/);
    const chloe = page.locator('article.card').filter({ hasText: /Chloé MARTIN/ });
    expect(await chloe.locator('ul.resources li').count()).toBeGreaterThan(0);
    expect(await chloe.getByRole('link', { name: /Mathématiques 5e - manuel numérique Sésamath/ }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.close();
  });

  it('a pupil’s home lists her digital resources (GAR), each opening in a new tab', async () => {
    const page = await logIn('lea.martin');
    const card = page.locator('article.card').filter({ has: page.getByRole('heading', { name: 'Ressources numériques' }) });
    const link = card.getByRole('link', { name: /Mathématiques 5e - manuel numérique Sésamath/ });
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.getByText(/Vie scolaire indisponible/).count()).toBe(0);
    await page.close();
  });

  it('nothing about the person is kept in the browser’s storage, and the session cookie is out of the page’s reach', async () => {
    const page = await logIn('sophie.martin');
    await expect.poll(() => page.locator('article.card').count(), { timeout: 20_000 }).toBe(3);
    const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
    await page.close();
  });

  describe('the messaging (issue 15)', () => {
    const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    /** « Messagerie (3) » in the navigation: the number shown, 0 when none. */
    const unreadShown = async (page: Page) => {
      const text = await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: /^Messagerie/ })
        .innerText();
      return Number(/\((\d+)\)/.exec(text)?.[1] ?? 0);
    };
    /** Picks a recipient in the compose page: types, waits for the offer, chooses it; it shows as a removable chip. */
    async function pickRecipient(page: Page, typed: string, offered: RegExp): Promise<void> {
      await page.getByLabel('Chercher une personne ou une liste').fill(typed);
      const option = page.getByRole('list', { name: 'Destinataires trouvés' }).getByRole('button', { name: offered }).first();
      await option.waitFor({ timeout: 20_000 });
      await option.click();
      await page
        .getByRole('list', { name: 'Destinataires choisis' })
        .getByRole('button', { name: /^Retirer / })
        .first()
        .waitFor();
    }

    it('a guardian writes to her child’s teacher from the portal; the teacher sees it unread, opens it; the guardian then reads « Lu par 1 sur 1 »', async () => {
      // Léa's class (5EA) is taught by the collège's demo teacher of the lower levels.
      const teacher = demo(/teacher of .*5EA/);
      const teacherPerson = (await hub.academie.directory.people([teacher.id]))[0]!;
      const teacherName = displayNameOf(teacherPerson);
      const subject = `Rendez-vous ${Date.now()}`;

      const guardian = await logIn('sophie.martin', '/messages/new');
      await pickRecipient(guardian, teacherPerson.lastName, new RegExp(`^${escapeRegExp(teacherName)} · enseignant`));
      await guardian.getByLabel('Objet').fill(subject);
      await guardian.getByLabel('Message', { exact: true }).fill('Bonjour,\n\nPourrions-nous nous voir <jeudi> & vendredi ?\nMerci.');
      // A parent asks no signature: the mot is for teachers and staff.
      expect(await guardian.getByLabel('Mot à signer').count()).toBe(0);
      expect(await accessibilityViolations(guardian), '/messages/new').toEqual([]);
      await guardian.screenshot({ path: join(ARTIFACTS, 'messaging-compose.png') });
      await guardian.getByRole('button', { name: 'Envoyer' }).click();
      await guardian.waitForURL((url) => /^\/messages\/(?!new$)[^/]+$/.test(url.pathname), { timeout: 20_000 });
      const sentUrl = guardian.url();
      await guardian.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
      // The text as typed: its « < » and « & » are text, not markup.
      expect(await guardian.locator('.message .body').innerText()).toBe('Bonjour,\n\nPourrions-nous nous voir <jeudi> & vendredi ?\nMerci.');
      expect(await guardian.locator('.receipts-count').innerText()).toBe('Lu par 0 sur 1');
      await guardian.getByText('Pas encore lu par 1 personne').click();
      await guardian.getByRole('listitem').filter({ hasText: teacherName }).first().waitFor();
      expect(await accessibilityViolations(guardian), '/messages/:id').toEqual([]);
      await guardian.close();

      // The teacher: the navigation says how many are unread, the message is bold in the inbox.
      const teacherPage = await logIn(teacher.login, '/');
      await expect.poll(() => unreadShown(teacherPage), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      const unreadBefore = await unreadShown(teacherPage);
      await teacherPage.getByRole('link', { name: /^Messagerie/ }).click();
      const item = teacherPage.locator('ul.messages > li').filter({ hasText: subject });
      await item.waitFor({ timeout: 20_000 });
      expect(await item.getAttribute('class')).toBe('unread');
      expect(await item.locator('.meta').innerText()).toMatch(/^Sophie MARTIN · /);
      expect(await accessibilityViolations(teacherPage), '/messages').toEqual([]);
      await teacherPage.screenshot({ path: join(ARTIFACTS, 'messaging-inbox.png') });
      await item.getByRole('link').click();
      await teacherPage.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
      expect(await teacherPage.locator('dl.meta').innerText()).toMatch(/Sophie MARTIN/);
      // Opened: one fewer unread, and no receipts for a recipient.
      await expect.poll(() => unreadShown(teacherPage), { timeout: 20_000 }).toBe(unreadBefore - 1);
      expect(await teacherPage.locator('.receipts-count').count()).toBe(0);
      // A reply goes to the sender, « Re : » the subject.
      await teacherPage.getByRole('link', { name: 'Répondre' }).click();
      await teacherPage.getByRole('button', { name: 'Retirer Sophie MARTIN' }).waitFor({ timeout: 20_000 });
      expect(await teacherPage.getByLabel('Objet').inputValue()).toBe(`Re : ${subject}`);
      await teacherPage.getByLabel('Message', { exact: true }).fill('Jeudi 17 h, c’est noté.');
      await teacherPage.getByRole('button', { name: 'Envoyer' }).click();
      await teacherPage.getByRole('heading', { name: `Re : ${subject}` }).waitFor({ timeout: 20_000 });
      await teacherPage.close();

      // Back as the guardian: read by her child's teacher; the reply waits in her inbox.
      const back = await logIn('sophie.martin', new URL(sentUrl).pathname);
      await back.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
      expect(await back.locator('.receipts-count').innerText()).toBe('Lu par 1 sur 1');
      expect(await back.getByText(/Pas encore lu par/).count()).toBe(0);
      await back.screenshot({ path: join(ARTIFACTS, 'messaging-read-receipt.png'), fullPage: true });
      await back.goto(new URL('/messages', hub.router.publicUrl).href);
      await back
        .locator('ul.messages > li.unread')
        .filter({ hasText: `Re : ${subject}` })
        .waitFor({ timeout: 20_000 });
      await back.close();
    }, 120_000);

    it('a principal’s mot to « Parents de 5EA »: Sophie MARTIN signs « Vu » for Léa, and its author sees it signed', async () => {
      const principal = demo(/^principal, /);
      const subject = `Sortie au musée ${Date.now()}`;
      const author = await logIn(principal.login, '/messages/new');
      await pickRecipient(author, 'Parents de 5EA', /^Parents de 5EA/);
      await author.getByLabel('Objet').fill(subject);
      await author.getByLabel('Message', { exact: true }).fill('Merci de signer ce mot.');
      await author.getByLabel('Mot à signer').check();
      await author.getByRole('button', { name: 'Envoyer' }).click();
      await author.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
      expect(await author.locator('dl.meta').innerText()).toMatch(/Parents de 5EA/);
      await expect.poll(() => author.locator('.liaison').innerText(), { timeout: 20_000 }).toMatch(/Signé : 0 sur \d+/);
      const authorUrl = author.url();

      const guardian = await logIn('sophie.martin', '/messages');
      const item = guardian.locator('ul.messages > li').filter({ hasText: subject });
      await item.waitFor({ timeout: 20_000 });
      expect(await item.locator('.badge').innerText()).toMatch(/À signer/);
      await item.getByRole('link').click();
      await guardian.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
      // The list's name, never the other families'.
      expect(await guardian.locator('dl.meta').innerText()).toMatch(/Parents de 5EA/);
      expect(await guardian.locator('dl.meta dt').allInnerTexts()).not.toContain('À');
      await guardian.getByRole('button', { name: 'Vu pour Léa MARTIN' }).click();
      const lea = guardian.locator('ul.signatures > li').filter({ hasText: 'Léa MARTIN' });
      await expect.poll(() => lea.innerText(), { timeout: 20_000 }).toMatch(/Léa MARTIN : vu le /);
      expect(await accessibilityViolations(guardian), 'a mot, for a guardian').toEqual([]);
      await guardian.screenshot({ path: join(ARTIFACTS, 'messaging-mot-signed.png'), fullPage: true });
      // To the trash, and back.
      await guardian.getByRole('button', { name: 'Mettre à la corbeille' }).click();
      await guardian.getByText('Ce message est dans la corbeille.').waitFor({ timeout: 20_000 });
      await guardian.goto(new URL('/messages?dossier=corbeille', hub.router.publicUrl).href);
      await guardian.locator('ul.messages > li').filter({ hasText: subject }).getByRole('link').click();
      await guardian.getByRole('button', { name: 'Restaurer' }).click();
      await guardian.getByRole('button', { name: 'Mettre à la corbeille' }).waitFor({ timeout: 20_000 });
      expect(await guardian.getByText('Ce message est dans la corbeille.').count()).toBe(0);
      await guardian.close();

      await author.goto(authorUrl);
      const signed = author.locator('ul.signatures > li').filter({ hasText: 'Léa MARTIN' });
      await expect.poll(() => signed.innerText(), { timeout: 20_000 }).toMatch(/Sophie MARTIN : vu le /);
      expect(await author.locator('.liaison').innerText()).toMatch(/Signé : 1 sur \d+/);
      expect(await accessibilityViolations(author), 'a mot, for its author').toEqual([]);
      // Recalled: the copies nobody opened go (Sophie's, opened, stays). The same message still open on
      // another device: recalling it again there is refused, in French.
      const otherTab = await logIn(principal.login, new URL(authorUrl).pathname);
      await otherTab.getByRole('button', { name: 'Rappeler le message' }).waitFor({ timeout: 20_000 });
      await author.getByRole('button', { name: 'Rappeler le message' }).click();
      await author.getByText(/^Message rappelé : \d+ copies non lues retirées\.$/).waitFor({ timeout: 20_000 });
      await author.getByText('Ce message a été rappelé : les copies non lues ont été retirées.').waitFor({ timeout: 20_000 });
      expect(await author.getByRole('button', { name: 'Rappeler le message' }).count()).toBe(0);
      await otherTab.getByRole('button', { name: 'Rappeler le message' }).click();
      await otherTab.getByRole('alert').filter({ hasText: 'Ce message a déjà été rappelé.' }).waitFor({ timeout: 20_000 });
      await otherTab.close();
      await author.close();
    }, 120_000);

    it('a folder shows 20 messages a page, newest first, « Plus ancien » opens the older ones; a search finds them; one is reported to the direction', async () => {
      // 21 messages from Léa's teacher, sent through the graph with the portal's own registered mutation.
      const documents = Object.entries(JSON.parse(readFileSync(PORTAL_PERSISTED_DOCUMENTS, 'utf8')) as Record<string, string>);
      const sendHash = documents.find(([, document]) => document.startsWith('mutation SendMessage'))![0];
      const bearer = await hubSession(hub).token(demo(/teacher of .*5EA/).login);
      const sophie = hub.logins.find((l) => l.login === 'sophie.martin')!.personId;
      const series = `Série ${Date.now()}`;
      for (let n = 1; n <= 21; n++) {
        const response = await fetch(hub.router.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({
            extensions: { persistedQuery: { version: 1, sha256Hash: sendHash } },
            variables: { input: { to: [sophie], subject: `${series} n° ${n}`, body: '<p>Bonjour.</p>' } },
          }),
        });
        expect((await response.json()) as { errors?: unknown }).not.toHaveProperty('errors');
      }
      const page = await logIn('sophie.martin', '/messages');
      const subjects = () => page.locator('ul.messages > li > a').allInnerTexts();
      const newest = Array.from({ length: 20 }, (_, i) => `${series} n° ${21 - i}`);
      await expect.poll(subjects, { timeout: 20_000 }).toEqual(newest);
      await page.getByRole('button', { name: 'Plus ancien' }).click();
      await expect.poll(async () => (await subjects())[0], { timeout: 20_000 }).toBe(`${series} n° 1`);
      expect(await page.locator('#folder-title').innerText()).toMatch(/page 2/);
      await page.getByRole('button', { name: 'Plus récent' }).click();
      await expect.poll(subjects, { timeout: 20_000 }).toEqual(newest);

      // Search, in every folder: the series' number finds its 21 messages, and nothing else.
      await page.getByRole('searchbox', { name: 'Rechercher dans mes messages' }).fill(series.split(' ')[1]!);
      await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
      await page.getByRole('heading', { name: `Résultats pour « ${series.split(' ')[1]} »` }).waitFor({ timeout: 20_000 });
      await expect.poll(async () => (await subjects()).length, { timeout: 20_000 }).toBe(21);
      expect((await subjects()).every((s) => s.startsWith(`${series} n° `))).toBe(true);
      expect(await accessibilityViolations(page), 'search results').toEqual([]);

      // Reported to the direction, with a reason.
      await page.getByRole('link', { name: `${series} n° 7`, exact: true }).click();
      await page.getByRole('heading', { name: `${series} n° 7` }).waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Signaler à la direction' }).click();
      await page.getByLabel(/Pourquoi signalez-vous ce message/).fill('Vingt et un messages identiques.');
      expect(await accessibilityViolations(page), 'the report form').toEqual([]);
      await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
      await page.getByText('Message signalé à la direction de l’établissement.').waitFor({ timeout: 20_000 });
      await page.close();

      // The collège's principal (the sender's school) finds it among the messages reported.
      const direction = await logIn(demo(/^principal, /).login, '/messages');
      await direction.getByRole('link', { name: 'Messages signalés' }).click();
      const report = direction.locator('ul.reports > li').filter({ hasText: `${series} n° 7` });
      await report.waitFor({ timeout: 20_000 });
      expect(await report.locator('dl.meta').innerText()).toMatch(/Signalé par\s+Sophie MARTIN[\s\S]*Motif\s+Vingt et un messages identiques\./);
      expect(await accessibilityViolations(direction), '/messages/signalements').toEqual([]);
      await direction.close();
      // A teacher is no direction.
      const teacherPage = await logIn(demo(/teacher of .*5EA/).login, '/messages/signalements');
      await teacherPage.getByText('Cette page est réservée à la direction de l’établissement.').waitFor({ timeout: 20_000 });
      await teacherPage.close();
    }, 120_000);

    it('a draft is saved, reopened from « Brouillons » and sent once; the teacher moves it into a new folder of hers', async () => {
      const teacher = demo(/teacher of .*5EA/);
      const teacherPerson = (await hub.academie.directory.people([teacher.id]))[0]!;
      const teacherName = displayNameOf(teacherPerson);
      const subject = `Brouillon ${Date.now()}`;

      const guardian = await logIn('sophie.martin', '/messages/new');
      await pickRecipient(guardian, teacherPerson.lastName, new RegExp(`^${escapeRegExp(teacherName)} · enseignant`));
      await guardian.getByLabel('Objet').fill(subject);
      await guardian.getByLabel('Message', { exact: true }).fill('Première ligne.');
      await guardian.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
      await guardian
        .getByRole('status')
        .filter({ hasText: /^Brouillon enregistré à / })
        .waitFor({ timeout: 20_000 });
      await guardian.goto(new URL('/messages?dossier=brouillons', hub.router.publicUrl).href);
      const draft = guardian.locator('ul.messages > li').filter({ hasText: subject });
      await draft.waitFor({ timeout: 20_000 });
      expect(await accessibilityViolations(guardian), '/messages?dossier=brouillons').toEqual([]);
      await draft.getByRole('link').click();
      // Reopened as saved: the recipient, the subject, the text.
      await guardian.getByRole('button', { name: `Retirer ${teacherName}` }).waitFor({ timeout: 20_000 });
      expect(await guardian.getByLabel('Objet').inputValue()).toBe(subject);
      expect(await guardian.getByLabel('Message', { exact: true }).inputValue()).toBe('Première ligne.');
      expect(await accessibilityViolations(guardian), '/messages/new?brouillon=…').toEqual([]);
      await guardian.getByLabel('Message', { exact: true }).fill('Première ligne.\n\nEt la suite.');
      await guardian.getByRole('button', { name: 'Envoyer' }).click();
      await guardian.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
      expect(await guardian.locator('.message .body').innerText()).toBe('Première ligne.\n\nEt la suite.');
      // Sent: no longer a draft.
      await guardian.goto(new URL('/messages?dossier=brouillons', hub.router.publicUrl).href);
      await guardian.getByRole('heading', { name: 'Brouillons' }).waitFor({ timeout: 20_000 });
      await expect.poll(() => guardian.locator('ul.messages > li').filter({ hasText: subject }).count(), { timeout: 20_000 }).toBe(0);
      await guardian.close();

      const page = await logIn(teacher.login, '/messages');
      const folderName = `Familles ${Date.now() % 100_000}`;
      await page.getByLabel('Nouveau dossier').fill(folderName);
      await page.getByRole('button', { name: 'Créer le dossier' }).click();
      await page.getByRole('heading', { name: folderName }).waitFor({ timeout: 20_000 });
      await page.getByText('Aucun message.').waitFor({ timeout: 20_000 });
      expect(await accessibilityViolations(page), '/messages?mon-dossier=…').toEqual([]);
      await page.getByRole('link', { name: 'Reçus' }).click();
      const received = page.locator('ul.messages > li').filter({ hasText: subject });
      await received.waitFor({ timeout: 20_000 });
      await received.getByRole('link').click();
      await page.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
      await page.getByRole('option', { name: folderName }).waitFor({ state: 'attached', timeout: 20_000 });
      await page.getByLabel('Déplacer vers…').selectOption({ label: folderName });
      expect(await accessibilityViolations(page), '/messages/:id with « Déplacer vers… »').toEqual([]);
      await page.getByRole('button', { name: 'Déplacer', exact: true }).click();
      await page.getByText(`Message déplacé dans « ${folderName} ».`).waitFor({ timeout: 20_000 });
      await page.goto(new URL('/messages', hub.router.publicUrl).href);
      await page
        .getByRole('navigation', { name: 'Dossiers' })
        .getByRole('link', { name: new RegExp(`^${escapeRegExp(folderName)}`) })
        .click();
      await page.locator('ul.messages > li').filter({ hasText: subject }).waitFor({ timeout: 20_000 });
      await page.getByRole('link', { name: 'Reçus' }).click();
      await page.getByRole('heading', { name: 'Reçus' }).waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator('ul.messages > li').filter({ hasText: subject }).count(), { timeout: 20_000 }).toBe(0);
      await page.close();
    }, 120_000);
  });
  describe('notifications and the shared agenda (issue 16)', () => {
    const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
    const today = () => parisWallClock(new Date()).day;
    /** « Notifications (2) » in the navigation: the number shown, 0 when none. */
    const unreadShown = async (page: Page) => {
      const text = await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: /^Notifications/ })
        .innerText();
      return Number(/\((\d+)\)/.exec(text)?.[1] ?? 0);
    };
    /** A pupil's school as the directory says, and its stand-in vie scolaire system. */
    async function schoolOf(login: string) {
      const pupil = (await hub.academie.directory.people([personId(login)]))[0] as Student;
      const [school] = await hub.academie.directory.schoolsById([pupil.classes[0]!.structureId]);
      return { pupil, school: school!, standin: hub.vieScolaire.standins.find((s) => s.uai === school!.uai)! };
    }

    it('a guardian sees the notification of a new absence, opens it and the counter goes down; « Tout marquer comme lu » reads the rest', async () => {
      const worker = hub.notifications.worker;
      // The first pass on each school is a baseline: what is already there notifies nobody.
      await worker.detect();
      await worker.tick();
      for (const login of ['lea.martin', 'hugo.martin']) {
        const { pupil, standin } = await schoolOf(login);
        standin.edits.absences.push({ id: `A-PORTAL-${login}-${Date.now()}`, pupilId: pupil.id, day: today(), from: '08:00', to: '10:00' });
      }
      await worker.detect();
      await worker.tick();
      const titles = async () => (await worker.store.notificationsOf(personId('sophie.martin'), 10)).items.map((n) => n.title);
      await until(async () => (await titles()).includes('Absence de Léa') && (await titles()).includes('Absence de Hugo'), 20_000);

      const page = await logIn('sophie.martin', '/notifications');
      const lea = page.locator('ul.notifications > li.unread').filter({ hasText: 'Absence de Léa' });
      await lea.waitFor({ timeout: 20_000 });
      expect(await lea.innerText()).toMatch(/Nouveau/);
      expect(await lea.locator('.meta').innerText()).toMatch(/^Absences et retards · Léa MARTIN · /);
      await expect.poll(() => unreadShown(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      const before = await unreadShown(page);
      expect(await accessibilityViolations(page), '/notifications').toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'notifications.png'), fullPage: true });

      // Opened: its page, and one unread fewer.
      await lea.getByRole('link', { name: 'Absence de Léa' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await expect.poll(() => unreadShown(page), { timeout: 20_000 }).toBe(before - 1);
      await page.getByRole('link', { name: /^Notifications/ }).click();
      const read = page.locator('ul.notifications > li').filter({ hasText: 'Absence de Léa' });
      await read.waitFor({ timeout: 20_000 });
      expect(await read.getAttribute('class')).toBeNull();
      expect(await page.locator('ul.notifications > li.unread').filter({ hasText: 'Absence de Hugo' }).count()).toBe(1);

      await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
      await page.getByText('Toutes les notifications sont marquées comme lues.').waitFor({ timeout: 20_000 });
      expect(await page.locator('ul.notifications > li.unread').count()).toBe(0);
      await expect.poll(() => unreadShown(page), { timeout: 20_000 }).toBe(0);
      expect(await page.getByRole('button', { name: 'Tout marquer comme lu' }).isDisabled()).toBe(true);
      await page.close();
    }, 90_000);

    it('an open page hears at once of a new message and its notification: the counters and the inbox change without a reload', async () => {
      /** « Messagerie (3) » in the navigation: the number shown, 0 when none. */
      const unreadMessagesShown = async (page: Page) =>
        Number(
          /\((\d+)\)/.exec(
            await page
              .getByRole('navigation', { name: 'Navigation principale' })
              .getByRole('link', { name: /^Messagerie/ })
              .innerText(),
          )?.[1] ?? 0,
        );
      const documents = Object.entries(JSON.parse(readFileSync(PORTAL_PERSISTED_DOCUMENTS, 'utf8')) as Record<string, string>);
      const sendHash = documents.find(([, document]) => document.startsWith('mutation SendMessage'))![0];
      const bearer = await hubSession(hub).token(demo(/teacher of .*5EA/).login);
      const page = await logIn('sophie.martin', '/messages');
      await page.locator('ul.messages').waitFor({ timeout: 20_000 });
      // The page is following its updates before the message leaves.
      await page.waitForTimeout(1000);
      await hub.notifications.worker.tick();
      const before = { messages: await unreadMessagesShown(page), notifications: await unreadShown(page) };
      const subject = `En direct ${Date.now()}`;
      const response = await fetch(hub.router.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({
          extensions: { persistedQuery: { version: 1, sha256Hash: sendHash } },
          variables: { input: { to: [personId('sophie.martin')], subject, body: '<p>Bonjour.</p>' } },
        }),
      });
      expect((await response.json()) as { errors?: unknown }).not.toHaveProperty('errors');
      await expect.poll(() => unreadMessagesShown(page), { timeout: 10_000 }).toBe(before.messages + 1);
      await page.locator('ul.messages > li.unread').filter({ hasText: subject }).waitFor({ timeout: 10_000 });
      // The worker makes it a notification (in the app at once): its counter goes up too.
      await hub.notifications.worker.tick();
      await expect.poll(() => unreadShown(page), { timeout: 10_000 }).toBe(before.notifications + 1);
      expect(await accessibilityViolations(page), '/messages after a live update').toEqual([]);
      await page.close();
    }, 60_000);

    it('20 notifications a page, newest first; « Charger plus » brings the next ones by the cursor, and the focus goes to the first of them', async () => {
      const worker = hub.notifications.worker;
      const sophie = personId('sophie.martin');
      const { pupil, standin } = await schoolOf('lea.martin');
      // 21 absences of a quarter of an hour each this afternoon: at least 21 notifications more.
      const time = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      const unreadBefore = await worker.store.unreadCount(sophie);
      for (let i = 0; i < 21; i++) {
        standin.edits.absences.push({
          id: `A-PORTAL-PAGES-${i}-${Date.now()}`,
          pupilId: pupil.id,
          day: today(),
          from: time(12 * 60 + 15 * i),
          to: time(12 * 60 + 15 * (i + 1)),
        });
      }
      await worker.detect();
      await worker.tick();
      await until(async () => (await worker.store.unreadCount(sophie)) >= unreadBefore + 21, 20_000);
      const newest = (await worker.store.notificationsOf(sophie, 40)).items.map((n) => n.id);

      const page = await logIn('sophie.martin', '/notifications');
      const lines = page.locator('ul.notifications > li');
      const shownIds = () => lines.evaluateAll((items) => items.map((li) => li.getAttribute('data-id')));
      await expect.poll(shownIds, { timeout: 20_000 }).toEqual(newest.slice(0, 20));
      await page.getByRole('button', { name: 'Charger plus' }).click();
      await expect.poll(async () => (await shownIds()).length, { timeout: 20_000 }).toBeGreaterThan(20);
      expect((await shownIds()).slice(0, 40)).toEqual(newest.slice(0, 40));
      // The focus on the first line the page brought; a status says how many came.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe(newest[20]);
      await page
        .getByRole('status')
        .filter({ hasText: /^\d+ notifications? de plus\.$/ })
        .waitFor();
      await page.close();
    }, 90_000);

    it('a guardian changes how she hears about grades and her quiet hours, and finds them saved after a reload; a teacher is offered no SMS', async () => {
      const page = await logIn('sophie.martin', '/notifications/preferences');
      const grades = page.getByRole('group', { name: 'Notes' });
      await grades.waitFor({ timeout: 20_000 });
      expect(await page.getByRole('group').evaluateAll((groups) => groups.map((g) => g.querySelector('legend')?.textContent))).toEqual([
        'Absences et retards',
        'Notes',
        'Travail à faire',
        'Punitions',
        'Emploi du temps',
        'Justificatifs',
        'Messages',
        'Agenda de l’établissement',
        'Heures de tranquillité',
      ]);
      // A guardian may have SMS.
      expect(await page.getByRole('group', { name: 'Absences et retards' }).getByLabel('SMS').count()).toBe(1);
      await grades.getByLabel('E-mail').selectOption({ label: 'Résumé hebdomadaire' });
      await grades.getByLabel('Dans l’ENT').uncheck();
      await page.getByLabel('De', { exact: true }).fill('22:30');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByRole('status').filter({ hasText: 'Vos préférences sont enregistrées.' }).waitFor({ timeout: 20_000 });
      expect(await accessibilityViolations(page), '/notifications/preferences').toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'notification-preferences.png'), fullPage: true });

      await page.reload();
      await grades.waitFor({ timeout: 20_000 });
      expect(await grades.getByLabel('E-mail').inputValue()).toBe('WEEKLY');
      expect(await grades.getByLabel('Dans l’ENT').isChecked()).toBe(false);
      expect(await page.getByLabel('De', { exact: true }).inputValue()).toBe('22:30');
      // The other categories kept theirs.
      expect(await page.getByRole('group', { name: 'Absences et retards' }).getByLabel('Dans l’ENT').isChecked()).toBe(true);
      await page.close();

      const teacher = await logIn(teacherLogin(), '/notifications/preferences');
      await teacher.getByRole('group', { name: 'Notes' }).waitFor({ timeout: 20_000 });
      expect(await teacher.getByLabel('SMS').count()).toBe(0);
      await teacher.close();
    }, 90_000);

    it('a teacher puts a meeting in the agenda of a class; a guardian of that class sees it, then sees it « Annulé »; the principal puts one for the whole school', async () => {
      const teacher = demo(/teacher of .*5EA/);
      const { school } = await schoolOf('lea.martin');
      const title = `Réunion 5EA ${Date.now()}`;
      const day = addDays(today(), 3);

      const author = await logIn(teacher.login, '/agenda');
      await author.getByRole('heading', { name: 'Ajouter un événement' }).waitFor({ timeout: 20_000 });
      await author.getByLabel('Établissement', { exact: true }).selectOption({ label: school.name });
      // A teacher puts events for the classes and groups they teach, not for the whole school.
      expect(await author.getByLabel('Pour', { exact: true }).locator('option').allInnerTexts()).toEqual(['Une classe', 'Un groupe']);
      await author.getByLabel('Pour', { exact: true }).selectOption({ label: 'Une classe' });
      await author.getByLabel('Classe', { exact: true }).selectOption('5EA');
      await author.getByLabel('Type', { exact: true }).selectOption({ label: 'Réunion parents-professeurs' });
      await author.getByLabel('Titre', { exact: true }).fill(title);
      await author.getByLabel('Description (facultative)', { exact: true }).fill('Rencontre avec l’équipe pédagogique.');
      await author.getByLabel('Début', { exact: true }).fill(`${day}T18:00`);
      await author.getByLabel('Fin', { exact: true }).fill(`${day}T20:00`);
      await author.getByLabel('Lieu (facultatif)', { exact: true }).fill('Salle 12');
      expect(await accessibilityViolations(author), 'the agenda, for a teacher').toEqual([]);
      await author.getByRole('button', { name: 'Ajouter à l’agenda' }).click();
      const line = author.locator('ul.events > li').filter({ hasText: title });
      await line.waitFor({ timeout: 20_000 });
      expect(await line.locator('.when').innerText()).toBe('18:00 – 20:00');

      const guardian = await logIn('sophie.martin', '/agenda');
      const seen = guardian.locator('ul.events > li').filter({ hasText: title });
      await seen.waitFor({ timeout: 20_000 });
      expect(await seen.locator('.when').innerText()).toBe('18:00 – 20:00');
      expect(await seen.locator('.meta').first().innerText()).toBe(`Réunion parents-professeurs · ${school.name} · classe 5EA · Salle 12`);
      expect(await seen.innerText()).toMatch(/Rencontre avec l’équipe pédagogique\./);
      // Under its day's heading (« Vendredi 27 novembre »).
      const heading = guardian.locator('section').filter({ has: seen }).locator('h3');
      expect(await heading.innerText()).toMatch(new RegExp(`\\b${Number(day.slice(8))}\\b`));
      // A family cancels nothing.
      expect(await seen.getByRole('button').count()).toBe(0);
      // The calendar feeds are a section of the same page.
      await guardian.getByRole('heading', { name: 'Agenda dans mon téléphone' }).waitFor();
      expect(await accessibilityViolations(guardian), 'the agenda, for a guardian').toEqual([]);
      await guardian.screenshot({ path: join(ARTIFACTS, 'agenda.png'), fullPage: true });

      // Cancelled by its author (after a confirmation): struck through and said « Annulé », for the family too.
      await line.getByRole('button', { name: `Annuler l’événement « ${title} »` }).click();
      await line.getByRole('button', { name: 'Confirmer l’annulation' }).click();
      await expect.poll(() => line.innerText(), { timeout: 20_000 }).toMatch(/Annulé/);
      expect(await line.getByRole('button').count()).toBe(0);
      await author.close();
      await guardian.reload();
      await seen.waitFor({ timeout: 20_000 });
      expect(await seen.locator('.tag').innerText()).toMatch(/Annulé/);
      expect(await seen.locator('.title').evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('line-through');

      // The collège's principal puts an event for the whole school: every family of the collège sees it.
      const schoolWide = `Portes ouvertes ${Date.now()}`;
      const principal = await logIn(demo(/^principal, /).login, '/agenda');
      await principal.getByRole('heading', { name: 'Ajouter un événement' }).waitFor({ timeout: 20_000 });
      await principal.getByLabel('Établissement', { exact: true }).selectOption({ label: school.name });
      expect(await principal.getByLabel('Pour', { exact: true }).inputValue()).toBe('SCHOOL');
      expect(await principal.getByLabel('Classe', { exact: true }).count()).toBe(0);
      await principal.getByLabel('Type', { exact: true }).selectOption({ label: 'Autre' });
      await principal.getByLabel('Titre', { exact: true }).fill(schoolWide);
      await principal.getByLabel('Début', { exact: true }).fill(`${addDays(day, 1)}T09:00`);
      await principal.getByLabel('Fin', { exact: true }).fill(`${addDays(day, 1)}T12:00`);
      await principal.getByRole('button', { name: 'Ajouter à l’agenda' }).click();
      await principal.locator('ul.events > li').filter({ hasText: schoolWide }).waitFor({ timeout: 20_000 });
      // The form starts afresh, the focus on its title for the next event.
      expect(await principal.evaluate(() => document.activeElement?.id)).toBe('event-title');
      await principal.close();
      await guardian.reload();
      const wide = guardian.locator('ul.events > li').filter({ hasText: schoolWide });
      await wide.waitFor({ timeout: 20_000 });
      expect(await wide.locator('.meta').first().innerText()).toBe(`Autre · ${school.name} · tout l’établissement`);
      await guardian.close();
    }, 120_000);
  });

  describe('the staff pages', () => {
    it('the principal’s home lists what she can do; « Contacts injoignables » says who could not be reached, how and why, in French; not offered to others', async () => {
      const principalDemo = demo(/^principal, /);
      const schoolName = principalDemo.description.replace(/^principal, /, '');
      const school = (await hub.academie.directory.allSchools()).find((s) => s.name === schoolName)!;
      // What the notification worker records when a guardian's mobile number is not a mobile's, twice.
      const store = new PostgresNotificationStore(hub.store.store.database);
      const sophie = hub.logins.find((l) => l.login === 'sophie.martin')!.personId;
      for (let i = 0; i < 2; i++) await store.reportContactProblem(school.uai, sophie, 'sms', 'mobile number not-mobile');

      const page = await logIn(principalDemo.login);
      const home = page.locator('article.card').filter({ has: page.getByRole('heading', { name: 'Ce que vous pouvez faire' }) });
      await home.waitFor({ timeout: 20_000 });
      const offered = await home.getByRole('link').allInnerTexts();
      expect(offered).toEqual(expect.arrayContaining(['Messages signalés', 'Contacts injoignables', 'Agenda']));
      expect(await page.getByText(/arrivent avec les prochaines versions/).count()).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'staff-home.png') });

      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Contacts injoignables' }).click();
      await page.waitForURL((url) => url.pathname === '/contacts-injoignables');
      const line = page.locator('ul.problems > li').filter({ hasText: 'Sophie MARTIN' });
      await line.waitFor({ timeout: 20_000 });
      expect(await line.innerText()).toMatch(/SMS : Le numéro enregistré n’est pas un portable/);
      expect(await line.innerText()).toMatch(/Depuis le .+ · dernière fois le .+ · 2 fois/);
      // Names only: no link to anyone's record, no number, nothing of the worker's English.
      expect(await page.locator('ul.problems a').count()).toBe(0);
      expect(await page.locator('ul.problems').innerText()).not.toMatch(/mobile number|not-mobile/);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'contact-problems.png') });
      await page.close();

      // A teacher is not offered the page; a guardian who types its address is told whose it is.
      const teacher = await logIn(demo(/teacher of .*5EA/).login);
      const nav = teacher.getByRole('navigation', { name: 'Navigation principale' });
      await nav.waitFor({ timeout: 20_000 });
      expect(await nav.getByRole('link', { name: 'Contacts injoignables' }).count()).toBe(0);
      await teacher.close();
      const guardian = await logIn('sophie.martin', '/contacts-injoignables');
      await guardian.getByText('Cette page est réservée à la direction et à la vie scolaire de l’établissement.').waitFor({ timeout: 20_000 });
      expect(await guardian.locator('ul.problems').count()).toBe(0);
      await guardian.close();
    }, 120_000);
  });
});

/** A minimal, valid one-page PDF. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
).toString('base64');
