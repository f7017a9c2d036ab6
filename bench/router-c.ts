/**
 * (c) @apollo/gateway, the baseline most teams would pick (a dev dependency: Elastic License), on
 * the same subgraphs. It refuses supergraphs carrying the authorization directives, so its
 * supergraph is composed from the subgraph schemas with those directives stripped. Like (b), it
 * forwards the viewer context the load generator sends.
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { Kind, parse, print, visit, type DirectiveNode } from 'graphql';
import { composeSupergraph } from '../schema/compose.ts';
import { embeddedSubgraphSources } from '../schema/subgraphs.ts';
import { profileIfAsked } from './cpu-profile.ts';
import { subgraphOfUrls } from './subgraph-of.ts';
import { VIEWER_BINDING_HEADER, viewerContextBinding, viewerContextKey } from '../lib/viewer-context.ts';

// As (b): the subgraphs want each request's context bound to its body (the same HMAC as (a)).
const key = viewerContextKey(process.env.HUB_VIEWER_CONTEXT_SECRET);

const AUTHZ = new Set(['authenticated', 'requiresScopes', 'policy']);

/** A subgraph SDL without the authorization directives (applications and @link imports). */
export function withoutAuthorization(sdl: string): string {
  return print(
    visit(parse(sdl), {
      Directive(node: DirectiveNode) {
        if (AUTHZ.has(node.name.value)) return null;
        if (node.name.value !== 'link') return undefined;
        return {
          ...node,
          arguments: node.arguments?.map((arg) =>
            arg.name.value === 'import' && arg.value.kind === Kind.LIST
              ? { ...arg, value: { ...arg.value, values: arg.value.values.filter((v) => !(v.kind === Kind.STRING && AUTHZ.has(v.value.replace('@', '')))) } }
              : arg,
          ),
        };
      },
    }),
  );
}

const backend = (await (await fetch(process.env.BENCH_STATS_URL!)).json()) as { subgraphUrls: Record<string, string> };
const subgraphOf = subgraphOfUrls(backend.subgraphUrls);
const supergraphSdl = composeSupergraph(
  embeddedSubgraphSources().map((s) => ({ ...s, url: backend.subgraphUrls[s.name]!, typeDefs: withoutAuthorization(s.typeDefs as string) })),
);
const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource<{ viewer?: string }>({
      url,
      willSendRequest({ request, context }) {
        if (context.viewer) request.http?.headers.set('x-hub-viewer', context.viewer);
      },
      fetcher: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set(
          VIEWER_BINDING_HEADER,
          viewerContextBinding(key, headers.get('x-hub-viewer') ?? '', subgraphOf(String(input)), typeof init?.body === 'string' ? init.body : ''),
        );
        return fetch(input, { ...(init as RequestInit), headers });
      },
    }),
});
const writeProfile = await profileIfAsked('c');
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.BENCH_PORT), host: '127.0.0.1' },
  context: async ({ req }) => ({ viewer: String(req.headers['x-hub-viewer'] ?? '') }),
});
process.stdout.write(`${JSON.stringify({ ready: true, url })}\n`);
process.once('SIGTERM', () => void shutdown());
async function shutdown(): Promise<void> {
  await writeProfile();
  await server.stop();
  process.exit(0);
}
