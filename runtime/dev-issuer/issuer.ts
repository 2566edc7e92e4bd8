import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { connectorClient, type Role } from '../../shared/auth/roles.js';

// The dev issuer: an ES256 key pair kept in the box's data dir, so tokens outlive a restart and
// `erpbi token` can sign from another shell. Production uses Keycloak (or another OIDC issuer).
const alg = 'ES256';

export interface IssuerKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function loadOrCreateKeys(dir: string): Promise<IssuerKeys> {
  const file = join(dir, 'issuer', 'keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as IssuerKeys;
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const keys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
  mkdirSync(join(dir, 'issuer'), { recursive: true });
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

export interface TokenRequest {
  issuer: string;
  audience: string;
  sub: string;
  roles: Role[];
  ttlSeconds: number;
  name?: string;
  /** Where the roles go: `roles` (the dev default) or a dotted path such as Keycloak's `realm_access.roles`. */
  rolesClaim?: string;
  /** The client the token is issued to (`azp`, as Keycloak sets it); the `service` role counts only in the
   *  connector's. Unset (tokens minted on the box by `erpbi token` and the tests): the connector's for the
   *  service role, else `erpbi-cli`. */
  client?: string;
}

/** {roles} at a dotted path: 'realm_access.roles' -> {realm_access: {roles}}. */
function rolesAt(path: string, roles: Role[]): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), roles) as Record<string, unknown>;
}

export async function signToken(keys: IssuerKeys, req: TokenRequest): Promise<string> {
  const key = await importJWK(keys.privateJwk, alg);
  return new SignJWT({
    ...rolesAt(req.rolesClaim ?? 'roles', req.roles),
    azp: req.client ?? (req.roles.includes('service') ? connectorClient : 'erpbi-cli'),
    ...(req.name ? { name: req.name } : {}),
  })
    .setProtectedHeader({ alg, kid: keys.privateJwk.kid!, typ: 'JWT' })
    .setIssuer(req.issuer)
    .setAudience(req.audience)
    .setSubject(req.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + req.ttlSeconds)
    .sign(key);
}

/** Keycloak's endpoint layout under the issuer, so the dev issuer can stand in for Keycloak unchanged. */
export const endpoints = { jwks: '/protocol/openid-connect/certs', token: '/protocol/openid-connect/token', authorize: '/protocol/openid-connect/auth' };

export function discoveryDocument(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}${endpoints.jwks}`,
    token_endpoint: `${issuer}${endpoints.token}`,
    authorization_endpoint: `${issuer}${endpoints.authorize}`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    subject_types_supported: ['public'],
    grant_types_supported: ['client_credentials', 'authorization_code'],
    id_token_signing_alg_values_supported: [alg],
  };
}
