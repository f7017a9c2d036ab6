import { createHmac } from 'node:crypto';
import type { AafStore } from '../../connectors/directory/aaf/store.ts';
import type { DemoPerson } from '../../tooling/academie/academie.ts';
import type { Person } from '../../connectors/directory/model.ts';
import { loginOf } from '../../lib/text.ts';
import { opaqueSubject, type IdpAccount } from './identity-provider.ts';

export interface DemoLogin {
  login: string;
  password: string;
  personId: string;
  profile: Person['kind'];
  /** Which embedded provider the person logs in with. */
  idp: 'educonnect' | 'agents';
  description?: string;
}

/**
 * Demo passwords are derived from the login with a seed: printed by `npm start`, recomputable by
 * the benchmark, and useless anywhere else. The embedded providers refuse to run in production.
 */
export function demoPassword(login: string, seed: string): string {
  return createHmac('sha256', seed).update(login).digest('base64url').slice(0, 10);
}

/**
 * An account for every person of the embedded académie: pupils and guardians at the EduConnect
 * stand-in (EduConnect-shaped claims), teachers and staff at the agent stand-in (agent claims).
 * The demo people keep the logins the generator gave them; the others get `first.last[N]`.
 */
export function demoAccounts(store: AafStore, demo: DemoPerson[], options: { seed: string; issuerSecrets: Record<'educonnect' | 'agents', string> }) {
  const demoById = new Map(demo.map((d) => [d.id, d]));
  const taken = new Set(demo.map((d) => d.login));
  const uaiOf = (structureId: string) => store.record('EtabEducNat', structureId)?.uai;
  const logins: DemoLogin[] = [];
  const accounts: Record<'educonnect' | 'agents', IdpAccount[]> = { educonnect: [], agents: [] };

  const everyone: Person[] = [...store.records('Eleve'), ...store.records('PersRelEleve'), ...store.records('PersEducNat')];
  everyone.sort((a, b) => a.id.localeCompare(b.id));
  for (const person of everyone) {
    let login = demoById.get(person.id)?.login;
    if (!login) {
      const base = loginOf(person.firstName, person.lastName);
      login = base;
      for (let n = 2; taken.has(login); n++) login = `${base}${n}`;
      taken.add(login);
    }
    const idp = person.kind === 'student' || person.kind === 'guardian' ? 'educonnect' : 'agents';
    const password = demoPassword(login, options.seed);
    const sub = opaqueSubject(options.issuerSecrets[idp], person.id);
    const common = { sub, given_name: person.firstName, family_name: person.lastName, birthdate: person.birthDate };
    let claims: Record<string, unknown>;
    if (person.kind === 'student') {
      const uai = uaiOf(person.schoolIds[0] ?? '');
      claims = {
        ...common,
        FrEduCtPersonAffiliation: ['eleve2d'],
        FrEduCtRefId: [`{AAF}PAR|${uai ?? ''}|${person.id}`],
        FrEduCtEleveUAI: uai,
        FrEduCtEleveINE: person.ine,
        FrEduCtEleveNiveau: person.mef,
        FrEduOrigAuth: 'ECT',
      };
    } else if (person.kind === 'guardian') {
      claims = { ...common, FrEduCtPersonAffiliation: ['resp2d'], FrEduCtRefId: [`{AAF}PAR||${person.id}`], FrEduOrigAuth: 'ECT', email: person.email };
    } else {
      claims = {
        ...common,
        email: person.email,
        // The académie's agents' provider vouches for the address it releases (the hub links only a verified one).
        email_verified: true,
        FrEduRne: [...new Set(person.functions.map((f) => uaiOf(f.structureId)).filter(Boolean))],
        FrEduFonctAdm: person.functions[0]?.code,
      };
    }
    accounts[idp].push({ login, password, claims });
    logins.push({ login, password, personId: person.id, profile: person.kind, idp, description: demoById.get(person.id)?.description });
  }
  return { accounts, logins };
}
