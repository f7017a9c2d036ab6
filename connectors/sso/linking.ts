import type { Directory } from '../directory/directory.ts';
import type { Person } from '../directory/model.ts';
import { LoginError } from './errors.ts';
import type { IdentityProviderConfig } from './provider-config.ts';

/** What a login is linked to: the directory person, and what the hub's session keeps of them. */
export interface LinkedPerson {
  personId: string;
  profile: Person['kind'];
  functions: string[];
  schools: string[];
  children: string[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];

/**
 * EduConnect's `FrEduCtRefId` values are shaped `{AAF}codeAcadémie|…|jointure`: the last field is the
 * AAF `ENTPersonJointure`. Values from other sources (`{SCONET}`, …) are ignored.
 */
export function aafJointuresOf(claims: Record<string, unknown>): string[] {
  return strings(claims.FrEduCtRefId)
    .filter((v) => v.startsWith('{AAF}'))
    .map((v) => v.split('|').at(-1)!.trim())
    .filter(Boolean);
}

/** `eleve…` affiliations are pupils, `resp…` legal guardians. */
function expectedKind(claims: Record<string, unknown>): Person['kind'] | undefined {
  const affiliations = strings(claims.FrEduCtPersonAffiliation);
  if (affiliations.some((a) => a.startsWith('eleve'))) return 'student';
  if (affiliations.some((a) => a.startsWith('resp'))) return 'guardian';
  return undefined;
}

function unique(people: Person[], what: string): Person {
  if (people.length === 0) throw new LoginError('no-directory-match', `no person in the directory matches this login (${what})`);
  if (people.length > 1)
    throw new LoginError('ambiguous-directory-match', `${people.length} people in the directory match this login (${what}); refusing to guess`);
  return people[0]!;
}

async function byFallback(claims: Record<string, unknown>, directory: Directory): Promise<Person> {
  const lastName = strings(claims.family_name)[0];
  const firstName = strings(claims.given_name)[0];
  const birthDate = strings(claims.birthdate)[0];
  const schoolUai = strings(claims.FrEduCtEleveUAI)[0] ?? strings(claims.FrEduRne)[0];
  if (!lastName || !firstName || !birthDate || !schoolUai) {
    throw new LoginError('no-directory-match', 'the login carries neither a directory link nor names, birth date and school');
  }
  return unique(await directory.findPeople({ lastName, firstName, birthDate, schoolUai }), 'names, birth date and school');
}

/**
 * Who each rule may log in: EduConnect serves pupils and their families, the académie's agents'
 * provider its staff. A provider that names someone else (a misconfiguration, or a provider that
 * lies) logs in no one, whichever claim led to that person.
 */
const KINDS_OF: Record<IdentityProviderConfig['linking'], readonly Person['kind'][]> = {
  educonnect: ['student', 'guardian'],
  agent: ['teacher', 'staff'],
};

async function findPerson(claims: Record<string, unknown>, provider: IdentityProviderConfig, directory: Directory): Promise<Person> {
  const person = await findAnyPerson(claims, provider, directory);
  if (!KINDS_OF[provider.linking].includes(person.kind)) {
    throw new LoginError('profile-mismatch', `this provider logs in ${KINDS_OF[provider.linking].join(' or ')}, the directory says ${person.kind}`, {
      personId: person.id,
    });
  }
  return person;
}

async function findAnyPerson(claims: Record<string, unknown>, provider: IdentityProviderConfig, directory: Directory): Promise<Person> {
  if (provider.linking === 'educonnect') {
    const jointures = aafJointuresOf(claims);
    if (jointures.length) {
      const found = (await directory.people(jointures)).filter((p): p is Person => !!p);
      const person = unique(found, 'FrEduCtRefId');
      const kind = expectedKind(claims);
      if (kind && person.kind !== kind) {
        throw new LoginError('profile-mismatch', `EduConnect says ${kind}, the directory says ${person.kind}`, { personId: person.id });
      }
      return person;
    }
  } else {
    // An address the provider does not vouch for (`email_verified`) links no one: anyone may type one.
    const email = claims.email_verified === true ? strings(claims.email)[0] : undefined;
    if (email) {
      const staff = (await directory.findPeople({ email })).filter((p) => p.kind === 'teacher' || p.kind === 'staff');
      return unique(staff, 'email');
    }
  }
  if (!provider.fallbackLinking) throw new LoginError('no-directory-match', 'the login carries no directory link');
  return byFallback(claims, directory);
}

/** Links a provider's claims to exactly one directory person, or refuses with a LoginError. */
export async function linkLogin(claims: Record<string, unknown>, provider: IdentityProviderConfig, directory: Directory): Promise<LinkedPerson> {
  return factsOf(await findPerson(claims, provider, directory), directory);
}

/**
 * What the directory says today of a person already linked (a session's facts, re-read every few
 * minutes): `undefined` when the person has left the directory. A parent who lost legal authority
 * in last night's AAF delta has no such child any more.
 */
export async function relinkPerson(personId: string, directory: Directory): Promise<LinkedPerson | undefined> {
  const [person] = await directory.people([personId]);
  return person ? factsOf(person, directory) : undefined;
}

async function factsOf(person: Person, directory: Directory): Promise<LinkedPerson> {
  const schoolIds = new Set(person.schoolIds);
  let functions: string[] = [];
  if (person.kind === 'teacher' || person.kind === 'staff') {
    functions = [...new Set(person.functions.map((f) => f.code))];
    for (const f of person.functions) schoolIds.add(f.structureId);
  }
  let children: string[] = [];
  if (person.kind === 'guardian') {
    // Only the pupils they are responsable légal of, and only those pupils' schools: a "personne en
    // charge" without legal authority gets neither (each subgraph's perimeter decides the rest).
    const legal = (await directory.childrenOf(person.id)).filter((l) => l.link.legal === 1);
    children = legal.map((l) => l.student.id);
    for (const l of legal) for (const id of l.student.schoolIds) schoolIds.add(id);
  }
  const schools = (await directory.schoolsById([...schoolIds])).flatMap((s) => (s ? [s.uai] : []));
  return { personId: person.id, profile: person.kind, functions, schools, children };
}
