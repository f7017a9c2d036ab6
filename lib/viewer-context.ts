import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

/**
 * The contract between the router and the subgraphs: who is asking. The router authenticates the
 * request, then signs this context into the `x-hub-viewer` header of every subgraph fetch; a subgraph
 * trusts nothing else (not a header, not a variable) to know the viewer.
 */
export interface Viewer {
  /** Directory id (`ENTPersonJointure`) of the person, absent for anonymous and service viewers. */
  personId?: string;
  kind: 'anonymous' | 'person' | 'service';
  /** The profile the person acts under (a person can hold several, e.g. teacher and guardian). */
  profile?: 'student' | 'guardian' | 'teacher' | 'staff';
  scopes: string[];
  policies: string[];
  /** OAuth client id of a service viewer. */
  clientId?: string;
  /** The hub session behind the request, if any (to list and end one's sessions). */
  sessionId?: string;
  /** Staff function codes (DIR, EDU, DOC, ENS…). */
  functions?: string[];
  /** UAIs of the viewer's schools. */
  schools?: string[];
  /** For a guardian: the pupils they are responsable légal of. */
  children?: string[];
}

export const VIEWER_HEADER = 'x-hub-viewer';
const AUDIENCE = 'ent-hub-subgraphs';
const ISSUER = 'ent-hub-router';
/** Short enough that a captured context is worth little; long enough for a slow subgraph chain. */
export const VIEWER_CONTEXT_TTL_SECONDS = 60;

export const ANONYMOUS: Viewer = { kind: 'anonymous', scopes: [], policies: [] };

export class ViewerContextError extends Error {
  override readonly name = 'ViewerContextError';
  constructor(
    readonly reason: 'missing' | 'invalid' | 'expired',
    options?: { cause?: unknown },
  ) {
    super(`viewer context ${reason}`, options);
  }
}

/** The shared secret, from `HUB_VIEWER_CONTEXT_SECRET`: at least 32 bytes, never defaulted. */
export function viewerContextKey(secret: string | undefined): Uint8Array {
  if (!secret || Buffer.byteLength(secret) < 32) {
    throw new Error('HUB_VIEWER_CONTEXT_SECRET must be set to a secret of at least 32 bytes');
  }
  return new TextEncoder().encode(secret);
}

export async function signViewerContext(viewer: Viewer, key: Uint8Array, requestId: string): Promise<string> {
  return new SignJWT({ viewer })
    .setProtectedHeader({ alg: 'HS256', typ: 'hub-viewer+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${VIEWER_CONTEXT_TTL_SECONDS}s`)
    .setJti(requestId)
    .sign(key);
}

export async function verifyViewerContext(token: string | undefined, key: Uint8Array): Promise<{ viewer: Viewer; requestId: string }> {
  if (!token) throw new ViewerContextError('missing');
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: 'hub-viewer+jwt',
      maxTokenAge: `${VIEWER_CONTEXT_TTL_SECONDS}s`,
    });
    const viewer = payload.viewer as Viewer | undefined;
    if (!viewer || typeof viewer !== 'object' || !Array.isArray(viewer.scopes) || !Array.isArray(viewer.policies)) {
      throw new ViewerContextError('invalid');
    }
    return { viewer, requestId: String(payload.jti ?? '') };
  } catch (error) {
    if (error instanceof ViewerContextError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new ViewerContextError('expired', { cause: error });
    throw new ViewerContextError('invalid', { cause: error });
  }
}
