import type { DocumentNode } from 'graphql';

/** The hash graphql-codegen's client preset put on each document; the router's manifest has the same. */
export const hashOf = (document: DocumentNode): string => {
  const hash = (document as DocumentNode & { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error('a GraphQL document without its persisted hash: write it with graphql() and run npm run portal:codegen');
  return hash;
};
