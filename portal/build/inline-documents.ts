import type { Plugin } from 'vite';
import { graphql as generatedDocument } from '../src/gql/gql.ts';

/** `graphql(`…`)` with one template literal and no interpolation: the only form the client preset accepts. */
const GRAPHQL_CALL = /\bgraphql\(\s*`([^`]*)`\s*\)/g;

/**
 * Puts each GraphQL document into the module that writes it, at build time. The client preset's
 * `graphql()` looks documents up in one generated module (src/gql/) holding every operation and
 * every source text: one module is one chunk, so every page's operations would load with the first
 * page. This replaces each call by the document codegen generated for it (its AST with the
 * persisted hash in `__meta__`, the same object `graphql()` returns at run time), so a lazy page
 * carries its own operations and the generated table is left out of the bundle. What the client
 * preset's Babel plugin does, without a second compiler in the build.
 */
export function inlineGraphqlDocuments(): Plugin {
  return {
    name: 'portal:inline-graphql-documents',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/.*\.tsx?$/.test(id) || id.includes('/src/gql/') || !code.includes('graphql(`')) return null;
      let missing: string | undefined;
      const replaced = code.replace(GRAPHQL_CALL, (call, source: string) => {
        const document: unknown = generatedDocument(source);
        if (!document || typeof document !== 'object' || !('kind' in document)) {
          missing ??= source.trim().split('\n')[0];
          return call;
        }
        return `(${JSON.stringify(document)})`;
      });
      if (missing) this.error(`${id}: no generated document for « ${missing} »: run npm run codegen`);
      return { code: replaced, map: null };
    },
  };
}
