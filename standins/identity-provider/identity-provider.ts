import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { escapeMarkup as escapeHtml } from '../../lib/markup.ts';
import { listen, type RunningServer } from '../../lib/http-server.ts';
import { readBody } from '../../lib/read-body.ts';
import { memoryAdapterFactory } from './memory-adapter.ts';
import type { Logger } from '../../lib/logger.ts';

/**
 * An account of the embedded identity provider: a login, a password, and the claims the provider
 * releases. EduConnect-shaped for pupils and guardians, agent-shaped for staff.
 */
export interface IdpAccount {
  login: string;
  password: string;
  claims: Record<string, unknown>;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri?: string;
}

export interface IdentityProviderOptions {
  /** Shown on the login page ("EduConnect (embedded)"). */
  label: string;
  port: number;
  accounts: IdpAccount[];
  clients: RegisteredClient[];
  log: Logger;
}

export interface RunningIdentityProvider extends RunningServer {
  issuer: string;
  provider: Provider;
}

/** Custom claims released with the `profile` scope, as EduConnect and agent IdPs name them. */
const CUSTOM_CLAIMS = [
  'FrEduCtPersonAffiliation',
  'FrEduCtRefId',
  'FrEduCtEleveUAI',
  'FrEduCtEleveINE',
  'FrEduCtEleveNiveau',
  'FrEduOrigAuth',
  'FrEduRne',
  'FrEduFonctAdm',
];

/** A pairwise-looking opaque subject: stable per provider and person, revealing neither. */
export function opaqueSubject(issuerSecret: string, personId: string): string {
  return createHmac('sha256', issuerSecret).update(personId).digest('base64url').slice(0, 32);
}

const constantTimeEqual = (a: string, b: string) => {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return ha.equals(hb);
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}

/**
 * A real OpenID Provider (panva's certified oidc-provider) serving the demo accounts, for the
 * embedded setup and tests. Authorization code with PKCE, userinfo, refresh tokens, RP-initiated
 * logout and back-channel logout, with a plain HTML login form that tests post like a browser.
 */
export async function startIdentityProvider(options: IdentityProviderOptions): Promise<RunningIdentityProvider> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('the embedded identity provider serves demo accounts and refuses to run in production mode');
  }
  const byLogin = new Map(options.accounts.map((a) => [a.login, a]));
  const bySubject = new Map(options.accounts.map((a) => [String(a.claims.sub), a]));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

  // The issuer URL needs the port, which is known once listening; the provider is created then.
  let provider: Provider | undefined;
  const server = await listen(
    (req, res) => {
      if (!provider) {
        res.statusCode = 503;
        res.end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://idp');
      if (url.pathname.startsWith('/interaction/')) {
        interaction(provider, req, res, url).catch((error: unknown) => {
          options.log.warn({ err: error }, 'interaction failed');
          if (!res.headersSent) {
            res.statusCode = 400;
            res.setHeader('content-type', 'text/html; charset=utf-8');
            res.end(page('Erreur', `<p>La connexion a échoué : ${escapeHtml((error as Error).message)}</p>`));
          }
        });
        return;
      }
      // Koa's handler answers its own errors (ctx.onerror): its promise only says when it is done.
      void provider.callback()(req, res);
    },
    { port: options.port },
  );
  const issuer = `http://localhost:${server.port}`;

  const configuration: Configuration = {
    adapter: memoryAdapterFactory(),
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...(c.backchannelLogoutUri ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'birthdate', ...CUSTOM_CLAIMS],
      email: ['email', 'email_verified'],
    },
    findAccount: (_ctx, sub) => {
      const account = bySubject.get(sub);
      return account ? { accountId: sub, claims: () => ({ ...account.claims, sub }) } : undefined;
    },
    pkce: { required: () => true, methods: ['S256'] },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
      revocation: { enabled: true },
    },
    // First-party clients only: the grant is implied, there is no consent screen.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid profile email offline_access');
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, RefreshToken: 24 * 3600, Interaction: 600, Session: 12 * 3600, Grant: 24 * 3600 },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Erreur', `<p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`);
    },
  };
  provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => options.log.error({ err: error }, 'identity provider error'));

  async function interaction(p: Provider, req: IncomingMessage, res: ServerResponse, url: URL) {
    const details = await p.interactionDetails(req, res);
    if (details.prompt.name !== 'login') {
      // Consent is implied (loadExistingGrant); any other prompt simply continues.
      await p.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method === 'POST' && url.pathname.endsWith('/login')) {
      const form = new URLSearchParams(await readBody(req, 16 * 1024));
      const account = byLogin.get(form.get('login') ?? '');
      if (!account || !constantTimeEqual(account.password, form.get('password') ?? '')) {
        res.statusCode = 401;
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(loginPage(details.uid, 'Identifiant ou mot de passe incorrect.'));
        return;
      }
      await p.interactionFinished(req, res, { login: { accountId: String(account.claims.sub) } }, { mergeWithLastSubmission: false });
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(loginPage(details.uid));
  }

  function loginPage(uid: string, error?: string): string {
    return page(
      options.label,
      `<h1>${escapeHtml(options.label)}</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
      <form method="post" action="/interaction/${escapeHtml(uid)}/login">
        <label>Identifiant <input name="login" autocomplete="username" required></label>
        <label>Mot de passe <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Se connecter</button>
      </form>`,
    );
  }

  return { ...server, issuer, provider };
}
