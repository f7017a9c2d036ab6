/**
 * The people the benchmark's mix logs in: 30 guardians, 30 pupils and 8 teachers (each with a class
 * of theirs to view), the first of each in the académie's demo accounts, with what the orchestrator
 * needs to log them in. Made in the backends' process, which holds the académie anyway
 * (`GET /people` on its stats server): the orchestrator parsing it too held 670 MB at 100,000 people,
 * and its major collections of it (a core's worth of CPU for a second on a 2-core machine) stalled
 * the hub in the académie's windows.
 */
import { DEFAULT_DEMO_PASSWORD_SEED } from '../hub/embedded-hub.ts';
import { demoAccounts, type DemoLogin } from '../standins/identity-provider/demo-accounts.ts';
import type { EmbeddedAcademie } from '../tooling/academie/embedded.ts';

export type BenchKind = 'guardian' | 'pupil' | 'teacher';

export interface BenchPerson {
  login: DemoLogin;
  kind: BenchKind;
  /** What the agents' provider says of them (the hub links its logins by email). */
  email?: string;
  /** The teacher's class view's variables: one of their classes. */
  variables?: { id: string };
}

export interface BenchPeople {
  people: BenchPerson[];
  /** Everyone in the académie: pupils, guardians and staff. */
  peopleInAcademie: number;
}

export function benchPeople(academie: Pick<EmbeddedAcademie, 'store' | 'demo'>): BenchPeople {
  const { store } = academie;
  const { logins } = demoAccounts(store, academie.demo, { seed: DEFAULT_DEMO_PASSWORD_SEED, issuerSecrets: { educonnect: 'x', agents: 'x' } });
  const first = (profile: DemoLogin['profile'], count: number, kind: BenchKind) =>
    logins
      .filter((l) => l.profile === profile)
      .slice(0, count)
      .map((login) => ({ login, kind }));
  const chosen = [...first('guardian', 30, 'guardian'), ...first('student', 30, 'pupil'), ...first('teacher', 8, 'teacher')];
  return {
    people: chosen.map(({ login, kind }) => {
      const teacher = kind === 'teacher' ? store.record('PersEducNat', login.personId) : undefined;
      const klass = teacher?.classSubjects[0];
      const school = klass ? store.record('EtabEducNat', klass.structureId) : undefined;
      return { login, kind, email: store.person(login.personId)?.email, ...(klass && school ? { variables: { id: `${school.uai}:${klass.code}` } } : {}) };
    }),
    peopleInAcademie: (['Eleve', 'PersRelEleve', 'PersEducNat'] as const).reduce((sum, category) => sum + [...store.records(category)].length, 0),
  };
}
