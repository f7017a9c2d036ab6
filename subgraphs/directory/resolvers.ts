import { GraphQLError } from 'graphql';
import type { EducationStaff, Person, School, StructureCode } from '../../connectors/directory/model.ts';
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

const defined = <T>(values: (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);

async function schoolsOf(person: Person, ctx: DirectoryContext): Promise<School[]> {
  const ids = new Set(person.schoolIds);
  if (person.kind === 'teacher' || person.kind === 'staff') for (const f of person.functions) ids.add(f.structureId);
  return defined(await ctx.schoolsById.loadMany([...ids]).then((r) => r.map((s) => (s instanceof Error ? undefined : s))));
}

async function unitRef(code: StructureCode, kind: 'class' | 'group', ctx: DirectoryContext): Promise<StructureUnitRef | undefined> {
  const school = await ctx.schoolsById.load(code.structureId);
  return school ? { school, code: code.code, kind } : undefined;
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
  displayName: (p: Person) => `${p.firstName} ${p.lastName}`.trim(),
  schools: (p: Person, _: unknown, ctx: DirectoryContext) => schoolsOf(p, ctx),
};

const staffFields = {
  ...personFields,
  functions: (p: EducationStaff) => p.functions,
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
    __resolveReference: async (ref, ctx) => {
      const person = await visiblePerson(ref.id, ctx);
      return person.kind === 'student' ? person : Promise.reject(forbidden());
    },
    classes: async (s, _, ctx) => defined(await Promise.all(s.classes.map((c) => unitRef(c, 'class', ctx)))),
    groups: async (s, _, ctx) => defined(await Promise.all(s.groups.map((g) => unitRef(g, 'group', ctx)))),
    mef: async (s, _, ctx) => (s.mef ? ((await ctx.mefs.load(s.mef)) ?? { code: s.mef, label: s.mefLabel ?? s.mef }) : null),
    guardians: async (s, _, ctx) => {
      const links = await ctx.directory.guardiansOf(s.id);
      const visible = await Promise.all(links.map(async (l) => (l.guardian && (await ctx.perimeter.canSee(l.guardian)) ? l : undefined)));
      return defined(visible);
    },
  },
  GuardianLink: {
    guardian: (l) => l.guardian ?? null,
    legalGuardian: (l) => l.link.legal === 1,
    personInCharge: (l) => l.link.legal === 2,
    financial: (l) => l.link.financial,
    contact: (l) => l.link.contact,
    relationship: (l) => l.link.relationship,
  },
  Guardian: {
    ...personFields,
    __resolveReference: async (ref, ctx) => {
      const person = await visiblePerson(ref.id, ctx);
      return person.kind === 'guardian' ? person : Promise.reject(forbidden());
    },
    children: async (g, _, ctx) => {
      const links = await ctx.directory.childrenOf(g.id);
      const allowed = await Promise.all(links.map((l) => ctx.perimeter.canSee(l.student)));
      return links.filter((_, i) => allowed[i]);
    },
  },
  ChildLink: {
    legalGuardian: (l) => l.link.legal === 1,
    personInCharge: (l) => l.link.legal === 2,
    financial: (l) => l.link.financial,
    contact: (l) => l.link.contact,
    relationship: (l) => l.link.relationship,
  },
  Teacher: {
    ...staffFields,
    __resolveReference: async (ref, ctx) => {
      const person = await visiblePerson(ref.id, ctx);
      return person.kind === 'teacher' ? person : Promise.reject(forbidden());
    },
    teachings: (t) => [
      ...t.classSubjects.map((assignment) => ({ assignment, kind: 'class' as const })),
      ...t.groupSubjects.map((assignment) => ({ assignment, kind: 'group' as const })),
    ],
    classes: async (t, _, ctx) => {
      const seen = new Map([...t.classes, ...t.classSubjects].map((c) => [`${c.structureId}$${c.code}`, c]));
      return defined(await Promise.all([...seen.values()].map((c) => unitRef(c, 'class', ctx))));
    },
    subjects: async (t, _, ctx) => {
      const codes = [...new Set([...t.classSubjects, ...t.groupSubjects].map((a) => a.subjectCode))];
      return defined(await Promise.all(codes.map((code) => ctx.subjects.load(code))));
    },
  },
  Staff: {
    ...staffFields,
    __resolveReference: async (ref, ctx) => {
      const person = await visiblePerson(ref.id, ctx);
      return person.kind === 'staff' ? person : Promise.reject(forbidden());
    },
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
    __resolveReference: (ref, ctx) => unitFromId(ref.id, 'class', ctx),
    id: (c) => unitId(c.school.uai, c.code),
    students: async (c, _, ctx) => ctx.perimeter.visible(await ctx.directory.studentsOfClass({ structureId: c.school.id, code: c.code })),
    teachers: async (c, _, ctx) => ctx.perimeter.visible(await ctx.directory.teachersOfClass({ structureId: c.school.id, code: c.code })),
  },
  Group: {
    __resolveReference: (ref, ctx) => unitFromId(ref.id, 'group', ctx),
    id: (g) => unitId(g.school.uai, g.code),
    students: async (g, _, ctx) => ctx.perimeter.visible(await ctx.directory.studentsOfGroup({ structureId: g.school.id, code: g.code })),
    teachers: async (g, _, ctx) => ctx.perimeter.visible(await ctx.directory.teachersOfGroup({ structureId: g.school.id, code: g.code })),
  },
  Subject: {
    __resolveReference: async (ref, ctx) => (await ctx.subjects.load(ref.code)) ?? null,
  },
  Mef: {
    __resolveReference: async (ref, ctx) => (await ctx.mefs.load(ref.code)) ?? null,
  },
};
