/** How a login at this provider is linked to a directory person (see `linking.ts`). */
export type LinkingRule = 'educonnect' | 'agent';

export interface IdentityProviderConfig {
  /** Short id used in `/auth/login?idp=…`. */
  id: string;
  label: string;
  /** The issuer URL; its `/.well-known/openid-configuration` is discovered. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  linking: LinkingRule;
  /** Also try names + birth date + school UAI when the primary rule has nothing to go on. */
  fallbackLinking: boolean;
}

/** Plain HTTP is allowed only to a provider on this machine (the embedded one, tests). */
export function isLoopbackUrl(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
