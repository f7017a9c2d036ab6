/**
 * (b) The same gateway runtime and native planner, bare: no authentication, no authorization, no
 * audit, no limits. It forwards the viewer context the load generator sends, so the subgraphs
 * answer exactly as for (a).
 */
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.ts';

const backend = (await (await fetch(process.env.BENCH_STATS_URL!)).json()) as { subgraphUrls: Record<string, string> };
const gateway = createGatewayRuntime({
  supergraph: readFileSync(SUPERGRAPH_PATH, 'utf8'),
  unifiedGraphHandler,
  transportEntries: Object.fromEntries(Object.entries(backend.subgraphUrls).map(([name, location]) => [name, { location }])),
  propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ 'x-hub-viewer': request.headers.get('x-hub-viewer') ?? '' }) },
  logging: false,
  landingPage: false,
});
const server = createServer(gateway);
server.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${process.env.BENCH_PORT}/graphql` })}\n`));
process.once('SIGTERM', () => process.exit(0));
