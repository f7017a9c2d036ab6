import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import { createLogger } from '../../lib/logger.ts';
import { demoAcademie, demoId, viewerFor } from '../../test/helpers/demo-academie.ts';
import { askSubgraph } from '../../test/helpers/subgraph-request.ts';
import { TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import type { StartedSubgraph } from '../kit/subgraph-server.ts';
import { startDirectorySubgraph } from './server.ts';

/**
 * The directory subgraph's answers say how long the router may reuse them: 60 s, per viewer, since
 * the router forgets its answers whenever the directory's tables change (subgraphs/kit/answer-freshness.ts).
 */
describe('directory subgraph: cache hints', () => {
  let academie: EmbeddedAcademie;
  let subgraph: StartedSubgraph;
  beforeAll(async () => {
    academie = await demoAcademie();
    subgraph = await startDirectorySubgraph({
      directory: academie.directory,
      perimeter: { personInChargeSeesChild: false },
      viewerContextKey: TEST_VIEWER_KEY,
      log: createLogger('directory', 'silent'),
      port: 0,
    });
  });
  afterAll(() => subgraph?.close(0));

  const ask = (login: string, query: string, variables?: Record<string, unknown>) =>
    askSubgraph(subgraph, 'directory', viewerFor(academie, login), query, variables);
  const teacherOf5EA = () => academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;

  it('a teacher’s class view (bench TeacherClassView) may be reused 60 s by this viewer only', async () => {
    const [college] = await academie.directory.allSchools();
    const answer = await ask(teacherOf5EA(), 'query($id: ID!) { class(id: $id) { id code students { displayName birthDate } } }', {
      id: `${college!.uai}:5EA`,
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.class.students.length).toBeGreaterThan(0);
    expect(answer.cacheControl).toBe('max-age=60, private');
  });

  it('the homes’ reads (me, a teacher’s teachings, a pupil’s classes) carry the same hint', async () => {
    const teacher = await ask(
      teacherOf5EA(),
      '{ me { id displayName ... on Teacher { teachings { subject { label } class { id code school { uai name } } } } } }',
    );
    expect(teacher.body.data.me.teachings.length).toBeGreaterThan(0);
    expect(teacher.cacheControl).toBe('max-age=60, private');
    const pupil = await ask('lea.martin', '{ me { id displayName ... on Student { classes { code school { name } } } } }');
    expect(pupil.cacheControl).toBe('max-age=60, private');
  });

  it('an _entities fetch of people and schools carries their types’ hint', async () => {
    const [college] = await academie.directory.allSchools();
    const answer = await ask(
      'sophie.martin',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { displayName classes { id } } ... on School { name } ... on Person { displayName } } }',
      {
        r: [
          { __typename: 'Student', id: demoId(academie, 'lea.martin') },
          { __typename: 'School', uai: college!.uai },
          { __typename: 'Person', id: demoId(academie, 'sophie.martin') },
        ],
      },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data._entities.map((e: { displayName?: string; name?: string }) => e.displayName ?? e.name)).toHaveLength(3);
    expect(answer.cacheControl).toBe('max-age=60, private');
  });

  it('an answer with an error (a person outside the perimeter) may not be reused', async () => {
    const answer = await ask('sophie.martin', 'query($id: ID!) { person(id: $id) { displayName } }', { id: demoId(academie, 'ines.petit') });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.cacheControl).toBe('no-store');
  });
});
