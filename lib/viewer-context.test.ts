import { createHmac } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  VIEWER_CONTEXT_CLOCK_SKEW_SECONDS,
  VIEWER_CONTEXT_TTL_SECONDS,
  verifyViewerContext,
  viewerContextKey,
  viewerContextToken,
  type Viewer,
} from './viewer-context.ts';

const key = viewerContextKey('k'.repeat(40));
const viewer: Viewer = { kind: 'person', personId: 'P1', profile: 'guardian', scopes: ['grades:read'], policies: [], children: ['P2'] };

describe('signed viewer contexts (signed and checked in place, as HS256 JWTs)', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies as an HS256 hub-viewer JWT carrying the viewer and the request id, with a fresh id each time', async () => {
    const token = viewerContextToken(viewer, key, 'req-1');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'hub-viewer+jwt' });
    const verified = await verifyViewerContext(token, key);
    expect(verified.viewer).toEqual(viewer);
    expect(verified.requestId).toBe('req-1');
    const again = await verifyViewerContext(viewerContextToken(viewer, key, 'req-1'), key);
    expect(again.contextId).not.toBe(verified.contextId);
    const claims = decodeJwt(token);
    expect(claims.exp! - claims.iat!).toBe(VIEWER_CONTEXT_TTL_SECONDS);
  });

  it('is refused under another key, altered, or past its lifetime', async () => {
    const token = viewerContextToken(viewer, key, 'req-1');
    await expect(verifyViewerContext(token, viewerContextKey('o'.repeat(40)))).rejects.toMatchObject({ reason: 'invalid' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { viewer: Viewer };
    const forged = Buffer.from(JSON.stringify({ ...claims, viewer: { ...claims.viewer, children: ['P3'] } })).toString('base64url');
    await expect(verifyViewerContext(`${header}.${forged}.${signature}`, key)).rejects.toMatchObject({ reason: 'invalid' });
    vi.useFakeTimers({ now: Date.now() + (VIEWER_CONTEXT_TTL_SECONDS + 1) * 1000 });
    await expect(verifyViewerContext(token, key)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('verifies a context jose signs with the same header and claims (the format is JWT, not ours)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ viewer, rid: 'req-9', jti: 'j-1' })
      .setProtectedHeader({ alg: 'HS256', typ: 'hub-viewer+jwt' })
      .setIssuer('ent-hub-router')
      .setAudience('ent-hub-subgraphs')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
    expect(await verifyViewerContext(token, key)).toEqual({ viewer, requestId: 'req-9', contextId: 'j-1' });
  });

  describe('refuses, signed with the right key, what the router never signs', () => {
    const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
    const HEADER = { alg: 'HS256', typ: 'hub-viewer+jwt' };
    const sign = (header: unknown, payload: unknown) => {
      const input = `${b64(header)}.${b64(payload)}`;
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    };
    const claims = () => {
      const now = Math.floor(Date.now() / 1000);
      return { viewer, rid: 'r', jti: 'j', iss: 'ent-hub-router', aud: 'ent-hub-subgraphs', iat: now, exp: now + 60 };
    };
    const refused = (token: string | undefined, reason = 'invalid') => expect(verifyViewerContext(token, key)).rejects.toMatchObject({ reason });

    it('the control: the same helper signs a context that verifies', async () => {
      expect((await verifyViewerContext(sign(HEADER, claims()), key)).viewer).toEqual(viewer);
    });

    it('no token, or not three parts', async () => {
      await refused(undefined, 'missing');
      await refused('', 'missing');
      const token = sign(HEADER, claims());
      await refused(token.split('.').slice(0, 2).join('.'));
      await refused(`${token}.x`);
      await refused(`${token.split('.').slice(0, 2).join('.')}.`);
    });

    it('another header: alg none, another algorithm, no or another type, any other parameter, the same JSON spelled otherwise', async () => {
      const unsigned = `${b64({ alg: 'none', typ: 'hub-viewer+jwt' })}.${b64(claims())}.`;
      await refused(unsigned);
      await refused(sign({ alg: 'none', typ: 'hub-viewer+jwt' }, claims()));
      await refused(sign({ alg: 'HS512', typ: 'hub-viewer+jwt' }, claims()));
      await refused(sign({ alg: 'HS256' }, claims()));
      await refused(sign({ alg: 'HS256', typ: 'JWT' }, claims()));
      await refused(sign({ ...HEADER, crit: ['b64'], b64: false }, claims()));
      await refused(sign({ ...HEADER, kid: 'other' }, claims()));
      await refused(sign({ typ: 'hub-viewer+jwt', alg: 'HS256' }, claims()));
      await refused(sign(' {"alg":"HS256","typ":"hub-viewer+jwt"}', claims()));
    });

    it('a signature that is not exactly the one expected: cut, padded, in another encoding, of another input', async () => {
      const token = sign(HEADER, claims());
      const [header, payload, signature] = token.split('.') as [string, string, string];
      await refused(`${header}.${payload}.${signature.slice(0, -1)}`);
      await refused(`${header}.${payload}.${signature}=`);
      await refused(`${header}.${payload}.${signature}A`);
      await refused(`${header}.${payload}.${Buffer.from(signature, 'base64url').toString('base64')}`);
      await refused(`${header}.${payload}.${Buffer.from(signature, 'base64url').toString('hex')}`);
      await refused(`${header}.${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`);
      await refused(`${header}.${b64({ ...claims(), rid: 'other' })}.${signature}`);
    });

    it('a payload that is not a JSON object', async () => {
      await refused(sign(HEADER, 'not json'));
      await refused(sign(HEADER, [claims()]));
      await refused(sign(HEADER, null));
      await refused(sign(HEADER, 42));
    });

    it('another issuer or audience, or an audience list', async () => {
      await refused(sign(HEADER, { ...claims(), iss: 'someone-else' }));
      await refused(sign(HEADER, { ...claims(), iss: undefined }));
      await refused(sign(HEADER, { ...claims(), aud: 'another-audience' }));
      await refused(sign(HEADER, { ...claims(), aud: ['ent-hub-subgraphs', 'another-audience'] }));
      await refused(sign(HEADER, { ...claims(), aud: undefined }));
    });

    it('times that are missing, not numbers, in the future, or past the lifetime', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(sign(HEADER, { ...claims(), iat: undefined }));
      await refused(sign(HEADER, { ...claims(), exp: undefined }));
      await refused(sign(HEADER, { ...claims(), iat: String(now) }));
      await refused(sign(HEADER, { ...claims(), exp: 'later' }));
      await refused(sign(HEADER, { ...claims(), nbf: now }));
      await refused(sign(HEADER, { ...claims(), iat: now + 30, exp: now + 90 }));
      // A router's clock a few seconds ahead (another host) is allowed for, no more.
      expect((await verifyViewerContext(sign(HEADER, { ...claims(), iat: now + 3, exp: now + 63 }), key)).viewer).toEqual(viewer);
      await refused(sign(HEADER, { ...claims(), iat: now + VIEWER_CONTEXT_CLOCK_SKEW_SECONDS + 2, exp: now + 90 }));
      // Expired, or issued longer ago than a context lives even if its exp says later.
      await refused(sign(HEADER, { ...claims(), iat: now - 30, exp: now }), 'expired');
      await refused(sign(HEADER, { ...claims(), iat: now - VIEWER_CONTEXT_TTL_SECONDS - 1, exp: now + 3600 }), 'expired');
    });

    it('a viewer that is missing or not one', async () => {
      await refused(sign(HEADER, { ...claims(), viewer: undefined }));
      await refused(sign(HEADER, { ...claims(), viewer: 'P1' }));
      await refused(sign(HEADER, { ...claims(), viewer: { ...viewer, scopes: 'grades:read' } }));
      await refused(sign(HEADER, { ...claims(), viewer: { ...viewer, policies: undefined } }));
      await refused(sign(HEADER, { ...claims(), viewer: { ...viewer, kind: 'root' } }));
      await refused(sign(HEADER, { ...claims(), viewer: { ...viewer, personId: { $ne: 1 } } }));
      await refused(sign(HEADER, { ...claims(), viewer: { ...viewer, children: ['P2', 3] } }));
      await refused(sign(HEADER, { ...claims(), viewer: { ...viewer, schools: '0750001A' } }));
      await refused(sign(HEADER, { ...claims(), viewer: { ...viewer, scopes: [['grades:read']] } }));
    });

    it('a token that is not a string (a caller other than the HTTP server)', async () => {
      await refused(['a.b.c'] as unknown as string);
      await refused(42 as unknown as string);
    });
  });
});
