import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/**
 * A trusted issuer of bearer JWTs for service clients (a back office, the GAR export job…). The
 * token's `scope` claim (space-separated) gives the scopes; `policyClaim`, if set, names a claim
 * listing the policies granted to the client.
 */
export interface TrustedIssuer {
  issuer: string;
  audience: string;
  /** Either a JWKS URL, or the JWKS itself (tests, air-gapped deployments). */
  jwksUri?: string;
  jwks?: JSONWebKeySet;
  policyClaim?: string;
}

export interface VerifiedServiceToken {
  clientId: string;
  scopes: string[];
  policies: string[];
}

export class TrustedIssuers {
  readonly #keys = new Map<string, { config: TrustedIssuer; keys: JWTVerifyGetKey }>();

  constructor(issuers: TrustedIssuer[]) {
    for (const config of issuers) {
      const keys = config.jwks ? createLocalJWKSet(config.jwks) : config.jwksUri ? createRemoteJWKSet(new URL(config.jwksUri)) : undefined;
      if (!keys) throw new Error(`trusted issuer ${config.issuer} has neither jwksUri nor jwks`);
      this.#keys.set(config.issuer, { config, keys });
    }
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Verifies signature, issuer, audience and expiry; throws on anything else. */
  async verify(token: string): Promise<VerifiedServiceToken> {
    const unverifiedIssuer = issuerOf(token);
    const trusted = unverifiedIssuer ? this.#keys.get(unverifiedIssuer) : undefined;
    if (!trusted) throw new Error('token from an untrusted issuer');
    const { payload } = await jwtVerify(token, trusted.keys, {
      issuer: trusted.config.issuer,
      audience: trusted.config.audience,
      algorithms: ['RS256', 'ES256', 'EdDSA', 'PS256'],
      requiredClaims: ['exp'],
    });
    const policies = trusted.config.policyClaim ? payload[trusted.config.policyClaim] : undefined;
    return {
      // The first of these claims that is a string (RFC 9068 `client_id`, then OIDC's `azp`, then `sub`).
      clientId: [payload.client_id, payload.azp, payload.sub].find((claim): claim is string => typeof claim === 'string') ?? 'unknown',
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
      policies: Array.isArray(policies) ? policies.filter((p): p is string => typeof p === 'string') : [],
    };
  }
}

/** Reads `iss` without trusting it, only to pick the key set; the signature check follows. */
function issuerOf(token: string): string | undefined {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
}

export function loadTrustedIssuers(path: string | undefined): TrustedIssuer[] {
  if (!path) return [];
  return JSON.parse(readFileSync(path, 'utf8')) as TrustedIssuer[];
}
