import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRogueOp, type IdTokenFault, type RogueOp } from '../../test/fixtures/rogue-op.ts';
import { LoginError } from './errors.ts';
import { RelyingParty } from './relying-party.ts';

describe('relying party: ID token validation', () => {
  let op: RogueOp;
  let rp: RelyingParty;
  const redirectUri = 'http://127.0.0.1:9/auth/callback';
  beforeAll(async () => {
    op = await startRogueOp('hub');
    rp = new RelyingParty({
      id: 'rogue', label: 'Rogue', issuer: op.issuer, clientId: 'hub', clientSecret: 'secret',
      scopes: ['openid'], linking: 'educonnect', fallbackLinking: false,
    });
  });
  afterAll(() => op?.close(0));

  /** Runs the code flow up to the callback, as a browser would, and lets the RP finish it. */
  async function completeWith(fault: IdTokenFault) {
    op.fault = fault;
    const { url, pending } = await rp.startLogin(redirectUri, { transport: 'bearer' });
    const authorize = await fetch(url, { redirect: 'manual' });
    return rp.finishLogin(new URL(authorize.headers.get('location')!), pending);
  }

  it('accepts a well-formed ID token', async () => {
    const completed = await completeWith('none');
    expect(completed.subject).toBe('rogue-subject');
  });

  it.each(['bad-nonce', 'wrong-audience', 'expired', 'forged-signature', 'wrong-issuer'] as const)('refuses an ID token with %s', async (fault) => {
    const error = await completeWith(fault).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect((error as LoginError).reason).toBe('token-rejected');
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    op.fault = 'none';
    const { url, pending } = await rp.startLogin(redirectUri, { transport: 'bearer' });
    const callback = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    callback.searchParams.set('state', 'tampered');
    const error = await rp.finishLogin(callback, pending).catch((e: unknown) => e);
    expect((error as LoginError).reason).toBe('token-rejected');
  });
});
