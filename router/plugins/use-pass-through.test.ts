import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/env.ts';
import { capturingLogger } from '../../test/helpers/log-capture.ts';
import { routerConfigFromEnv } from '../config.ts';
import { passThroughLogPath, usePassThroughRoutes } from './use-pass-through.ts';

const SECRET = { HUB_VIEWER_CONTEXT_SECRET: 'x'.repeat(40) };

describe('pass-through routes (configuration)', () => {
  it('are read from ROUTER_PASS_THROUGH_ROUTES: whole path segments to a subgraph name', () => {
    expect(routerConfigFromEnv({ ...SECRET }).passThroughRoutes).toBeUndefined();
    expect(routerConfigFromEnv({ ...SECRET, ROUTER_PASS_THROUGH_ROUTES: '{"/privacy/exports/": "identity"}' }).passThroughRoutes).toEqual([
      { prefix: '/privacy/exports/', subgraph: 'identity' },
    ]);
  });

  it('refuse a prefix the router serves itself, a partial segment, or a malformed value, naming the variable', () => {
    for (const value of ['{"/graphql/": "identity"}', '{"/auth/x/": "identity"}', '{"/privacy": "identity"}', '{"/a b/": "identity"}', '["/x/"]', 'not json']) {
      const error = (() => {
        try {
          routerConfigFromEnv({ ...SECRET, ROUTER_PASS_THROUGH_ROUTES: value });
        } catch (e) {
          return e;
        }
      })();
      expect(error, value).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('ROUTER_PASS_THROUGH_ROUTES');
    }
  });

  it('are logged by their prefix alone: the rest of the path may be a secret', () => {
    const logPath = passThroughLogPath([{ prefix: '/privacy/exports/', subgraph: 'identity' }]);
    expect(logPath('/privacy/exports/some-one-time-token')).toBe('/privacy/exports/…');
    expect(logPath('/graphql')).toBe('/graphql');
  });
});

describe('pass-through routes (forwarding)', () => {
  let seen: { url?: string; headers?: IncomingHttpHeaders } = {};
  const subgraph = createServer((req, res) => {
    seen = { url: req.url, headers: req.headers };
    res.writeHead(200, { 'content-type': 'application/json', 'content-disposition': 'attachment', 'set-cookie': 'subgraph=1', 'x-internal': 'yes' });
    res.end('{"ok":true}');
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => subgraph.close(() => resolve())));

  /** Runs the plugin's onRequest on one request, as the gateway would; its response, or undefined when it let the request through. */
  async function through(path: string, init: RequestInit = {}, subgraphUrl = () => base) {
    const logs = capturingLogger('router');
    const plugin = usePassThroughRoutes({ routes: [{ prefix: '/privacy/exports/', subgraph: 'identity' }], subgraphUrl, timeoutMs: () => 2000, log: logs.log });
    const request = new Request(`http://router.test${path}`, init);
    let answered: Response | undefined;
    const payload = { request, url: new URL(request.url), fetchAPI: globalThis, endResponse: (response: Response) => void (answered = response) };
    await (plugin.onRequest as (p: unknown) => Promise<void>)(payload);
    return { answered, logs: JSON.stringify(logs.lines()) };
  }

  it('forwards a GET under the prefix with its path and query only: no cookie, no authorization; keeps only content headers', async () => {
    const { answered } = await through('/privacy/exports/abc?x=1', {
      headers: { cookie: '__Host-hub_session=secret', authorization: 'Bearer hubs_secret', accept: 'application/json' },
    });
    expect(seen.url).toBe('/privacy/exports/abc?x=1');
    expect(seen.headers?.cookie).toBeUndefined();
    expect(seen.headers?.authorization).toBeUndefined();
    expect(answered!.status).toBe(200);
    expect(await answered!.text()).toBe('{"ok":true}');
    expect(answered!.headers.get('content-disposition')).toBe('attachment');
    expect(answered!.headers.get('set-cookie')).toBeNull();
    expect(answered!.headers.get('x-internal')).toBeNull();
    expect(answered!.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets other paths through, refuses other methods, and says 502 without the path when the subgraph is down', async () => {
    expect((await through('/graphql')).answered).toBeUndefined();
    expect((await through('/privacy/exports/abc', { method: 'POST' })).answered!.status).toBe(405);
    const down = await through('/privacy/exports/the-secret-token', {}, () => 'http://127.0.0.1:1/graphql');
    expect(down.answered!.status).toBe(502);
    expect(down.logs).toContain('/privacy/exports/');
    expect(down.logs).not.toContain('the-secret-token');
  });
});
