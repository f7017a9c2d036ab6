import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VIEWER_CONTEXT_TTL_SECONDS, verifyViewerContext, viewerContextKey, viewerContextToken, type Viewer } from './viewer-context.ts';

const key = viewerContextKey('k'.repeat(40));
const viewer: Viewer = { kind: 'person', personId: 'P1', profile: 'guardian', scopes: ['grades:read'], policies: [], children: ['P2'] };

describe('signed viewer contexts (signed in place, checked by jose)', () => {
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
});
