import { GraphQLError } from 'graphql';
import { codeKey } from '../../connectors/directory/directory.ts';
import {
  displayNameOf,
  type EducationStaff,
  type Guardian,
  type GuardianLink,
  type Person,
  type PersonKind,
  type School,
  type StructureCode,
  type Student,
} from '../../connectors/directory/model.ts';
import type { PersonData } from '../perimeter/perimeter.ts';
import type { DirectoryContext } from './context.ts';
import type { Profile, Resolvers } from './generated/resolvers-types.ts';
import { parseUnitId, unitId, type StructureUnitRef } from './models.ts';

/**
 * One error for "no such person" and "not yours to see": a caller outside the perimeter must not
 * learn whether an id exists.
 */
const forbidden = () => new GraphQLError('Forbidden: this person is outside your perimeter.', { extensions: { code: 'FORBIDDEN' } });

const PROFILE: Record<Person['kind'], Profile> = { student: 'STUDENT', guardian: 'GUARDIAN', teacher: 'TEACHER', staff: 'STAFF' };
const TYPENAME = { student: 'Student', guardian: 'Guardian', teacher: 'Teacher', staff: 'Staff' } as const;

/** Loads a person and checks the perimeter; the one gate every person read goes through. */
async function visiblePerson(id: string, ctx: DirectoryContext): Promise<Person> {
  const person = await ctx.people.load(id);
  if (!person || !(await ctx.perimeter.canSee(person))) throw forbidden();
  return person;
}

type PersonOfKind = { student: Student; guardian: Guardian; teacher: EducationStaff; staff: EducationStaff };

/** `__resolveReference` of one person type: the person if visible and of that kind, else the same FORBIDDEN. */
function personReference<K extends PersonKind>(kind: K) {
  return async (ref: { id: string }, ctx: DirectoryContext): Promise<PersonOfKind[K]> => {
    const person = await visiblePerson(ref.id, ctx);
    if (person.kind !== kind) throw forbidden();
    return person as PersonOfKind[K];
  };
}

