import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterHarness, type RouterHarness } from '../test/helpers/router-harness.ts';

describe('router over two subgraphs', () => {
  let hub: RouterHarness;
  beforeAll(async () => {
    hub = await startRouterHarness();
  });
  afterAll(() => hub?.close());

  it('uses the native query planner', () => {
    expect(hub.router.planner).toBe('native');
  });

  it('joins fields from both subgraphs in one query', async () => {
    const { status, json } = await hub.query({ query: '{ schools { uai name pupilCount } }' });
    expect(json).toMatchObject({ data: expect.anything() }); expect(status).toBe(200);
    expect(json).toEqual({
      data: {
        schools: [
          { uai: '0750001A', name: 'Lycée Victor Hugo', pupilCount: 1200 },
          { uai: '0750002B', name: 'Collège Jean Moulin', pupilCount: 450 },
        ],
      },
    });
  });
});
