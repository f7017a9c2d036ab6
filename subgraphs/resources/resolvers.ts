import { GraphQLError } from 'graphql';
import { ASSIGNMENT_FUNCTIONS } from '../../connectors/gar/assignment-role.ts';
import { GarError, type GarResource } from '../../connectors/gar/gar-client.ts';
import { foldText as fold } from '../../lib/text.ts';
import type { ResourceFilter, Resolvers } from './generated/resolvers-types.ts';

export interface SchoolResourcesRef {
  uai: string;
  /** Whose catalogue: the viewer's own, or (for a guardian) their child's. */
  garPersonId: string;
  filter?: ResourceFilter | null;
}

const outsidePerimeter = () =>
  new GraphQLError('Forbidden: only the pupil and their legal guardians see the pupil’s resources.', { extensions: { code: 'FORBIDDEN' } });

function garUnavailable(error: unknown): GraphQLError {
  const reason = error instanceof GarError ? error.reason : 'unavailable';
  return new GraphQLError(`GAR unavailable: ${error instanceof Error ? error.message : String(error)}`, {
    extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'GAR', reason },
  });
}

export function matches(resource: GarResource, filter: ResourceFilter | null | undefined): boolean {
  if (!filter) return true;
  const has = (labels: { name: string }[], wanted: string) => labels.some((l) => fold(l.name) === fold(wanted));
  if (filter.domain && !has(resource.domains, filter.domain)) return false;
  if (filter.level && !has(resource.levels, filter.level)) return false;
  if (
    filter.type &&
    !(resource.presentationType && [resource.presentationType.code, resource.presentationType.name].some((v) => fold(v) === fold(filter.type!)))
  )
    return false;
  if (
    filter.search &&
    !fold(filter.search)
      .split(/\s+/)
      .filter(Boolean)
      .every((word) => fold(resource.name).includes(word))
  )
    return false;
  return true;
}

export const resolvers: Resolvers = {
  Query: {
    myResources: async (_, { filter }, ctx) => {
      // Guardians and service clients have no GAR catalogue: an empty list, not an error.
      if (!ctx.garPersonId) return [];
      const garPersonId = ctx.garPersonId;
      const schools = (ctx.viewer.schools ?? []).filter((uai) => !filter?.uai || uai === filter.uai);
      return schools.map((uai) => ({ uai, garPersonId, filter }));
    },
  },
  Student: {
    __resolveReference: (ref) => ({ id: ref.id }),
    resources: async (student, { filter }, ctx) => {
      // The perimeter's rule (subgraphs/perimeter), from the directory as it is now: the pupil, or a
      // guardian with legal authority. A teacher or staff member sees the pupil, not their catalogue:
      // the GAR gives it to the pupil, and what a guardian opens is what the child would.
      if (!(await ctx.perimeter.isPupilOrGuardianOf(student.id))) throw outsidePerimeter();
      const structureIds = (await ctx.perimeter.pupilSchools(student.id)) ?? [];
      const uais = (await ctx.perimeter.schoolsById(structureIds)).flatMap((school) => (school ? [school.uai] : []));
      const garPersonId = ctx.garIdOf(student.id);
      return uais.filter((uai) => !filter?.uai || uai === filter.uai).map((uai) => ({ uai, garPersonId, filter }));
    },
  },
  SchoolResources: {
    school: (ref) => ({ uai: ref.uai }),
    resources: async (ref, _, ctx) => {
      try {
        const resources = await ctx.gar.resources(ref.uai, ref.garPersonId, ctx.freshness);
        return resources.filter((r) => matches(r, ref.filter));
      } catch (error) {
        throw garUnavailable(error);
      }
    },
  },
  Resource: {
    publisher: (r) => r.publisherName ?? null,
    documentTypes: (r) => r.documentTypes.map((l) => l.name),
    levels: (r) => r.levels.map((l) => l.name),
    domains: (r) => r.domains.map((l) => l.name),
    pedagogicalTypes: (r) => r.pedagogicalTypes.map((l) => l.name),
  },
  School: {
    __resolveReference: (ref) => ({ uai: ref.uai }),
    subscriptions: async (school, _, ctx) => {
      // The role is the (function, school) pair of the directory: a principal of the collège who
      // teaches at the lycée holds no role there, though his session has both the function and the school.
      const [structure] = await ctx.directory.schoolsByUai([school.uai]);
      const holdsRole = !!structure && (await ctx.perimeter.holdsFunctionAt(ASSIGNMENT_FUNCTIONS, structure.id));
      if (!holdsRole)
        throw new GraphQLError('Forbidden: only the GAR assignment role holders of this school see its subscriptions.', { extensions: { code: 'FORBIDDEN' } });
      try {
        return await ctx.gar.subscriptions(school.uai);
      } catch (error) {
        throw garUnavailable(error);
      }
    },
  },
  Licence: {
    unlimited: (l) => l.count === null,
  },
};
