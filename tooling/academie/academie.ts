import { loginOf } from '../../lib/text.ts';
import type { AafAttributes, AafCategory } from '../../connectors/directory/aaf/entry.ts';
import { FIRST_NAMES, LAST_NAMES, MEFS, SUBJECTS, type LevelPlan } from './reference-data.ts';
import { isoDayToFrench } from '../../lib/french-dates.ts';

/**
 * A deterministic synthetic académie, in AAF terms. The same options always give the same export,
 * byte for byte, so the embedded demo, the tests and the benchmark all see the same people.
 *
 * Besides ordinary families it always holds the hard cases a directory must get right:
 * - the Martin family: one guardian pair with three children, two at the collège, one at the lycée;
 * - Inès Petit, a pupil enrolled in two schools (lycée, with an option taught at the collège);
 * - Lucas Bernard, whose separated parents differ: only his mother has legal authority;
 * - Emma Robert, in the care of her grandmother as "personne en charge" (respLégal 2).
 */
export interface AcademieOptions {
  /** Pairs of schools (one collège, one lycée each). The demo académie has 1. */
  schoolPairs: number;
  classesPerLevel: number;
  pupilsPerClass: number;
  seed: number;
}

/** Bumped whenever the generator's output changes, so cached exports are made again. */
export const GENERATOR_VERSION = 3;

export const DEMO_ACADEMIE: AcademieOptions = { schoolPairs: 1, classesPerLevel: 2, pupilsPerClass: 12, seed: 20260901 };

export interface GeneratedEntry {
  category: AafCategory;
  id: string;
  attributes: AafAttributes;
}

/** A person the demo logins are made for, with why they are interesting. */
export interface DemoPerson {
  id: string;
  login: string;
  profile: 'student' | 'guardian' | 'teacher' | 'staff';
  description: string;
}

const LEVELS: Record<'college' | 'lycee', LevelPlan[]> = {
  college: [
    { label: '6E', mef: '10010012110' },
    { label: '5E', mef: '10110001110' },
    { label: '4E', mef: '10210001110' },
    { label: '3E', mef: '10310019110' },
  ],
  lycee: [
    { label: '2ND', mef: '20010018110' },
    { label: '1G', mef: '20111010110' },
    { label: 'TG', mef: '20212010110' },
  ],
};

/** mulberry32: a small, fast, well-distributed PRNG; enough for synthetic data, never for secrets. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!,
  };
}

interface SchoolPlan {
  id: string;
  uai: string;
  name: string;
  kind: 'college' | 'lycee';
  classes: { code: string; level: LevelPlan }[];
  groups: string[];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const date = (year: number, month: number, day: number) => isoDayToFrench(`${year}-${pad(month, 2)}-${pad(day, 2)}`);

/** The UAI check letter: the 7 digits modulo 23, mapped onto the letters without I, O and Q. */
export function uaiWithCheckLetter(digits: string): string {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return `${digits}${letters[Number(digits) % 23]}`;
}

