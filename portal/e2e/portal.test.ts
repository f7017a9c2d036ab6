import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedHub, type EmbeddedHub } from '../../hub/embedded-hub.ts';
import { createLogger } from '../../lib/logger.ts';
import { STATIC_SITE_CSP } from '../../router/plugins/use-static-site.ts';
import { PORTAL_DIST, PORTAL_PERSISTED_DOCUMENTS } from '../../scripts/portal-build.ts';
import { launchChromium } from '../../test/helpers/browser.ts';
import { testHubOptions } from '../../test/helpers/database.ts';

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

  let hub: EmbeddedHub;
  let browser: Browser;

  beforeAll(async () => {
    const log = createLogger('portal-e2e', 'silent');
    // portal/dist is built by the test run's global setup (test/portal-setup.ts).
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-portal-')),
      ...(await testHubOptions()),
      log,
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
    expect(response?.headers()['content-security-policy']).toBe(STATIC_SITE_CSP);
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
      ['sophie.martin', ['/', '/agenda', '/mes-donnees']],
      ['lea.martin', ['/', '/agenda']],
      [teacherLogin(), ['/', '/mes-donnees']],
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

  it('nothing about the person is kept in the browser’s storage, and the session cookie is out of the page’s reach', async () => {
    const page = await logIn('sophie.martin');
    await expect.poll(() => page.locator('article.card').count(), { timeout: 20_000 }).toBe(3);
    const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
    await page.close();
  });
});

/** A minimal, valid one-page PDF. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
).toString('base64');
