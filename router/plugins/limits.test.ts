import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterHarness, type RouterHarness } from '../../test/helpers/router-harness.ts';

const limits = { maxDepth: 6, maxAliases: 5, maxTokens: 400, maxCost: 5000, maxBatch: 3, maxBodyBytes: 8 * 1024 };

describe('operation and request limits', () => {
  let hub: RouterHarness;
  beforeAll(async () => {
    hub = await startRouterHarness({ limits });
  });
  afterAll(() => hub?.close());

  const codes = (json: any) => json.errors?.map((e: any) => e.extensions?.code);

  it('accepts an ordinary operation', async () => {
    const { json } = await hub.query({ query: '{ schools { uai parent { name } } }' });
    expect(json.errors).toBeUndefined();
  });

  it('refuses deep nesting', async () => {
    const deep = `{ schools { ${'parent { '.repeat(8)} uai ${'} '.repeat(8)} } }`;
    const { json } = await hub.query({ query: deep });
    expect(json.data).toBeUndefined();
    expect(json.errors[0].message).toMatch(/^Operation refused: Query depth limit of 6 exceeded/);
    expect(codes(json)).toContain('OPERATION_LIMIT_EXCEEDED');
  });

  it('refuses deep nesting hidden in fragments', async () => {
    const query = `{ schools { ...A } } fragment A on School { parent { ...B } } fragment B on School { parent { ...C } }
      fragment C on School { parent { ...D } } fragment D on School { parent { parent { parent { uai } } } }`;
    const { json } = await hub.query({ query });
    expect(json.errors[0].message).toMatch(/^Operation refused: Query depth limit of 6 exceeded/);
  });

  it('refuses an alias bomb', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: schools { uai }`).join(' ');
    const { json } = await hub.query({ query: `{ ${aliases} }` });
    expect(json.data).toBeUndefined();
    expect(json.errors[0].message).toMatch(/^Operation refused: Aliases limit of 5 exceeded, found 50/);
    expect(codes(json)).toContain('OPERATION_LIMIT_EXCEEDED');
  });

  it('refuses an operation with too many tokens', async () => {
    const fields = Array.from({ length: 500 }, () => 'uai').join(' ');
    const { json } = await hub.query({ query: `{ schools { ${fields} } }` });
    expect(json.data).toBeUndefined();
    expect(json.errors[0].message).toMatch(/^Operation refused: Token limit of 400 exceeded/);
    expect(codes(json)).toContain('OPERATION_LIMIT_EXCEEDED');
  });

  it('refuses a batch larger than the limit', async () => {
    const batch = Array.from({ length: 5 }, () => ({ query: '{ schools { uai } }' }));
    const { status, json } = await hub.query(batch);
    expect(status).toBe(413);
    expect(json.errors[0].message).toMatch(/Batching is limited to 3 operations/);
    const allowed = await hub.query(batch.slice(0, 3));
    expect(allowed.json).toHaveLength(3);
  });

  it('refuses a huge body with 413, whether declared or chunked', async () => {
    const huge = JSON.stringify({ query: `{ schools { uai } }`, variables: { pad: 'x'.repeat(64 * 1024) } });
    const declared = await hub.query(huge);
    expect(declared.status).toBe(413);
    expect(declared.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');

    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(hub.router.graphqlUrl);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 16; i++) req.write(huge.slice(i * 4096, (i + 1) * 4096));
      req.end(huge.slice(16 * 4096));
    });
    expect(chunked.status).toBe(413);
    expect(chunked.body).toContain('PAYLOAD_TOO_LARGE');
  });

  it('allows introspection and GraphiQL outside production', async () => {
    const { json } = await hub.query({ query: '{ __schema { queryType { name } } }' });
    expect(json.data.__schema.queryType.name).toBe('Query');
    const page = await fetch(hub.router.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });

  it('refuses a GET or a form post that lacks the CSRF header (a cross-site request)', async () => {
    const get = await fetch(`${hub.router.graphqlUrl}?query=${encodeURIComponent('{ schools { uai } }')}`);
    expect(get.status).toBe(403);
    const form = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent('{ schools { uai } }')}`,
    });
    expect(form.status).toBe(403);
    const withHeader = await fetch(`${hub.router.graphqlUrl}?query=${encodeURIComponent('{ schools { uai } }')}`, {
      headers: { 'x-graphql-csrf': '1', accept: 'application/json' },
    });
    expect(withHeader.status).toBe(200);
  });
});

describe('production mode', () => {
  let hub: RouterHarness;
  beforeAll(async () => {
    hub = await startRouterHarness({ production: true });
  });
  afterAll(() => hub?.close());

  it('refuses introspection', async () => {
    const { json } = await hub.query({ query: '{ __schema { types { name } } }' });
    expect(json.data).toBeUndefined();
    expect(json.errors[0].message).toMatch(/introspection/i);
    const typeQuery = await hub.query({ query: '{ __type(name: "School") { fields { name } } }' });
    expect(typeQuery.json.errors[0].message).toMatch(/introspection/i);
  });

  it('serves no GraphiQL page', async () => {
    const page = await fetch(hub.router.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('GraphiQL');
  });

  it('still answers ordinary queries', async () => {
    const { json } = await hub.query({ query: '{ schools { uai pupilCount } }' });
    expect(json.data.schools).toHaveLength(2);
  });
});

describe('trusted documents mode', () => {
  let hub: RouterHarness;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-trusted-'));
    const manifestPath = join(dir, 'manifest.json');
    writeFileSync(
      manifestPath,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: 'schools-v1', name: 'Schools', type: 'query', body: 'query Schools { schools { uai name } }' }],
      }),
    );
    hub = await startRouterHarness({ trustedDocuments: { manifestPaths: [manifestPath], allowArbitrary: false } });
  });
  afterAll(() => hub?.close());

  it('runs a registered operation by its id', async () => {
    const { json } = await hub.query({ extensions: { persistedQuery: { version: 1, sha256Hash: 'schools-v1' } } });
    expect(json.data.schools).toHaveLength(2);
  });

  it('refuses an operation that is not registered', async () => {
    const { json } = await hub.query({ query: '{ schools { uai pupilCount } }' });
    expect(json.data).toBeUndefined();
    expect(json.errors[0].message).toMatch(/persisted/i);
    const unknown = await hub.query({ extensions: { persistedQuery: { version: 1, sha256Hash: 'nope' } } });
    expect(unknown.json.errors[0].message).toBe('PersistedQueryNotFound');
  });
});
