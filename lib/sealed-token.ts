import { hkdfSync } from 'node:crypto';
import { EncryptJWT, errors, jwtDecrypt, type JWTPayload } from 'jose';

/*
 * Tokens only their issuer can read: a JWT encrypted with a key of our own (JWE, `dir` +
 * A256GCM: authenticated, so a changed byte is refused), with an expiry. What they carry stays
 * secret from whoever holds them (a browser, a URL): a login in progress, an attachment link.
 */

/** A 256-bit key for one use (`label`), derived from a process secret with HKDF: each use its own key. */
export function sealingKey(secret: string | Uint8Array, label: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), label, 32));
}

/** Seals `claims` for `ttlSeconds`. */
export function sealToken(key: Uint8Array, claims: JWTPayload, ttlSeconds: number): Promise<string> {
  return new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .encrypt(key);
}

/** The claims of a token sealed with `key`, or why not: `expired`, or `invalid` (forged, changed, another key's, not a token). */
export async function openSealedToken(
  key: Uint8Array,
  token: string,
): Promise<{ ok: true; claims: JWTPayload } | { ok: false; reason: 'expired' | 'invalid' }> {
  try {
    const { payload } = await jwtDecrypt(token, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    return { ok: true, claims: payload };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