const defined = <T>(values: (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);

async function schoolsOf(person: Person, ctx: DirectoryContext): Promise<School[]> {
  const ids = new Set(person.schoolIds);
  if (person.kind === 'teacher' || person.kind === 'staff') for (const f of person.functions) ids.add(f.structureId);
  const schools = await ctx.schoolsById.loadMany([...ids]);
  // A school the directory could not read is an error of the field, not a school left out in
  // silence (an answer without it would look complete, and be kept as such by the router's cache).
  const failed = schools.find((s): s is Error => s instanceof Error);
  if (failed) throw failed;
  return defined(schools as (School | undefined)[]);
}

async function unitRef(code: StructureCode, kind: 'class' | 'group', ctx: DirectoryContext): Promise<StructureUnitRef | undefined> {
  const school = await ctx.schoolsById.load(code.structureId);
  return school ? { school, code: code.code, kind } : undefined;
}

async function unitRefs(codes: StructureCode[], kind: 'class' | 'group', ctx: DirectoryContext): Promise<StructureUnitRef[]> {
  return defined(await Promise.all(codes.map((code) => unitRef(code, kind, ctx))));
}

async function unitFromId(id: string, kind: 'class' | 'group', ctx: DirectoryContext): Promise<StructureUnitRef | null> {
  const parsed = parseUnitId(id);
  const school = parsed && (await ctx.schoolsByUai.load(parsed.uai));
  if (!parsed || !school) return null;
  const codes = kind === 'class' ? school.classes : school.groups;
  // Schools list their classes in AAF; when a school's list is empty, trust the pupils' own links.
  if (codes.length && !codes.includes(parsed.code)) return null;
  return { school, code: parsed.code, kind };
}

const personFields = {
  profile: (p: Person) => PROFILE[p.kind],
  displayName: (p: Person) => displayNameOf(p),
  schools: (p: Person, _: unknown, ctx: DirectoryContext) => schoolsOf(p, ctx),
};

/**
 * Resolvers of fields holding one kind of data about a person (`directory:<kind>:read`). The
 * router's scope is the coarse gate: it grants a staff function's scopes whatever school the
 * function is held in. This is the fine one, per person: the perimeter says whether the viewer's
 * profile, or a function they hold in this person's school, covers that kind of data. Refused: null
 * with FORBIDDEN, journaled like any read outside the perimeter.
 */
function dataFields<P extends Person>() {
  return <K extends keyof P & string>(data: PersonData, fields: readonly K[]) =>
    Object.fromEntries(
      fields.map((field) => [
        field,
        async (p: P, _: unknown, ctx: DirectoryContext) => {
          if (!(await ctx.perimeter.mayRead(data, p))) {
            throw new GraphQLError(`Forbidden: none of your functions covers this person's school for ${data} data.`, { extensions: { code: 'FORBIDDEN' } });
          }
          return p[field] ?? null;
        },
      ]),
    ) as { [F in K]: (p: P, _: unknown, ctx: DirectoryContext) => Promise<Exclude<P[F], undefined> | null> };
}
const studentData = dataFields<Student>();
const guardianData = dataFields<Guardian>();
const staffData = dataFields<EducationStaff>();

const staffFields = {
  ...personFields,
  ...staffData('identity', ['birthDate']),
  ...staffData('contact', ['email']),
  functions: (p: EducationStaff) => p.functions,
};

/** The flags of a guardian–pupil link, read alike from the pupil's side (GuardianLink) and the adult's (ChildLink). */
const linkFields = {
  legalGuardian: (l: { link: GuardianLink }) => l.link.legal === 1,
  personInCharge: (l: { link: GuardianLink }) => l.link.legal === 2,
  financial: (l: { link: GuardianLink }) => l.link.financial,
  contact: (l: { link: GuardianLink }) => l.link.contact,
  relationship: (l: { link: GuardianLink }) => l.link.relationship,
};

/** A class or a group: the reference carries its kind, so one set of resolvers serves both. */
const unitFields = {
  id: (u: StructureUnitRef) => unitId(u.school.uai, u.code),
  students: async (u: StructureUnitRef, _: unknown, ctx: DirectoryContext) => {
    const code = { structureId: u.school.id, code: u.code };
    return ctx.perimeter.visible(await (u.kind === 'class' ? ctx.directory.studentsOfClass(code) : ctx.directory.studentsOfGroup(code)));
  },
  teachers: async (u: StructureUnitRef, _: unknown, ctx: DirectoryContext) => {
    const code = { structureId: u.school.id, code: u.code };
    return ctx.perimeter.visible(await (u.kind === 'class' ? ctx.directory.teachersOfClass(code) : ctx.directory.teachersOfGroup(code)));
  },
};

export const resolvers: Resolvers = {
  Query: {
    me: async (_, __, ctx) => {
      const self = await ctx.perimeter.self();
      if (!self) throw new GraphQLError('No directory person behind this request.', { extensions: { code: 'UNAUTHENTICATED' } });
      return self;
    },
    person: (_, { id }, ctx) => visiblePerson(id, ctx),
    school: async (_, { uai }, ctx) => (await ctx.schoolsByUai.load(uai)) ?? null,
    schools: (_, __, ctx) => ctx.directory.allSchools(),
    class: (_, { id }, ctx) => unitFromId(id, 'class', ctx),
    group: (_, { id }, ctx) => unitFromId(id, 'group', ctx),
    searchPeople: async (_, { text, first }, ctx) => {
      const limit = Math.min(Math.max(first ?? 20, 1), 50);
      if (text.trim().length < 2) throw new GraphQLError('Type at least two letters.', { extensions: { code: 'BAD_USER_INPUT' } });
      // Search widely, then keep only what the perimeter allows, until the page is full.
      const found = await ctx.directory.searchPeople(text, { limit: limit * 20 });
      return (await ctx.perimeter.visible(found)).slice(0, limit);
    },
  },
  Person: {
    __resolveType: (p) => TYPENAME[p.kind],
    __resolveReference: (ref, ctx) => visiblePerson(ref.id, ctx),
  },
  Student: {
    ...personFields,
    ...studentData('identity', ['birthDate', 'ine']),
    ...studentData('contact', ['email', 'address', 'homePhone']),
    ...studentData('schooling', ['regime', 'scholarship']),
    __resolveReference: personReference('student'),
    classes: (s, _, ctx) => unitRefs(s.classes, 'class', ctx),
    groups: (s, _, ctx) => unitRefs(s.groups, 'group', ctx),
    mef: async (s, _, ctx) => (s.mef ? ((await ctx.mefs.load(s.mef)) ?? { code: s.mef, label: s.mefLabel ?? s.mef }) : null),
    guardians: async (s, _, ctx) => {
      const links = await ctx.directory.guardiansOf(s.id);
      const visible = await Promise.all(links.map(async (l) => (l.guardian && (await ctx.perimeter.canSee(l.guardian)) ? l : undefined)));
      return defined(visible);
    },
  },
  GuardianLink: {
    ...linkFields,
    guardian: (l) => l.guardian ?? null,
  },
  Guardian: {
    ...personFields,
    ...guardianData('identity', ['birthDate']),
    ...guardianData('contact', ['email', 'address', 'homePhone', 'workPhone', 'mobilePhone']),
    __resolveReference: personReference('guardian'),
    children: async (g, _, ctx) => {
      const links = await ctx.perimeter.childrenOf(g.id);
      const allowed = await Promise.all(links.map((l) => ctx.perimeter.canSee(l.student)));
      return links.filter((_, i) => allowed[i]);
    },
  },
  ChildLink: linkFields,
  Teacher: {
    ...staffFields,
    __resolveReference: personReference('teacher'),
    teachings: (t) => [
      ...t.classSubjects.map((assignment) => ({ assignment, kind: 'class' as const })),
      ...t.groupSubjects.map((assignment) => ({ assignment, kind: 'group' as const })),
    ],
    classes: (t, _, ctx) => {
      const seen = new Map([...t.classes, ...t.classSubjects].map((c) => [codeKey(c), c]));
      return unitRefs([...seen.values()], 'class', ctx);
    },
    subjects: async (t, _, ctx) => {
      const codes = [...new Set([...t.classSubjects, ...t.groupSubjects].map((a) => a.subjectCode))];
      return defined(await Promise.all(codes.map((code) => ctx.subjects.load(code))));
    },
  },
  Staff: {
    ...staffFields,
    __resolveReference: personReference('staff'),
  },
  StaffFunction: {
    school: async (f, _, ctx) => (await ctx.schoolsById.load(f.structureId)) ?? null,
  },
  Teaching: {
    subject: async (t, _, ctx) => ('subjectCode' in t.assignment ? ((await ctx.subjects.load(t.assignment.subjectCode)) ?? null) : null),
    class: async (t, _, ctx) => (t.kind === 'class' ? ((await unitRef(t.assignment, 'class', ctx)) ?? null) : null),
    group: async (t, _, ctx) => (t.kind === 'group' ? ((await unitRef(t.assignment, 'group', ctx)) ?? null) : null),
  },
  School: {
    __resolveReference: async (ref, ctx) => (await ctx.schoolsByUai.load(ref.uai)) ?? null,
    city: (s) => s.address.city ?? null,
    classes: (s) => s.classes.map((code) => ({ school: s, code, kind: 'class' as const })),
    groups: (s) => s.groups.map((code) => ({ school: s, code, kind: 'group' as const })),
  },
  Class: {
    ...unitFields,
    __resolveReference: (ref, ctx) => unitFromId(ref.id, 'class', ctx),
  },
  Group: {
    ...unitFields,
    __resolveReference: (ref, ctx) => unitFromId(ref.id, 'group', ctx),
  },
  Subject: {
    __resolveReference: async (ref, ctx) => (await ctx.subjects.load(ref.code)) ?? null,
  },
  Mef: {
    __resolveReference: async (ref, ctx) => (await ctx.mefs.load(ref.code)) ?? null,
  },
};
