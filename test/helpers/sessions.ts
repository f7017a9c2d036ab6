import { sessionSecretHash, type SessionProfile, type SessionStore } from '../../store/sessions/session.ts';

/**
 * A bearer session put straight into a router's store, for router tests on fixture subgraphs (no
 * login flow, no directory): `id` is also its secret. Returns the `Authorization` token.
 */
export async function putBearerSession(
  sessions: SessionStore,
  session: { id: string; personId: string; profile: SessionProfile; children?: string[] },
): Promise<string> {
  await sessions.put({
    children: [],
    ...session,
    secretHash: sessionSecretHash(session.id),
    functions: [],
    schools: [],
    idp: 'test',
    idpSubject: session.personId,
    createdAt: Date.now(),
    lastSeenAt: Date.now(),
    transport: 'bearer',
  });
  return `hubs_${session.id}`;
}
