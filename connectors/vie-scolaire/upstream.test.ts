import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/helpers/log-capture.ts';
import { UpstreamError } from './errors.ts';
import { DEFAULT_UPSTREAM_OPTIONS, Upstream, UpstreamPool } from './upstream.ts';

/** A tiny upstream whose behaviour each test scripts: status codes, delays, concurrency seen. */
async function scriptedServer(handler: (n: number) => { status: number; delayMs?: number }) {
  let count = 0;
  let inFlight = 0;
  const seen = { maxInFlight: 0, requests: 0, methods: [] as string[] };
  const server: Server = createServer((req, res) => {
    const { status, delayMs = 0 } = handler(++count);
    seen.requests++;
    seen.methods.push(req.method ?? '');
    inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 400 }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('vie scolaire upstream resilience', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((c) => c()));
  });
  const upstream = (url: string, options: Partial<typeof DEFAULT_UPSTREAM_OPTIONS> = {}) => {
    const u = new Upstream('0751000E', url, { ...DEFAULT_UPSTREAM_OPTIONS, retryBaseMs: 5, ...options });
    cleanup.push(() => u.close());
    return u;
  };

  it('retries a read after a transient failure, and succeeds', async () => {
    const server = await scriptedServer((n) => ({ status: n === 1 ? 503 : 200 }));
    cleanup.push(server.close);
    expect(await upstream(server.url).get('/api/periodes')).toEqual({ ok: true });
    expect(server.seen.requests).toBe(2);
  });

  it('never retries a write', async () => {
    const server = await scriptedServer(() => ({ status: 503 }));
    cleanup.push(server.close);
    await expect(upstream(server.url).post('/api/absences/a/justificatifs', {})).rejects.toMatchObject({ reason: 'unavailable', uai: '0751000E' });
    expect(server.seen.methods).toEqual(['POST']);
  });

  it('does not retry a refusal (4xx): asking again would not change the answer', async () => {
    const server = await scriptedServer(() => ({ status: 400 }));
    cleanup.push(server.close);
    await expect(upstream(server.url).get('/api/notes')).rejects.toMatchObject({ reason: 'refused', status: 400 });
    expect(server.seen.requests).toBe(1);
  });

  // Changed on purpose (issue 11): the failures must come from several callers (here three people).
  it('opens its circuit after repeated failures, fails fast while open, and closes when the system is back', async () => {
    let healthy = false;
    const server = await scriptedServer(() => ({ status: healthy ? 200 : 503 }));
    cleanup.push(server.close);
    const u = upstream(server.url, { retries: 0, breakerThreshold: 3, breakerResetMs: 150 });
    for (let i = 0; i < 3; i++) await expect(u.get('/api/periodes', {}, { caller: `person-${i}` })).rejects.toBeInstanceOf(UpstreamError);
    expect(u.circuit).toBe('open');
    const before = server.seen.requests;
    await expect(u.get('/api/periodes')).rejects.toMatchObject({ reason: 'circuit-open' });
    expect(server.seen.requests).toBe(before); // failed fast, nothing sent
    healthy = true;
    await new Promise((r) => setTimeout(r, 200));
    expect(u.circuit).toBe('half-open');
    expect(await u.get('/api/periodes')).toEqual({ ok: true });
    expect(u.circuit).toBe('closed');
  });

  it('counts a retried read as one failure: two failed reads do not open a circuit of threshold three', async () => {
    const server = await scriptedServer(() => ({ status: 503 }));
    cleanup.push(server.close);
    const u = upstream(server.url, { retries: 2, breakerThreshold: 3 });
    await expect(u.get('/api/notes', {}, { caller: 'a' })).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(u.get('/api/notes', {}, { caller: 'b' })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(server.seen.requests).toBe(6); // each read made its three attempts
    expect(u.circuit).toBe('closed');
    await expect(u.get('/api/notes', {}, { caller: 'c' })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(u.circuit).toBe('open');
  });

  it('one caller’s failures alone never open the circuit for everyone; failures of several do', async () => {
    const server = await scriptedServer(() => ({ status: 503 }));
    cleanup.push(server.close);
    const u = upstream(server.url, { retries: 0, breakerThreshold: 3, breakerMinCallers: 2 });
    for (let i = 0; i < 6; i++) await expect(u.get('/api/notes', {}, { caller: 'attacker' })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(u.circuit).toBe('closed');
    await expect(u.get('/api/notes', {}, { caller: 'someone-else' })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(u.circuit).toBe('open');
  });

  it('a refusal between failures proves the system alive: the count of consecutive failures starts again', async () => {
    let next = 503;
    const server = await scriptedServer(() => ({ status: next }));
    cleanup.push(server.close);
    const u = upstream(server.url, { retries: 0, breakerThreshold: 3, breakerMinCallers: 1 });
    for (const caller of ['a', 'b']) await expect(u.get('/api/notes', {}, { caller })).rejects.toMatchObject({ reason: 'unavailable' });
    next = 404;
    await expect(u.get('/api/notes', {}, { caller: 'c' })).rejects.toMatchObject({ reason: 'refused' });
    next = 503;
    for (const caller of ['d', 'e']) await expect(u.get('/api/notes', {}, { caller })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(u.circuit).toBe('closed');
    await expect(u.get('/api/notes', {}, { caller: 'f' })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(u.circuit).toBe('open');
  });

  it('a failed trial is not retried: it ends its call and opens the circuit again', async () => {
    const server = await scriptedServer(() => ({ status: 503 }));
    cleanup.push(server.close);
    const u = upstream(server.url, { retries: 2, breakerThreshold: 1, breakerMinCallers: 1, breakerResetMs: 100 });
    await expect(u.get('/api/notes')).rejects.toMatchObject({ reason: 'unavailable' });
    expect(server.seen.requests).toBe(3);
    expect(u.circuit).toBe('open');
    await new Promise((r) => setTimeout(r, 150));
    await expect(u.get('/api/notes')).rejects.toMatchObject({ reason: 'unavailable' });
    expect(server.seen.requests).toBe(4); // one attempt, the trial
    expect(u.circuit).toBe('open');
  });

  it('sheds one caller’s burst in its own lane, and another caller gets through meanwhile', async () => {
    const server = await scriptedServer(() => ({ status: 200, delayMs: 150 }));
    cleanup.push(server.close);
    const u = upstream(server.url, { maxConcurrent: 6, maxConcurrentPerCaller: 2, maxQueuedPerCaller: 2 });
    const burst = Array.from({ length: 10 }, () =>
      u.get('/api/notes', {}, { caller: 'attacker' }).then(
        () => 'ok',
        (e: UpstreamError) => e.reason,
      ),
    );
    const started = Date.now();
    expect(await u.get('/api/notes', {}, { caller: 'guardian' })).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(280); // not behind the attacker's queue
    const outcomes = await Promise.all(burst);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(4); // two in flight, two waiting
    expect(outcomes.filter((o) => o === 'overloaded')).toHaveLength(6); // the rest never sent
    expect(server.seen.requests).toBe(5);
    expect(u.circuit).toBe('closed');
  });

  it('a call that waited in our own queue past its deadline is not the system’s failure', async () => {
    const server = await scriptedServer(() => ({ status: 200, delayMs: 150 }));
    cleanup.push(server.close);
    const u = upstream(server.url, { maxConcurrent: 1, retries: 0, deadlineMs: 400, breakerThreshold: 3 });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        u.get('/api/notes', {}, { caller: `p${i}` }).then(
          () => 'ok',
          (e: UpstreamError) => e.reason,
        ),
      ),
    );
    expect(outcomes.slice(0, 2)).toEqual(['ok', 'ok']);
    // The third is sent late and may time out there (a failure of the system's); the last ones never leave our queue.
    expect(outcomes.slice(4)).toEqual(['overloaded', 'overloaded']);
    expect(u.circuit).toBe('closed');
  });

  it('keeps to its concurrency limit', async () => {
    const server = await scriptedServer(() => ({ status: 200, delayMs: 30 }));
    cleanup.push(server.close);
    const u = upstream(server.url, { maxConcurrent: 3 });
    await Promise.all(Array.from({ length: 12 }, () => u.get('/api/periodes')));
    expect(server.seen.maxInFlight).toBeLessThanOrEqual(3);
    expect(server.seen.requests).toBe(12);
  });

  it('answers within its deadline when the system hangs', async () => {
    const server = await scriptedServer(() => ({ status: 200, delayMs: 5000 }));
    cleanup.push(server.close);
    const started = Date.now();
    await expect(upstream(server.url, { requestTimeoutMs: 200, deadlineMs: 500, retries: 3 }).get('/api/periodes')).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('says clearly that a school has no configured system', () => {
    expect(() => new UpstreamPool({}).get('0000000X')).toThrow(/no vie scolaire system is configured for school 0000000X/);
  });
});

/** A metric's value for the given labels, as a scraper reads it (undefined when there is no such series). */
async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value;
}

describe('vie scolaire breaker, observed', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((c) => c()));
  });

  it('exports each school’s breaker state and its transitions as metrics, and logs them (warn when it opens)', async () => {
    let healthy = false;
    const failing = await scriptedServer(() => ({ status: healthy ? 200 : 503 }));
    const fine = await scriptedServer(() => ({ status: 200 }));
    cleanup.push(failing.close, fine.close);
    const registry = new Registry();
    const { log, lines } = capturingLogger('upstream');
    const pool = new UpstreamPool(
      { '0751000E': failing.url, '0752000F': fine.url },
      { ...DEFAULT_UPSTREAM_OPTIONS, retries: 0, breakerThreshold: 3, breakerResetMs: 150 },
      { metrics: registry, log },
    );
    cleanup.push(() => pool.close());
    const state = (school: string, value: string) => metricValue(registry, 'hub_vie_scolaire_breaker_state', { school, state: value });
    const transitions = (school: string, to: string) => metricValue(registry, 'hub_vie_scolaire_breaker_transitions_total', { school, to });

    // Every configured school has its series from the start (a scraper sees "closed", not nothing).
    expect(await state('0751000E', 'closed')).toBe(1);
    expect(await state('0752000F', 'closed')).toBe(1);
    expect(await transitions('0751000E', 'open')).toBe(0);

    for (let i = 0; i < 3; i++)
      await expect(pool.get('0751000E').get('/api/notes', {}, { caller: `person-${i}` })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(await state('0751000E', 'open')).toBe(1);
    expect(await state('0751000E', 'closed')).toBe(0);
    expect(await state('0752000F', 'closed')).toBe(1); // the other school is not concerned
    expect(await transitions('0751000E', 'open')).toBe(1);
    const opened = lines().filter((l) => typeof l.msg === 'string' && l.msg.includes('circuit opened'));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ level: 40, school: '0751000E', reason: 'unavailable' });
    expect(JSON.stringify(lines())).not.toMatch(/person-\d/); // callers are never logged

    healthy = true;
    await new Promise((r) => setTimeout(r, 200));
    expect(await state('0751000E', 'half-open')).toBe(1);
    expect(await pool.get('0751000E').get('/api/notes')).toEqual({ ok: true });
    expect(await state('0751000E', 'closed')).toBe(1);
    expect(await transitions('0751000E', 'half-open')).toBe(1);
    expect(await transitions('0751000E', 'closed')).toBe(1);
    expect(lines().filter((l) => String(l.msg).includes('circuit closed'))).toEqual([expect.objectContaining({ level: 30, school: '0751000E' })]);
  });
});
