import { createServer, type Server } from 'node:http';
import ical, { type ParameterValue, type VEvent } from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VieScolaireClient } from '../../../connectors/vie-scolaire/client.ts';
import { UpstreamPool } from '../../../connectors/vie-scolaire/upstream.ts';
import type { EmbeddedAcademie } from '../../../tooling/academie/embedded.ts';
import { listen, type RunningServer } from '../../../lib/http-server.ts';
import { demoAcademie, demoId } from '../../../test/helpers/demo-academie.ts';
import { calendarFeedRoute } from './feed-route.ts';
import { PostgresFeedStore } from '../../../store/feeds/postgres-store.ts';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import { UpstreamBudgets, VieScolaireCache } from '../data-source.ts';

const TODAY = '2026-11-23';

/** A school's system whose only homework carries the description a teacher wrote, as HTML. */
async function schoolSystem(descriptionHtml: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://pronote');
    const pupil = url.searchParams.get('eleves') ?? '';
    const body =
      url.pathname === '/api/travailAFaire'
        ? {
            eleves: [
              {
                id: pupil,
                devoirs: [
                  {
                    id: 'T1',
                    matiere: { code: 'NSI', libelle: 'NSI' },
                    descriptif: descriptionHtml,
                    donneLe: '20/11/2026',
                    PourLe: '25/11/2026',
                    TAFFait: false,
                  },
                ],
              },
            ],
          }
        : { eleves: [{ id: pupil, cours: [] }] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('calendar feed: what a calendar app shows of a homework', () => {
  let academie: EmbeddedAcademie;
  let pupilId: string;
  let uai: string;
  beforeAll(async () => {
    academie = await demoAcademie();
    pupilId = demoId(academie, 'lea.martin');
    const [pupil] = await academie.directory.people([pupilId]);
    const [school] = await academie.directory.schoolsById(pupil?.kind === 'student' ? pupil.schoolIds : []);
    uai = school!.uai;
  });

  const started: { close(): Promise<void> }[] = [];
  afterAll(() => Promise.all(started.map((s) => s.close())));

  /** The DESCRIPTION of the homework event, as a calendar app decodes the feed. */
  async function shownDescription(descriptionHtml: string): Promise<string> {
    const system = await schoolSystem(descriptionHtml);
    const upstreams = new UpstreamPool({ [uai]: system.url });
    started.push(system, { close: () => upstreams.close() });
    const database = await openTestDatabase();
    started.push(database);
    const store = new PostgresFeedStore(database);
    const { token } = await store.create({ ownerId: pupilId, pupilId }, 5);
    const route = calendarFeedRoute({
      store,
      client: new VieScolaireClient(upstreams),
      cache: new VieScolaireCache(),
      budgets: new UpstreamBudgets(),
      today: () => TODAY,
      directory: academie.directory,
      perimeter: { personInChargeSeesChild: false },
    });
    const server: RunningServer = await listen((req, res) => void route.handle(req, res), { port: 0 });
    started.push(server);
    const response = await fetch(`${server.url}/calendar/${token}.ics`);
    expect(response.status).toBe(200);
    const events = Object.values(ical.sync.parseICS(await response.text())).filter((c): c is VEvent => c?.type === 'VEVENT');
    // A property is its text, or its text with parameters (`{ val, params }`).
    const textOf = (value: ParameterValue | undefined) => (typeof value === 'string' ? value : (value?.val ?? ''));
    const homework = events.find((e) => textOf(e.summary).startsWith('Devoir'));
    return textOf(homework?.description);
  }

  it('shows escaped markup once decoded, never twice', async () => {
    // The teacher typed the text "&lt;" (an NSI lesson on HTML entities): the HTML escapes its "&".
    expect(await shownDescription('<p>Écrire &amp;lt; pour obtenir &lt; dans une page.</p>')).toBe('Écrire &lt; pour obtenir < dans une page.');
  });

  it('decodes numeric and named entities, and keeps paragraphs and links readable', async () => {
    const shown = await shownDescription(
      '<p>Lire l&#8217;&#233;nonc&eacute; &#x2014; exercice&nbsp;3.</p><p><a href="https://lumni.fr/">Vidéo d&#39;appui</a></p>',
    );
    expect(shown).not.toMatch(/&#?\w+;/);
    expect(shown.split('\n').filter(Boolean)).toEqual(['Lire l’énoncé — exercice\u00a03.', "Vidéo d'appui [https://lumni.fr/]"]);
  });
});
