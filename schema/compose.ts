import { composeServices } from '@theguild/federation-composition';
import { parse, type DocumentNode } from 'graphql';
import { HubError } from '../lib/errors.ts';

export interface SubgraphSource {
  name: string;
  url: string;
  typeDefs: DocumentNode | string;
}

export class CompositionError extends HubError {
  static override readonly code = 'ERR_COMPOSITION';
  constructor(readonly messages: string[]) {
    super(`supergraph composition failed:\n${messages.map((m) => `  - ${m}`).join('\n')}`);
  }
}

/**
 * Composes subgraph SDLs, or throws the composer's own messages. `supergraphSdl` is what the router
 * runs; `publicSdl` the graph clients see (no federation machinery, no `@inaccessible` fields): the
 * schema frontends generate their types from (schema/public.graphql).
 */
export function composeGraph(subgraphs: SubgraphSource[]): { supergraphSdl: string; publicSdl: string } {
  const result = composeServices(
    subgraphs.map((s) => ({
      name: s.name,
      url: s.url,
      typeDefs: typeof s.typeDefs === 'string' ? parse(s.typeDefs) : s.typeDefs,
    })),
  );
  if (result.errors) throw new CompositionError(result.errors.map((e) => e.message));
  return { supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl };
}

/** Composes subgraph SDLs into a supergraph SDL, or throws the composer's own messages. */
export const composeSupergraph = (subgraphs: SubgraphSource[]): string => composeGraph(subgraphs).supergraphSdl;
