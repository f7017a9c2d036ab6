import type { Viewer } from '../../lib/viewer-context.ts';
import type { StartedSubgraph } from '../../subgraphs/kit/subgraph-server.ts';
import { routerHeaders } from './viewer.ts';

export interface SubgraphAnswer {
  status: number;
  /** The answer's `cache-control` header: how long the router may reuse it. */
  cacheControl: string | null;
  // Test-side JSON: shapes are asserted field by field.
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Posts an operation to a subgraph as the router does (signed, bound viewer context) and returns the answer with its headers. */
export async function askSubgraph(
  subgraph: StartedSubgraph,
  name: string,
  viewer: Viewer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<SubgraphAnswer> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(subgraph.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await routerHeaders(name, viewer, body)) },
    body,
  });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as SubgraphAnswer['body'] };
}

/** The N of `max-age=N, private`, or undefined for any other header (`no-store` among them). */
export function privateMaxAge(cacheControl: string | null): number | undefined {
  const match = /^max-age=(\d+), private$/.exec(cacheControl ?? '');
  return match ? Number(match[1]) : undefined;
}
