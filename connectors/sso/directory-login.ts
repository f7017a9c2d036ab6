import type { Directory } from '../directory/directory.ts';
import { linkLogin, relinkPerson, type LinkedPerson } from './linking.ts';
import type { IdentityProviderConfig } from './provider-config.ts';

/**
 * Login linked to the académie's directory, in the shape of the router's `login` extension
 * (router/plugins/use-login.ts): the providers, and how a provider's claims become a directory
 * person. The one place this wiring is written, for the router as deployed (from the environment:
 * subgraphs/directory/router-login.ts) and for the embedded hub (its own providers and directory).
 */
export interface DirectoryLogin {
  /** Read on each login (the embedded hub's providers are known only once started). */
  providers: () => IdentityProviderConfig[];
  link(claims: Record<string, unknown>, provider: IdentityProviderConfig): Promise<LinkedPerson>;
  relink(personId: string): Promise<LinkedPerson | undefined>;
}

/** Logins at `providers`, linked to a person of `directory`. */
export function directoryLogin(providers: () => IdentityProviderConfig[], directory: Directory): DirectoryLogin {
  return {
    providers,
    link: (claims, provider) => linkLogin(claims, provider, directory),
    relink: (personId) => relinkPerson(personId, directory),
  };
}
