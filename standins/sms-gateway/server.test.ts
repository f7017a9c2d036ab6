import { fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmsGatewayStandin, type RunningSmsGatewayStandin } from './server.ts';

const API_KEY = 'sk_test_standin';
const post = (gateway: RunningSmsGatewayStandin, body: unknown, key = API_KEY) =>
  fetch(`${gateway.url}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('SMS gateway stand-in', () => {
  let gateway: RunningSmsGatewayStandin | undefined;
  afterEach(() => gateway?.close());

  it('shows the messages to a person on its page, escaped', async () => {
    gateway = await startSmsGatewayStandin({ port: 0, apiKey: API_KEY });
    await post(gateway, { from: 'ENT', to: '+33612345678', text: '<script>alert(1)</script> & "co"', reference: 'r1' });

    const page = await fetch(`${gateway.url}/`);
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('+33612345678');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;');
    expect(html).not.toContain('<script>');
  });

  it('refuses a call without the key, and keeps only the newest messages', async () => {
    gateway = await startSmsGatewayStandin({ port: 0, apiKey: API_KEY, maxMessages: 2 });
    expect((await post(gateway, { from: 'ENT', to: '+33612345678', text: 'x', reference: 'k' }, 'other')).status).toBe(401);
    for (const reference of ['a', 'b', 'c']) expect((await post(gateway, { from: 'ENT', to: '+33612345678', text: 'x', reference })).status).toBe(201);
    expect([...gateway.messages.keys()]).toEqual(['b', 'c']);
  });
});
