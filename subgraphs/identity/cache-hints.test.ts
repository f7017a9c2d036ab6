import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { ANONYMOUS } from '../../lib/viewer-context.ts';
import { FileAuditStore } from '../../store/journal/file-store.ts';
import { MemorySessionStore } from '../../store/sessions/memory-store.ts';
import { DEFAULT_SESSION_TIMEOUTS } from '../../store/sessions/session.ts';
import { demoAcademie, viewerFor } from '../../test/helpers/demo-academie.ts';
import { askSubgraph } from '../../test/helpers/subgraph-request.ts';
import { TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { StartedSubgraph } from '../kit/subgraph-server.ts';
import { startIdentitySubgraph } from './server.ts';

/**
 * The identity subgraph's `viewer` (the signed context, and the children the directory gives) may be
 * reused 60 s by its viewer; the sessions and the login history, the hub's own store, never.
 */
describe('identity subgraph: cache hints', () => {
  let academie: EmbeddedAcademie;
  let subgraph: StartedSubgraph;
  beforeAll(async () => {
    academie = await demoAcademie();
    subgraph = await startIdentitySubgraph({
      sessions: new MemorySessionStore(DEFAULT_SESSION_TIMEOUTS),
      audit: new FileAuditStore(mkdtempSync(join(tmpdir(), 'hub-identity-hints-'))),
      directory: academie.directory,
      perimeter: { personInChargeSeesChild: false },
      viewerContextKey: TEST_VIEWER_KEY,
      log: createLogger('identity', 'silent'),
      port: 0,
    });
  });
  afterAll(() => subgraph?.close(0));

  const guardian = () => ({ ...viewerFor(academie, 'sophie.martin'), sessionId: 'session-1', schools: [] });
  const ask = (query: string) => askSubgraph(subgraph, 'identity', guardian(), query);
  // What the router asks of this subgraph for the bench's GuardianDashboard and the portal's GuardianHome.
  const HOME = '{ viewer { profile functions person { id } children { id } } }';

  it('a guardian’s viewer and children (GuardianDashboard, GuardianHome) may be reused 60 s by this viewer only', async () => {
    const answer = await ask(HOME);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.viewer.children).toHaveLength(3);
    expect(answer.cacheControl).toBe('max-age=60, private');
  });

  it('asking also for the sessions or the login history (the hub’s own store) makes the answer not reusable', async () => {
    for (const extra of ['sessions { id }', 'loginHistory { at }', 'session { id }']) {
      const answer = await ask(`{ viewer { profile children { id } ${extra} } }`);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.cacheControl).toBe('no-store');
    }
  });

  it('a mutation’s answer is never reusable', async () => {
    const answer = await ask('mutation { endOtherSessions }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.cacheControl).toBe('no-store');
  });

  it('an answer with an error (no person behind the request) is not reusable', async () => {
    const answer = await askSubgraph(subgraph, 'identity', ANONYMOUS, HOME);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.cacheControl).toBe('no-store');
  });
});
