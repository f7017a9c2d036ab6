import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { composedSupergraphFile } from '../../test/helpers/supergraph-file.ts';
import { TEST_VIEWER_SECRET } from '../../test/helpers/viewer.ts';
import { routerConfigFromEnv } from '../config.ts';
import { startRouter, type HubRouter } from '../router.ts';

/**
 * A subgraph that talks too much (an older or misconfigured one: stack traces, exception details,
 * Apollo inline traces on every answer) behind the production router: none of it reaches a client.
 */
describe('the production router and a subgraph that throws', () => {
  let router: HubRouter;
  let noisy: Server;
  const typeDefs = parse(/* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
    enum Mood {
      HAPPY
      GRUMPY
    }
    type Query {
      boom: String
      school: String
      mood(is: Mood): String
    }
  `);

  beforeAll(async () => {
    noisy = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const query = String((JSON.parse(body || '{}') as { query?: string }).query ?? '');
        const answer = query.includes('boom')
          ? {
              data: { boom: null },
              errors: [
                {
                  message: 'kaput',
                  path: ['boom'],
                  extensions: {
                    code: 'INTERNAL_SERVER_ERROR',
                    stacktrace: ['Error: kaput', '    at boom (/srv/noisy/resolvers.js:12:11)'],
                    exception: { stacktrace: ['Error: kaput'], config: { password: 'hunter2' } },
                  },
                },
              ],
              extensions: { ftv1: 'GgwIzJyR2AYQgPP6hwMiDAjMnJHYBhCAvZ6CA' },
            }
          : { data: { school: 'Lycée' }, extensions: { ftv1: 'GgwIzJyR2AYQgPP6hwMiDAjMnJHYBhCAvZ6CA' } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => noisy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(noisy.address() as AddressInfo).port}/graphql`;
    const { dir, supergraphPath } = composedSupergraphFile('hub-production-errors-', [{ name: 'noisy', url, typeDefs }]);
    router = await startRouter(
      {
        ...routerConfigFromEnv({ NODE_ENV: 'production', HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_AUDIT_DIR: join(dir, 'audit') }),
        port: 0,
        metrics: { host: '127.0.0.1', port: 0 },
        supergraphPath,
      },
      createLogger('router-test', 'silent'),
    );
  });
  afterAll(async () => {
    await router?.stop();
    noisy?.close();
  });

  const ask = async (query: string) => {
    const response = await fetch(router.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
      extensions?: Record<string, unknown>;
    };
  };

  it('strips the subgraph’s stack trace and exception from its errors', async () => {
    const body = await ask('{ boom }');
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors!) {
      expect(error.extensions).not.toHaveProperty('stacktrace');
      expect(error.extensions).not.toHaveProperty('exception');
    }
    expect(JSON.stringify(body)).not.toMatch(/resolvers\.js|hunter2/);
  });

  it('never forwards the subgraph’s inline trace (ftv1)', async () => {
    for (const query of ['{ school }', '{ boom }']) {
      const body = await ask(query);
      expect(JSON.stringify(body), query).not.toContain('ftv1');
    }
  });

  it('suggests no field, argument or enum value names', async () => {
    for (const query of ['{ schol }', '{ mood(iss: HAPPY) }', '{ mood(is: HAPY) }', '{ Query { school } }']) {
      const body = await ask(query);
      expect(body.errors?.length, query).toBeGreaterThan(0);
      expect(JSON.stringify(body.errors), query).not.toMatch(/Did you mean|"school"|HAPPY|\\"is\\"/);
    }
  });

  it('keeps the variable form of an enum error free of suggestions', async () => {
    const response = await fetch(router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($m: Mood) { mood(is: $m) }', variables: { m: 'HAPY' } }),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(body.errors)).not.toMatch(/Did you mean|HAPPY/);
  });
});
