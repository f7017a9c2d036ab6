import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { LRUCache } from 'lru-cache';
import { boundedCache } from '../../lib/bounded-cache.ts';
import { LoginError } from './errors.ts';
import { isLoopbackUrl, type IdentityProviderConfig } from './provider-config.ts';

/** What the hub keeps between sending the browser to the provider and its return. Single use. */
export interface PendingLogin {
  idp: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  createdAt: number;
  /** Where the person wanted to go, and whether they want a cookie or a bearer token. */
  returnTo?: string;
  transport: 'cookie' | 'bearer';
}

export interface CompletedLogin {
  claims: Record<string, unknown>;
  subject: string;
  idpSessionId?: string;
  idToken?: string;
  accessToken: string;
}

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** How long after its `iat` a logout token is accepted. */
const LOGOUT_TOKEN_MAX_AGE = '2m';
/** How long a used logout token's id is remembered: past its maximum age, with room for clock skew. */
const LOGOUT_TOKEN_MEMORY_MS = 5 * 60_000;

/**
 * The hub as an OpenID Connect relying party of one provider: authorization code flow with PKCE,
 * state and nonce, ID token validation (issuer, audience, expiry, signature, nonce: openid-client),
 * userinfo, refresh, RP-initiated logout URLs, and back-channel logout tokens.
 */
export class RelyingParty {
  #configuration: Promise<oidc.Configuration> | undefined;
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  /**
   * Back-channel logout token ids already used (replay protection). A token is accepted for
   * `LOGOUT_TOKEN_MAX_AGE` after it was issued, so its id is kept a little longer than that; at most
   * `rememberedLogoutTokens` ids, the oldest forgotten first (only the provider can sign them).
   */
  readonly #seenLogoutTokens: LRUCache<string, true>;

  constructor(
    readonly provider: IdentityProviderConfig,
    options: { rememberedLogoutTokens?: number } = {},
  ) {
    this.#seenLogoutTokens = boundedCache({ maxEntries: options.rememberedLogoutTokens ?? 10_000, ttl: LOGOUT_TOKEN_MEMORY_MS });
  }

  configuration(): Promise<oidc.Configuration> {
    this.#configuration ??= oidc
      .discovery(new URL(this.provider.issuer), this.provider.clientId, this.provider.clientSecret, undefined, {
        execute: isLoopbackUrl(this.provider.issuer) ? [oidc.allowInsecureRequests] : [],
        timeout: 10,
      })
      .then((configuration) => {
        // By default an ID token from the token endpoint is trusted on TLS alone (OIDC Core
        // 3.1.3.7 allows it). We verify its signature against the provider's keys all the same.
        oidc.enableNonRepudiationChecks(configuration);
        return configuration;
      })
      .catch((error: unknown) => {
        this.#configuration = undefined; // try discovery again next time
        throw new LoginError('provider-error', `cannot reach identity provider ${this.provider.id}`, { cause: error });
      });
    return this.#configuration;
  }

  async startLogin(redirectUri: string, options: { returnTo?: string; transport: 'cookie' | 'bearer' }): Promise<{ url: string; pending: PendingLogin }> {
    const configuration = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending: PendingLogin = {
      idp: this.provider.id,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      redirectUri,
      createdAt: Date.now(),
      returnTo: options.returnTo,
      transport: options.transport,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: this.provider.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Exchanges the code; any mismatch (state, nonce, issuer, audience, expiry, signature) is a LoginError. */
  async finishLogin(callbackUrl: URL, pending: PendingLogin): Promise<CompletedLogin> {
    const configuration = await this.configuration();
    let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new LoginError('token-rejected', `the identity provider's answer was refused: ${(error as Error).message}`, { cause: error });
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new LoginError('token-rejected', 'no ID token in the token response');
    let userinfo: Record<string, unknown> = {};
    try {
      userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
    } catch (error) {
      throw new LoginError('provider-error', `userinfo failed: ${(error as Error).message}`, { cause: error });
    }
    return {
      claims: { ...idClaims, ...userinfo },
      subject: idClaims.sub,
      idpSessionId: typeof idClaims.sid === 'string' ? idClaims.sid : undefined,
      idToken: tokens.id_token,
      accessToken: tokens.access_token,
    };
  }

  async logoutUrl(idToken: string | undefined, postLogoutRedirectUri: string): Promise<string | undefined> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(configuration, {
      ...(idToken ? { id_token_hint: idToken } : {}),
      post_logout_redirect_uri: postLogoutRedirectUri,
    }).href;
  }

  /**
   * Validates a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, §2.6): signed by
   * the provider, for us, recent, carrying the logout event, a `sid` or `sub`, no `nonce`, and never
   * seen before.
   */
  async verifyLogoutToken(token: string): Promise<{ sid?: string; sub?: string }> {
    const configuration = await this.configuration();
    const metadata = configuration.serverMetadata();
    if (!metadata.jwks_uri) throw new LoginError('provider-error', 'provider publishes no jwks_uri');
    this.#jwks ??= createRemoteJWKSet(new URL(metadata.jwks_uri));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        issuer: metadata.issuer,
        audience: this.provider.clientId,
        maxTokenAge: LOGOUT_TOKEN_MAX_AGE,
        requiredClaims: ['iat', 'jti', 'events'],
      }));
    } catch (error) {
      throw new LoginError('token-rejected', `logout token refused: ${(error as Error).message}`, { cause: error });
    }
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events || typeof events !== 'object' || !(BACKCHANNEL_EVENT in events)) {
      throw new LoginError('token-rejected', 'logout token without the back-channel logout event');
    }
    if ('nonce' in payload) throw new LoginError('token-rejected', 'logout token must not carry a nonce');
    const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
    if (!sid && !payload.sub) throw new LoginError('token-rejected', 'logout token names neither sid nor sub');
    if (this.#seenLogoutTokens.has(payload.jti!)) throw new LoginError('token-rejected', 'logout token replayed');
    this.#seenLogoutTokens.set(payload.jti!, true);
    return { sid, sub: payload.sub };
  }
}
