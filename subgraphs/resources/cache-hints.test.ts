import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GarClient } from '../../connectors/gar/gar-client.ts';
import { createLogger } from '../../lib/logger.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { demoAcademie, demoId, viewerFor } from '../../test/helpers/demo-academie.ts';
import { askSubgraph, privateMaxAge } from '../../test/helpers/subgraph-request.ts';
import { TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { StartedSubgraph } from '../kit/subgraph-server.ts';
import { startResourcesSubgraph } from './server.ts';
import { startTestGar, TEST_GAR_PSEUDONYM_SECRET, type TestGar } from '../../test/helpers/gar.ts';

/** How long the GAR client keeps a catalogue here: shorter than the schema's 60 s, so that it is what limits the answer. */
const CATALOGUE_TTL_S = 30;

/**
 * The resources subgraph's answers may be reused for what is left of the GAR catalogues they read
 * in the GAR client's cache, never longer (subgraphs/kit/answer-freshness.ts), and not at all when
 * the GAR failed.
 */
describe('resources subgraph: cache hints', () => {
  const log = createLogger('resources-hints', 'silent');
  let academie: EmbeddedAcademie;
  let testGar: TestGar;
  const clients: GarClient[] = [];
  const subgraphs: StartedSubgraph[] = [];

  const startWith = async (baseUrl: string) => {
    const client = new GarClient({ ...testGar.clientOptions, baseUrl, cacheTtlMs: CATALOGUE_TTL_S * 1000 });
    clients.push(client);
    const subgraph = await startResourcesSubgraph({
      gar: client,
      directory: academie.directory,
      perimeter: { personInChargeSeesChild: false },
      pseudonymSecret: TEST_GAR_PSEUDONYM_SECRET,
      viewerContextKey: TEST_VIEWER_KEY,
      log,
      port: 0,
    });
    subgraphs.push(subgraph);
    return subgraph;
  };

  beforeAll(async () => {
    academie = await demoAcademie();
    testGar = await startTestGar(academie, log);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(subgraphs.map((s) => s.close(0)));
    await Promise.all(clients.map((c) => c.close()));
    await testGar?.gar.close();
  });

  /** Léa as the router signs her: a pupil of her school. */
  const pupil = async (): Promise<Viewer> => {
    const person = (await academie.directory.people([demoId(academie, 'lea.martin')]))[0]!;
    const schools = await academie.directory.schoolsById(person.schoolIds);
    return { ...viewerFor(academie, 'lea.martin'), schools: schools.flatMap((s) => (s ? [s.uai] : [])) };
  };
  // What the router asks of this subgraph for the bench's PupilDashboard.
  const MY_RESOURCES = '{ myResources { school { uai } resources { name accessUrl thumbnailUrl } } }';

  it('a pupil’s resources may be reused for what is left of the catalogue in the GAR client’s cache, and less a moment later', async () => {
    const subgraph = await startWith(testGar.gar.url);
    const first = await askSubgraph(subgraph, 'resources', await pupil(), MY_RESOURCES);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.myResources[0].resources.length).toBeGreaterThan(0);
    const fresh = privateMaxAge(first.cacheControl)!;
    expect(fresh).toBeLessThanOrEqual(CATALOGUE_TTL_S);
    expect(fresh).toBeGreaterThanOrEqual(CATALOGUE_TTL_S - 2);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await askSubgraph(subgraph, 'resources', await pupil(), MY_RESOURCES);
    expect(again.body.data).toEqual(first.body.data);
    expect(privateMaxAge(again.cacheControl)).toBeLessThan(fresh);
  });

  it('a guardian’s _entities fetch of a child’s resources (GuardianHome) carries the hint', async () => {
    const subgraph = await startWith(testGar.gar.url);
    const answer = await askSubgraph(
      subgraph,
      'resources',
      viewerFor(academie, 'sophie.martin'),
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { resources { school { uai } resources { id name publisher } } } } }',
      { r: [{ __typename: 'Student', id: demoId(academie, 'lea.martin') }] },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data._entities[0].resources[0].resources.length).toBeGreaterThan(0);
    expect(privateMaxAge(answer.cacheControl)).toBeGreaterThanOrEqual(CATALOGUE_TTL_S - 2);
  });

  it('an answer with the GAR unreachable is not reusable', async () => {
    const subgraph = await startWith('https://127.0.0.1:1');
    const answer = await askSubgraph(subgraph, 'resources', await pupil(), MY_RESOURCES);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(answer.cacheControl).toBe('no-store');
  });
});
