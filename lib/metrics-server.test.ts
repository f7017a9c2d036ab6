import { Counter, Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from './http-server.ts';
import { metricsRoute, serveMetrics } from './metrics-server.ts';

describe('metrics listeners', () => {
  const registry = new Registry();
  new Counter({ name: 'hub_test_things_total', help: 'Things.', registers: [registry] }).inc(3);
  const started: RunningServer[] = [];
  afterAll(() => Promise.all(started.map((s) => s.close(0))));

  it('serves GET /metrics on its own listener, and nothing else', async () => {
    const server = await serveMetrics(registry, { host: '127.0.0.1', port: 0 });
    started.push(server);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('hub_test_things_total 3');
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('serves them on a public port only to the token’s bearer', async () => {
    const token = 'a-metrics-token-of-at-least-32-characters';
    const route = metricsRoute(registry, token);
    const server = await listen((req, res) => void route.handle(req, res), { port: 0 });
    started.push(server);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('hub_test_things_total 3');
  });
});
