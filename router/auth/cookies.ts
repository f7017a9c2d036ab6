/** The hub session cookie: `__Host-` so it is Secure, host-only and Path=/ by construction. */
export const SESSION_COOKIE = '__Host-hub_session';
/**
 * Binds a login in progress to the browser that started it (login CSRF): set by `/auth/login`,
 * checked and cleared by `/auth/callback`. `__Host-` so no sibling domain can plant one.
 */
export const LOGIN_BINDING_COOKIE = '__Host-hub_login';
/** Bearer session tokens for apps carry this prefix, which tells them apart from JWTs. */
export const SESSION_TOKEN_PREFIX = 'hubs_';

/** The token of an `Authorization: Bearer <token>` header: undefined without the header, null when it is malformed. */
export function bearerTokenOf(request: Request): string | null | undefined {
  const authorization = request.headers.get('authorization');
  if (!authorization) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? null;
}

/** The hub session secret inside an app's bearer token (`hubs_…`); undefined for any other token (a JWT). */
export function sessionSecretOfToken(token: string | null | undefined): string | undefined {
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

/**
 * The hub's cookies: HttpOnly (no script reads them), Secure + Path=/ (what `__Host-` demands),
 * SameSite=Lax (sent on the top-level navigation back from the provider, not on cross-site posts).
 */
function hostCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return hostCookie(SESSION_COOKIE, value, maxAgeSeconds);
}

export function clearedSessionCookie(): string {
  return hostCookie(SESSION_COOKIE, '', 0);
}

export function loginBindingCookie(value: string, maxAgeSeconds: number): string {
  return hostCookie(LOGIN_BINDING_COOKIE, value, maxAgeSeconds);
}

export function clearedLoginBindingCookie(): string {
  return hostCookie(LOGIN_BINDING_COOKIE, '', 0);
}