export function* generateAcademie(options: AcademieOptions = DEMO_ACADEMIE): Generator<GeneratedEntry, DemoPerson[]> {
  const rand = prng(options.seed);
  let nextPersonId = 1_000_000;
  const personId = () => String(nextPersonId++);
  const demo: DemoPerson[] = [];
  /** Random names can repeat: the second "camille.roux" is "camille.roux2". */
  const uniqueIn = (taken: Set<string>) => (first: string, last: string) => {
    const base = loginOf(first, last);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    return name;
  };
  const uniqueLogin = uniqueIn(new Set());
  // An agent's académie address is theirs alone, as in a real académie: the agents' provider links
  // logins by it, and an address two agents shared would link neither.
  const uniqueMailbox = uniqueIn(new Set());
  const staffMail = (first: string, last: string) => `${uniqueMailbox(first, last)}@ac-paris.fr`;

  // Reference data first, as in real exports.
  for (const subject of SUBJECTS) {
    yield { category: 'MatiereEducNat', id: subject.code, attributes: { ENTMatJointure: [subject.code], ENTLibelleMatiere: [subject.label] } };
  }
  for (const mef of MEFS) {
    yield { category: 'MefEducNat', id: mef.code, attributes: { ENTMefJointure: [mef.code], ENTLibelleMef: [mef.label], ENTMEFRattach: [mef.code] } };
  }

  const schools: SchoolPlan[] = [];
  for (let pair = 0; pair < options.schoolPairs; pair++) {
    for (const kind of ['college', 'lycee'] as const) {
      const index = schools.length;
      const classes = LEVELS[kind].flatMap((level) =>
        Array.from({ length: options.classesPerLevel }, (_, i) => ({ code: `${level.label}${String.fromCharCode(65 + i)}`, level })),
      );
      const town = pair === 0 ? 'Paris' : `Ville ${pair + 1}`;
      schools.push({
        id: String(60_000 + index),
        uai: uaiWithCheckLetter(`075${pad(1000 + index, 4)}`),
        name: kind === 'college' ? `Collège Jean Moulin (${town})` : `Lycée Victor Hugo (${town})`,
        kind,
        classes,
        groups: LEVELS[kind].flatMap((level) => [`${level.label}-LV2ESP`, `${level.label}-LV2ALL`]),
      });
    }
  }
  for (const school of schools) {
    yield {
      category: 'EtabEducNat',
      id: school.id,
      attributes: {
        ENTStructureJointure: [school.id],
        ENTStructureUAI: [school.uai],
        ENTEtablissementUAI: [school.uai],
        ENTStructureNomCourant: [school.name],
        ENTStructureTypeStruct: [school.kind === 'college' ? 'CLG' : 'LYC'],
        ENTEtablissementContrat: ['PU'],
        ENTServAcAcademie: ['PARIS'],
        ENTStructureClasses: school.classes.map((c) => `${c.code}$${c.code}`),
        ENTStructureGroupes: school.groups.map((g) => `${g}$${g}`),
        street: [`${1 + (Number(school.id) % 90)} rue des Écoles`],
        postalCode: ['75005'],
        l: ['PARIS'],
      },
    };
  }

  // Staff and teachers: per school, the direction, a CPE, a documentalist, and teachers per subject.
  for (const school of schools) {
    const staffRoles = [
      { code: 'DIR', label: 'DIRECTION', title: 'principal' },
      { code: 'EDU', label: 'EDUCATION', title: 'CPE' },
      { code: 'DOC', label: 'DOCUMENTATION', title: 'documentaliste' },
    ];
    for (const role of staffRoles) {
      const id = personId();
      const first = rand.pick(FIRST_NAMES);
      const last = rand.pick(LAST_NAMES);
      yield {
        category: 'PersEducNat',
        id,
        attributes: staffAttributes(id, first, last, staffMail(first, last), school, { functions: [`${school.id}$${role.code}$${role.label}`] }),
      };
      if (school === schools[0] || school === schools[1]) {
        demo.push({ id, login: uniqueLogin(first, last), profile: 'staff', description: `${role.title}, ${school.name}` });
      }
    }
    // Each subject is taught by two teachers: one for the lower half of the levels, one for the upper.
    const levels = LEVELS[school.kind];
    const halves = [levels.slice(0, Math.ceil(levels.length / 2)), levels.slice(Math.ceil(levels.length / 2))];
    for (const [index, subject] of SUBJECTS.filter((s) => s.taught.includes(school.kind)).entries()) {
      for (const [half, halfLevels] of halves.entries()) {
        const id = personId();
        const first = rand.pick(FIRST_NAMES);
        const last = rand.pick(LAST_NAMES);
        const taughtClasses = school.classes.filter((c) => halfLevels.includes(c.level)).map((c) => c.code);
        const taughtGroups = school.groups.filter((g) => halfLevels.some((l) => g.startsWith(`${l.label}-`)));
        const principal = taughtClasses[index % taughtClasses.length]!;
        yield {
          category: 'PersEducNat',
          id,
          attributes: staffAttributes(id, first, last, staffMail(first, last), school, {
            functions: [`${school.id}$ENS$ENSEIGNEMENT$${subject.code}$${subject.label}`],
            classes: taughtClasses.map((c) => `${school.id}$${c}`),
            classSubjects: taughtClasses.map((c) => `${school.id}$${c}$${subject.code}`),
            groupSubjects: subject.code === SPANISH ? taughtGroups.filter((g) => g.endsWith('ESP')).map((g) => `${school.id}$${g}$${subject.code}`) : [],
            principalOf: index < taughtClasses.length ? [`${school.id}$${principal}`] : [],
            discipline: subject.label,
          }),
        };
        if (school === schools[0] && index === 0) {
          demo.push({
            id,
            login: uniqueLogin(first, last),
            profile: 'teacher',
            description: `${subject.label.toLowerCase()} teacher of ${taughtClasses.join(', ')} at ${school.name}`,
          });
        }
        if (school === schools[1] && index === 1 && half === 0) {
          demo.push({
            id,
            login: uniqueLogin(first, last),
            profile: 'teacher',
            description: `${subject.label.toLowerCase()} teacher of ${taughtClasses.join(', ')} at ${school.name}`,
          });
        }
      }
    }
  }

  // Families. Most have one child; every seventh has two. The hard cases come first so the demo
  // académie always has them, whatever the options.
  const college = schools[0]!;
  const lycee = schools[1]!;
  const classOf = (school: SchoolPlan, code: string) => school.classes.find((c) => c.code === code) ?? school.classes[0]!;
  const special: FamilyPlan[] = [
    {
      lastName: 'MARTIN',
      adults: [
        { first: 'Sophie', link: { relationship: '2', financial: true, legal: 1 }, demo: 'guardian of three children: two at the collège, one at the lycée' },
        { first: 'Thomas', link: { relationship: '1', financial: true, legal: 1 } },
      ],
      children: [
        { first: 'Léa', enrolments: [{ school: college, klass: classOf(college, '5EA') }], demo: 'pupil at the collège, sister of Hugo and Chloé' },
        { first: 'Hugo', enrolments: [{ school: college, klass: classOf(college, '3EB') }] },
        { first: 'Chloé', enrolments: [{ school: lycee, klass: classOf(lycee, '2NDA') }], demo: 'pupil at the lycée' },
      ],
    },
    {
      lastName: 'PETIT',
      adults: [{ first: 'Nadia', link: { relationship: '2', financial: true, legal: 1 } }],
      children: [
        {
          first: 'Inès',
          enrolments: [
            { school: lycee, klass: classOf(lycee, '1GA') },
            { school: college, klass: classOf(college, '3EA') },
          ],
          demo: 'pupil enrolled in two schools (lycée, and an option at the collège)',
        },
      ],
    },
    {
      lastName: 'BERNARD',
      adults: [
        { first: 'Claire', link: { relationship: '2', financial: true, legal: 1 }, demo: 'separated mother, with legal authority' },
        { first: 'Marc', link: { relationship: '1', financial: true, legal: 0 }, demo: 'separated father, without legal authority' },
      ],
      children: [{ first: 'Lucas', enrolments: [{ school: college, klass: classOf(college, '4EA') }] }],
    },
    {
      lastName: 'ROBERT',
      adults: [
        { first: 'Julie', link: { relationship: '2', financial: false, legal: 1 } },
        {
          first: 'Monique',
          lastName: 'DURAND',
          link: { relationship: '50', financial: false, legal: 2 },
          demo: 'grandmother, "personne en charge" (respLégal 2)',
        },
      ],
      children: [{ first: 'Emma', enrolments: [{ school: college, klass: classOf(college, '6EA') }] }],
    },
  ];

  const families: FamilyPlan[] = [...special];
  for (const school of schools) {
    for (const klass of school.classes) {
      const already = families.flatMap((f) => f.children).filter((c) => c.enrolments[0]!.school === school && c.enrolments[0]!.klass === klass).length;
      for (let seat = already; seat < options.pupilsPerClass; seat++) {
        const lastName = rand.pick(LAST_NAMES);
        const siblings = rand.int(7) === 0 ? 2 : 1;
        if (siblings === 2) seat++;
        families.push({
          lastName,
          adults: [
            { first: rand.pick(FIRST_NAMES), link: { relationship: '2', financial: true, legal: 1 } },
            { first: rand.pick(FIRST_NAMES), link: { relationship: '1', financial: true, legal: 1 } },
          ],
          children: Array.from({ length: siblings }, () => ({ first: rand.pick(FIRST_NAMES), enrolments: [{ school, klass }] })),
        });
      }
    }
  }

  for (const family of families) {
    const adults = family.adults.map((adult) => ({ ...adult, id: personId() }));
    const childIds: string[] = [];
    for (const child of family.children) {
      const id = personId();
      childIds.push(id);
      const main = child.enrolments[0]!;
      const birthYear = 2026 - (main.school.kind === 'college' ? 11 : 15) - rand.int(4);
      const lv2 = rand.int(2) === 0 ? 'LV2ESP' : 'LV2ALL';
      yield {
        category: 'Eleve',
        id,
        attributes: {
          ENTPersonJointure: [id],
          ENTEleveINE: [
            `${pad(100000000 + Number(id), 9)}${String.fromCharCode(65 + (Number(id) % 26))}${String.fromCharCode(65 + ((Number(id) >> 3) % 26))}`.slice(0, 11),
          ],
          sn: [family.lastName],
          givenName: [child.first],
          ENTPersonNomPatro: [family.lastName],
          personalTitle: [rand.int(2) ? 'M.' : 'Mlle'],
          ENTPersonDateNaissance: [date(birthYear, 1 + rand.int(12), 1 + rand.int(28))],
          ENTPersonStructRattach: [...new Set(child.enrolments.map((e) => e.school.id))],
          ENTEleveClasses: child.enrolments.map((e) => `${e.school.id}$${e.klass.code}`),
          ENTEleveGroupes: [`${main.school.id}$${main.klass.level.label}-${lv2}`],
          ENTEleveMEF: [main.klass.level.mef],
          ENTEleveLibelleMEF: [MEFS.find((m) => m.code === main.klass.level.mef)!.label],
          ENTEleveRegime: [rand.int(3) === 0 ? 'EXTERNE LIBRE' : "DEMI-PENSIONNAIRE DANS L'ETABLISSEMENT"],
          ENTEleveBoursier: [rand.int(5) === 0 ? 'O' : 'N'],
          ENTEleveTransport: ['N'],
          ENTEleveStatutEleve: ['SCOLAIRE'],
          ENTEleveCodeEnseignements: SUBJECTS.filter((s) => s.taught.includes(main.school.kind)).map((s) => s.code),
          ENTElevePersRelEleve: adults.map((a) => `${a.id}$${a.link.relationship}$${a.link.financial ? 1 : 0}$${a.link.legal}$1$0`),
          ENTEleveAutoriteParentale: adults.filter((a) => a.link.legal === 1).map((a) => a.id),
          ENTPersonAdresse: [`${1 + rand.int(120)} avenue de la République`],
          ENTPersonCodePostal: ['75011'],
          ENTPersonVille: ['PARIS'],
          ENTPersonPays: ['FRANCE'],
        },
      };
      if (child.demo) demo.push({ id, login: uniqueLogin(child.first, family.lastName), profile: 'student', description: child.demo });
    }
    for (const adult of adults) {
      const lastName = adult.lastName ?? family.lastName;
      yield {
        category: 'PersRelEleve',
        id: adult.id,
        attributes: {
          ENTPersonJointure: [adult.id],
          sn: [lastName],
          givenName: [adult.first],
          ENTPersonNomPatro: [lastName],
          personalTitle: [adult.link.relationship === '1' ? 'M.' : 'Mme'],
          homePhone: [`01${pad(rand.int(1e8), 8)}`],
          mobile: [`06${pad(rand.int(1e8), 8)}`],
          mail: [`${loginOf(adult.first, lastName)}@example.org`],
          ENTPersonAdresse: [`${1 + rand.int(120)} avenue de la République`],
          ENTPersonCodePostal: ['75011'],
          ENTPersonVille: ['PARIS'],
          ENTPersonPays: ['FRANCE'],
          ENTAuxPersRelEleveEleve: childIds,
        },
      };
      if (adult.demo) demo.push({ id: adult.id, login: uniqueLogin(adult.first, lastName), profile: 'guardian', description: adult.demo });
    }
  }
  return demo;
}

