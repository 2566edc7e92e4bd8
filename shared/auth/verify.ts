import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.js';
import { connectorClient, rolesFromClaims, type Principal } from './roles.js';

export interface VerifierOptions {
  issuer: string;
  audience: string;
  rolesClaim: string;
  /** The one client whose tokens may carry the `service` role (the connector's CLIENT_ID): a token
   *  issued to any other client (a user's, Grafana's) loses that role, even if the realm grants it. */
  serviceClient?: string;
  /** Where the keys are; when absent, found through the issuer's discovery document. */
  jwksUrl?: string;
  /** Tests hand a local key set in directly. */
  keys?: JWTVerifyGetKey;
}

// Only asymmetric algorithms: an HS256 token "signed" with the public key, or alg=none, never passes.
const algorithms = ['RS256', 'ES256', 'EdDSA'];

export type Verifier = (authorization: string | undefined) => Promise<Principal>;

// A verified token is remembered until it expires: the connector and a user's page send the same
// token for minutes, and an ES256 verification per request cost each function a few percent of its
// CPU (bench/ profile). The cache is keyed by the whole token, so nothing about it can change.
const cacheSize = 1000;

export function createVerifier(opts: VerifierOptions): Verifier {
  const verified = new Map<string, { principal: Principal; exp: number }>();
  let keys: Promise<JWTVerifyGetKey> | undefined = opts.keys ? Promise.resolve(opts.keys) : undefined;
  const getKeys = () => {
    keys ??= discoverJwks(opts).catch((err) => {
      keys = undefined; // try the discovery again on the next request
      throw err;
    });
    return keys;
  };
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization ?? '');
    if (!match) throw new AppError('unauthenticated', 'a bearer token is required');
    const known = verified.get(match[1]!);
    if (known && known.exp > Date.now() / 1000) return known.principal;
    if (known) verified.delete(match[1]!);
    const keySet = await getKeys().catch(() => {
      throw new AppError('not_ready', 'the token issuer cannot be reached');
    });
    try {
      const { payload } = await jwtVerify(match[1]!, keySet, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms,
        clockTolerance: 5,
        requiredClaims: ['exp', 'sub'],
      });
      const client = typeof payload.azp === 'string' ? payload.azp : undefined;
      const roles = rolesFromClaims(payload, opts.rolesClaim).filter((r) => r !== 'service' || client === (opts.serviceClient ?? connectorClient));
      const principal: Principal = { sub: payload.sub!, roles, expiresAt: payload.exp!, ...(client ? { client } : {}) };
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
      verified.set(match[1]!, { principal, exp: payload.exp! });
      return principal;
    } catch {
      throw new AppError('unauthenticated', 'the token is invalid or expired');
    }
  };
}

async function discoverJwks(opts: VerifierOptions): Promise<JWTVerifyGetKey> {
  let url = opts.jwksUrl;
  if (!url) {
    const res = await fetch(`${opts.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error('discovery document has no jwks_uri');
    url = doc.jwks_uri;
  }
  return createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000 });
}
