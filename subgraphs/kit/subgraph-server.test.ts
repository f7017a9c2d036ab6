import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, type Viewer } from '../../lib/viewer-context.ts';
import { startCampus } from '../../test/fixtures/school-subgraphs.ts';
import { routerHeaders, TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import type { StartedSubgraph } from './subgraph-server.ts';

describe('subgraph trust: only the router may ask', () => {
  let subgraph: StartedSubgraph;
  beforeAll(async () => {
    subgraph = await startCampus();
  });
  afterAll(() => subgraph?.close(0));

  const entities = {
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on School { name } } }',
    variables: { r: [{ __typename: 'School', uai: '0750001A' }] },
  };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(subgraph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** A body as the router sends it, with its signed, bound context. */
  const asRouter = async (body: unknown, viewer: Viewer = ANONYMOUS) => {
    const text = JSON.stringify(body);
    return { text, headers: await routerHeaders('campus', viewer, text) };
  };

  it('answers a request carrying the router’s signed viewer context, _entities included', async () => {
    const { text, headers } = await asRouter(entities);
    const response = await post(text, headers);
    expect(await response.json()).toEqual({ data: { _entities: [{ name: 'Lycée Victor Hugo' }] } });
  });

  it('refuses a context bound to another subgraph, even with the very same body', async () => {
    const text = JSON.stringify(entities);
    const response = await post(text, await routerHeaders('roster', ANONYMOUS, text));
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].message).toBe('Unauthorized: viewer context unbound');
  });

  it('refuses a captured context on any other body than the one it was bound to, and without its binding', async () => {
    const { headers } = await asRouter(entities);
    const other = { query: '{ schools { name } }' };
    for (const [body, sent] of [
      [other, headers],
      [entities, { 'x-hub-viewer': headers['x-hub-viewer']! }],
      [{ ...entities, variables: { r: [{ __typename: 'School', uai: '0750002B' }] } }, headers],
    ] as const) {
      const response = await post(body, sent);
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].message).toBe('Unauthorized: viewer context unbound');
    }
  });

  it('accepts a replayed read but refuses a replayed mutation (once per signed context and body)', async () => {
    const read = await asRouter(entities);
    for (let i = 0; i < 2; i++) expect((await post(read.text, read.headers)).status).toBe(200);
    const write = await asRouter({ query: 'mutation { __typename }' });
    expect((await post(write.text, write.headers)).status).not.toBe(401);
    const replayed = await post(write.text, write.headers);
    expect(replayed.status).toBe(401);
    expect((await replayed.json()).errors[0].message).toBe('Unauthorized: viewer context replayed');
  });

  it('refuses a replayed subscription: it would show what happens next, for as long as it stays open', async () => {
    const stream = await asRouter({ query: 'subscription { __typename }' });
    const headers = { ...stream.headers, accept: 'text/event-stream' };
    const first = await post(stream.text, headers);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await first.body?.cancel();
    const replayed = await post(stream.text, headers);
    expect(replayed.status).toBe(401);
    expect((await replayed.json()).errors[0].message).toBe('Unauthorized: viewer context replayed');
  });

  it('refuses GraphQL over GET (the operation would travel outside the bound body)', async () => {
    const { headers } = await asRouter({ query: '{ schools { name } }' });
    const response = await fetch(`${subgraph.graphqlUrl}?query=${encodeURIComponent('{ schools { name } }')}`, { headers });
    expect(response.status).toBe(405);
  });

  it('refuses a direct request with no context, including a direct _entities query', async () => {
    for (const body of [{ query: '{ schools { name } }' }, entities]) {
      const response = await post(body);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ message: 'Unauthorized: viewer context missing', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  });

  it('refuses a forged context (signed with another key)', async () => {
    const forged = await new SignJWT({ viewer: { kind: 'person', personId: '1', scopes: ['*'], policies: [] } })
      .setProtectedHeader({ alg: 'HS256', typ: 'hub-viewer+jwt' })
      .setIssuer('ent-hub-router')
      .setAudience('ent-hub-subgraphs')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes-long!!'));
    const response = await post(entities, { 'x-hub-viewer': forged });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].message).toBe('Unauthorized: viewer context invalid');
  });

  it('refuses an expired context', async () => {
    const expired = await new SignJWT({ viewer: ANONYMOUS })
      .setProtectedHeader({ alg: 'HS256', typ: 'hub-viewer+jwt' })
      .setIssuer('ent-hub-router')
      .setAudience('ent-hub-subgraphs')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 540)
      .sign(TEST_VIEWER_KEY);
    const response = await post(entities, { 'x-hub-viewer': expired });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].message).toBe('Unauthorized: viewer context expired');
  });

  it('refuses a context altered in transit', async () => {
    const { text, headers } = await asRouter(entities, { kind: 'person', personId: '1000029', profile: 'student', scopes: [], policies: [] });
    const token = headers['x-hub-viewer'];
    const [header, payload, signature] = token!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.viewer.personId = '1000027';
    const altered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    const response = await post(text, { ...headers, 'x-hub-viewer': altered });
    expect(response.status).toBe(401);
  });

  it('refuses a body over its limit with 413', async () => {
    const { text, headers } = await asRouter({ query: '{ schools { name } }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } });
    const response = await post(text, headers);
    expect(response.status).toBe(413);
  });

  it('answers /health without a context (for orchestrators)', async () => {
    expect((await fetch(`${subgraph.url}/health`)).status).toBe(200);
  });
});