const SPANISH = '030602';

interface FamilyPlan {
  lastName: string;
  adults: { first: string; lastName?: string; link: { relationship: string; financial: boolean; legal: 0 | 1 | 2 }; demo?: string }[];
  children: { first: string; enrolments: { school: SchoolPlan; klass: { code: string; level: LevelPlan } }[]; demo?: string }[];
}

function staffAttributes(
  id: string,
  first: string,
  last: string,
  mail: string,
  school: SchoolPlan,
  teaching: { functions: string[]; classes?: string[]; classSubjects?: string[]; groupSubjects?: string[]; principalOf?: string[]; discipline?: string },
): AafAttributes {
  return {
    ENTPersonJointure: [id],
    sn: [last],
    givenName: [first],
    ENTPersonNomPatro: [last],
    personalTitle: ['M.'],
    mail: [mail],
    ENTPersonStructRattach: [school.id],
    ENTPersonFonctions: teaching.functions,
    ENTAuxEnsClasses: teaching.classes ?? [],
    ENTAuxEnsClassesMatieres: teaching.classSubjects ?? [],
    ENTAuxEnsGroupesMatieres: teaching.groupSubjects ?? [],
    ENTAuxEnsGroupes: (teaching.groupSubjects ?? []).map((v) => v.split('$').slice(0, 2).join('$')),
    ENTAuxEnsClassesPrincipal: teaching.principalOf ?? [],
    ENTAuxEnsMatiereEnseignEtab: teaching.discipline ? [`${school.id}$${teaching.discipline}`] : [],
    PersEducNatPresenceDevantEleves: [teaching.classes?.length ? 'O' : 'N'],
  };
}
