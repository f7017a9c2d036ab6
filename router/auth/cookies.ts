/** The hub session cookie: `__Host-` so it is Secure, host-only and Path=/ by construction. */
export const SESSION_COOKIE = '__Host-hub_session';
/** Bearer session tokens for apps carry this prefix, which tells them apart from JWTs. */
export const SESSION_TOKEN_PREFIX = 'hubs_';

/** The token of an `Authorization: Bearer <token>` header: undefined without the header, null when it is malformed. */
export function bearerTokenOf(request: Request): string | null | undefined {
  const authorization = request.headers.get('authorization');
  if (!authorization) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? null;
}

/** The hub session id inside an app's bearer token (`hubs_…`); undefined for any other token (a JWT). */
export function sessionIdOfToken(token: string | null | undefined): string | undefined {
  return token?.startsWith(SESSION_TOKEN_PREFIX) ? token.slice(SESSION_TOKEN_PREFIX.length) : undefined;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodedOrRaw(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A value that is not valid percent-encoding is kept as sent: it then matches no session (401), not a crash (500). */
function decodedOrRaw(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
}
