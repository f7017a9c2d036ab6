import { createServer, type Server } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmsGatewayStandin, type RunningSmsGatewayStandin } from '../../standins/sms-gateway/server.ts';
import { SmsConfigError, SmsError, SmsGatewayClient, type SmsGatewayConfig } from './sms-gateway.ts';

const API_KEY = 'sk_test_4f9a1c2e7b';

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('the call should have failed'),
    (error: unknown) => error as SmsError,
  );

describe('SmsGatewayClient against the gateway stand-in', () => {
  let gateway: RunningSmsGatewayStandin;
  let clients: SmsGatewayClient[] = [];
  const client = (config: Partial<SmsGatewayConfig> = {}) => {
    const c = new SmsGatewayClient({ endpoint: gateway.url, apiKey: API_KEY, sender: 'ENT Hub', timeoutMs: 2000, ...config });
    clients.push(c);
    return c;
  };
  const posts = () => gateway.requests.get('POST /messages') ?? 0;

  beforeAll(async () => {
    gateway = await startSmsGatewayStandin({ port: 0, apiKey: API_KEY });
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    Object.assign(gateway.faults, { down: false, latencyMs: 0 });
    gateway.faults.failNumbers.clear();
  });
  afterAll(() => gateway.close());

  it('sends once per reference: a retry gets the same id and no second SMS', async () => {
    const sms = { to: '+33612345678', text: 'Léa est absente ce matin (8h-9h).', reference: 'absence-17:guardian-3:sms' };
    const first = await client().send(sms);
    const retry = await client().send(sms);

    expect(first).toEqual({ id: expect.any(String), status: 'queued' });
    expect(retry.id).toBe(first.id);
    expect(gateway.messages.get(sms.reference)).toMatchObject({ id: first.id, from: 'ENT Hub', to: '+33612345678', text: sms.text, deliveries: 2 });
    expect([...gateway.messages.values()].filter((m) => m.to === '+33612345678' && m.text === sms.text)).toHaveLength(1);
  });

  it('reads the delivery receipt: queued, then delivered, or failed with the reason', async () => {
    const c = client();
    const { id } = await c.send({ to: '+262692123456', text: 'Retard de Tom', reference: 'receipt-1' });
    expect(gateway.messages.get('receipt-1')!.status).toBe('queued');
    await expect(c.status(id)).resolves.toEqual({ status: 'delivered' });

    gateway.faults.failNumbers.add('+33698765432');
    const lost = await c.send({ to: '+33698765432', text: 'Retard de Tom', reference: 'receipt-2' });
    await expect(c.status(lost.id)).resolves.toEqual({ status: 'failed', error: 'absent_subscriber' });

    const unknown = await failureOf(c.status('SM-unknown'));
    expect(unknown).toMatchObject({ code: 'ERR_SMS', reason: 'rejected', detail: { status: 404 } });
  });

  it('says a number the gateway refuses is invalid (not to be retried)', async () => {
    // E.164 in shape, but no such French number.
    const error = await failureOf(client().send({ to: '+33012345678', text: 'x', reference: 'bad-number' }));
    expect(error).toBeInstanceOf(SmsError);
    expect(error).toMatchObject({ code: 'ERR_SMS', reason: 'invalid-number', detail: { status: 422 } });
    expect(gateway.messages.has('bad-number')).toBe(false);
  });

  it('refuses, without calling the gateway, a number not in E.164 and a text longer than 4 SMS', async () => {
    const before = posts();
    await expect(failureOf(client().send({ to: '06 12 34 56 78', text: 'x', reference: 'national' }))).resolves.toMatchObject({ reason: 'invalid-number' });
    const long = await failureOf(client().send({ to: '+33612345678', text: 'é'.repeat(613), reference: 'long' }));
    expect(long).toMatchObject({ code: 'ERR_SMS', reason: 'rejected' });
    expect(long.message).toContain('612');
    await expect(client().send({ to: '+33612345678', text: 'é'.repeat(612), reference: 'longest' })).resolves.toMatchObject({ status: 'queued' });
    expect(posts() - before).toBe(1);
  });

  it('says a wrong key is a configuration error, without showing the key', async () => {
    const wrongKey = 'sk_live_WRONG_9z8y7x';
    const error = await failureOf(client({ apiKey: wrongKey }).send({ to: '+33612345678', text: 'x', reference: 'wrong-key' }));
    expect(error).toMatchObject({ code: 'ERR_SMS', reason: 'misconfigured', detail: { status: 401 } });
    expect(error.message).toMatch(/API key/);
    const everything = `${error.message} ${error.stack} ${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(API_KEY);
    expect(gateway.messages.has('wrong-key')).toBe(false);
  });

  it('says an outage (503) is to be retried, and the retry sends once when the gateway is back', async () => {
    gateway.faults.down = true;
    const sms = { to: '+33612345678', text: 'Absence', reference: 'outage-1' };
    const error = await failureOf(client().send(sms));
    expect(error).toMatchObject({ code: 'ERR_SMS', reason: 'unavailable', detail: { status: 503 } });
    expect(error.message).toContain(gateway.url);

    gateway.faults.down = false;
    await client().send(sms);
    expect(gateway.messages.get('outage-1')!.deliveries).toBe(1);
  });

  it('gives up on a gateway slower than its timeout (retried later)', async () => {
    gateway.faults.latencyMs = 1000;
    const started = Date.now();
    const error = await failureOf(client({ timeoutMs: 200 }).send({ to: '+33612345678', text: 'x', reference: 'slow' }));
    expect(error).toMatchObject({ code: 'ERR_SMS', reason: 'unavailable' });
    expect(error.message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('says an unreachable gateway is to be retried', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failureOf(client({ endpoint: `http://127.0.0.1:${port}` }).send({ to: '+33612345678', text: 'x', reference: 'nowhere' }));
    expect(error).toMatchObject({ code: 'ERR_SMS', reason: 'unavailable' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('says a wrong endpoint is a configuration error', async () => {
    const error = await failureOf(client({ endpoint: `${gateway.url}/v2` }).send({ to: '+33612345678', text: 'x', reference: 'wrong-path' }));
    expect(error).toMatchObject({ code: 'ERR_SMS', reason: 'misconfigured', detail: { status: 404 } });
  });

  it('refuses at construction a sender name, endpoint or key that cannot work', () => {
    const base = { endpoint: 'https://sms.example/v1', apiKey: API_KEY, sender: 'ENT Hub' };
    for (const sender of ['EN', 'ENT-Académie', 'Twelve chars', '0612345678', ' ENT', '']) {
      expect(() => new SmsGatewayClient({ ...base, sender })).toThrow(SmsConfigError);
    }
    expect(() => new SmsGatewayClient({ ...base, endpoint: 'https://sms.example/v1?api_key=abc' })).toThrow(
      expect.objectContaining({ code: 'ERR_SMS_CONFIG', field: 'endpoint' }),
    );
    expect(() => new SmsGatewayClient({ ...base, endpoint: 'https://user:pw@sms.example' })).toThrow(expect.objectContaining({ field: 'endpoint' }));
    expect(() => new SmsGatewayClient({ ...base, endpoint: 'sms.example' })).toThrow(expect.objectContaining({ field: 'endpoint' }));
    expect(() => new SmsGatewayClient({ ...base, apiKey: '' })).toThrow(expect.objectContaining({ field: 'apiKey' }));
    for (const sender of ['ENT', 'ENT Hub', 'College 42', 'Academie01']) void new SmsGatewayClient({ ...base, sender }).close();
  });
});
