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
      id: 'rogue',
      label: 'Rogue',
      issuer: op.issuer,
      clientId: 'hub',
      clientSecret: 'secret',
      scopes: ['openid'],
      linking: 'educonnect',
      fallbackLinking: false,
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

describe('relying party: back-channel logout tokens', () => {
  let op: RogueOp;
  const provider = {
    id: 'rogue',
    label: 'Rogue',
    clientId: 'hub',
    clientSecret: 'secret',
    scopes: ['openid'],
    linking: 'educonnect' as const,
    fallbackLinking: false,
  };
  beforeAll(async () => {
    op = await startRogueOp('hub');
  });
  afterAll(() => op?.close(0));

  const refusal = (rp: RelyingParty, token: string) =>
    rp.verifyLogoutToken(token).then(
      () => undefined,
      (e: unknown) => e,
    );

  it('accepts a logout token once and refuses it replayed', async () => {
    const rp = new RelyingParty({ ...provider, issuer: op.issuer });
    const token = await op.logoutToken({ sid: 'session-1' });
    expect(await rp.verifyLogoutToken(token)).toEqual({ sid: 'session-1', sub: undefined });
    const replayed = await refusal(rp, token);
    expect(replayed).toBeInstanceOf(LoginError);
    expect((replayed as LoginError).reason).toBe('token-rejected');
    expect((replayed as LoginError).message).toMatch(/replayed/);
  });

  it('remembers a bounded number of logout tokens: the most recent are refused replayed, the oldest is forgotten', async () => {
    const rp = new RelyingParty({ ...provider, issuer: op.issuer }, { rememberedLogoutTokens: 3 });
    const tokens = await Promise.all(['a', 'b', 'c', 'd'].map((sid) => op.logoutToken({ sid })));
    for (const token of tokens) await rp.verifyLogoutToken(token);
    for (const token of tokens.slice(1)) expect(((await refusal(rp, token)) as LoginError).message).toMatch(/replayed/);
    // Four tokens through a memory of three: the first one is no longer remembered.
    expect(await refusal(rp, tokens[0]!)).toBeUndefined();
  });
});
