/**
 * (b) The same gateway runtime and native planner, bare: no authentication, no authorization, no
 * audit, no limits. It forwards the viewer context the load generator sends, so the subgraphs
 * answer exactly as for (a).
 */
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.ts';
import { profileIfAsked } from './cpu-profile.ts';
import { subgraphOfUrls } from './subgraph-of.ts';
import { VIEWER_BINDING_HEADER, viewerContextBinding, viewerContextKey } from '../lib/viewer-context.ts';

// The subgraphs accept a context only bound to each request's body: (b) computes that binding, the
// one piece of the hub's work it must do for the subgraphs to answer at all (the same HMAC as (a)).
const key = viewerContextKey(process.env.HUB_VIEWER_CONTEXT_SECRET);

const backend = (await (await fetch(process.env.BENCH_STATS_URL!)).json()) as { subgraphUrls: Record<string, string> };
const subgraphOf = subgraphOfUrls(backend.subgraphUrls);
const gateway = createGatewayRuntime({
  supergraph: readFileSync(SUPERGRAPH_PATH, 'utf8'),
  unifiedGraphHandler,
  transportEntries: {
    // As (a): identical in-flight subgraph queries of different people are never merged (the merge
    // key ignores the viewer header; merged, (b) would do less work than (a), and answer people wrongly).
    '*': { options: { deduplicateInflightRequests: false } },
    ...Object.fromEntries(Object.entries(backend.subgraphUrls).map(([name, location]) => [name, { location }])),
  },
  propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ 'x-hub-viewer': request.headers.get('x-hub-viewer') ?? '' }) },
  logging: false,
  landingPage: false,
  plugins: () => [
    {
      onFetch({ url, options, setOptions }) {
        const headers = options.headers ?? {};
        const body = typeof options.body === 'string' ? options.body : '';
        const subgraph = subgraphOf(url);
        setOptions({ ...options, headers: { ...headers, [VIEWER_BINDING_HEADER]: viewerContextBinding(key, headers['x-hub-viewer'] ?? '', subgraph, body) } });
      },
    },
  ],
});
// The gateway handles its own errors (a 500, or a log line once the response has started); its
// promise only says when the response is sent.
const writeProfile = await profileIfAsked('b');
const server = createServer((req, res) => void gateway(req, res));
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })}\n`),
);
process.once('SIGTERM', () => void writeProfile().then(() => process.exit(0)));
