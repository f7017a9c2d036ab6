import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/**
 * `viewer { person { ... on Student { … } } }`: the identity subgraph's Person is an @interfaceObject,
 * the directory's the interface. A type condition under it must bring the implementation's fields,
 * as `me { ... on Student { … } }` does.
 */
describe('the viewer’s person through a type condition', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  beforeAll(async () => {
    hub = await startEmbeddedHub({ dataDir: mkdtempSync(join(tmpdir(), 'hub-viewer-person-')), ...(await testHubOptions()) });
    ({ ask } = hubSession(hub));
  });
  afterAll(() => hub?.stop());

  it('a pupil’s own fields come back under viewer { person { ... on Student } }, as under me', async () => {
    const fields = 'id displayName ... on Student { id firstName classes { code } }';
    const viaMe = await ask('lea.martin', `{ me { __typename ${fields} } }`);
    expect(viaMe.errors).toBeUndefined();
    expect(viaMe.data.me.classes.map((c: { code: string }) => c.code)).toContain('5EA');
    const viaViewer = await ask('lea.martin', `{ viewer { person { __typename ${fields} } } }`);
    expect(viaViewer.errors).toBeUndefined();
    expect(viaViewer.data.viewer.person).toEqual(viaMe.data.me);
  });
});
