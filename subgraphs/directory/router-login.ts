/**
 * The router's login as deployed, from the environment: the identity providers of
 * ROUTER_IDENTITY_PROVIDERS_FILE, linked to the directory the DIRECTORY_* variables name. Here,
 * beside backend.ts, because that is the one place the DIRECTORY_* configuration becomes a
 * directory, and the router is one more process that must read the same directory as the
 * subgraphs deciding the perimeter. Not in router/ (the router knows no domain: no directory, no
 * linking rules), not in connectors/ (a connector opens no backend from the subgraphs'
 * configuration), not in hub/ (the embedded hub, left out of the production build).
 */
import { directoryLogin, type DirectoryLogin } from '../../connectors/sso/directory-login.ts';
import { identityProvidersFromEnv } from '../../connectors/sso/providers-file.ts';
import { readEnv, type Env } from '../../lib/config/env.ts';
import type { Logger } from '../../lib/logger.ts';
import { DIRECTORY_BACKEND_ENV, directoryFromConfig } from './backend.ts';

/**
 * The deployment's login, or `undefined` (no login routes, said in a warning) when
 * ROUTER_IDENTITY_PROVIDERS_FILE is unset. Both configurations are checked before the directory is
 * opened, so a bad variable is named at once. A provider that does not answer is no start failure:
 * its logins end with `provider-error`, and `/ready` names it.
 */
export async function directoryLoginFromEnv(env: Env, log: Logger): Promise<DirectoryLogin | undefined> {
  const providers = identityProvidersFromEnv(env);
  if (!providers) {
    log.warn('ROUTER_IDENTITY_PROVIDERS_FILE is not set: no login routes (/auth/*), nobody can log in through this router');
    return undefined;
  }
  const directory = await directoryFromConfig(readEnv(DIRECTORY_BACKEND_ENV, env), log.child({ component: 'directory' }), env);
  log.info({ providers: providers.map((p) => ({ id: p.id, issuer: p.issuer })) }, 'login through the configured identity providers');
  return directoryLogin(() => providers, directory);
}
