import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { connectorClient, type Role } from '../../shared/auth/roles.js';
import { createVerifier, type Verifier } from '../../shared/auth/verify.js';

export const testIssuer = 'https://issuer.test/erpbi';
export const testAudience = 'erpbi';

export interface TestKeys {
  /** `azp`: the client the token is issued to; by default the connector's for a service token, else erpbi-test. */
  sign: (
    claims: { sub?: string; roles?: Role[] | string[]; iss?: string; aud?: string; exp?: number; nbf?: number; azp?: string },
    alg?: 'ES256',
  ) => Promise<string>;
  token: (role: Role, sub?: string) => Promise<string>;
  verifier: Verifier;
  jwk: JWK;
}

/** A key pair standing in for the issuer; `verifier` trusts only it. */
export async function createTestKeys(): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'ES256', use: 'sig' };
  const sign: TestKeys['sign'] = async (c) =>
    new SignJWT({ roles: c.roles ?? [], azp: c.azp ?? ((c.roles as string[] | undefined)?.includes('service') ? connectorClient : 'erpbi-test') })
      .setProtectedHeader({ alg: 'ES256', kid: 'test' })
      .setIssuer(c.iss ?? testIssuer)
      .setAudience(c.aud ?? testAudience)
      .setSubject(c.sub ?? 'tester')
      .setIssuedAt()
      .setNotBefore(c.nbf ?? Math.floor(Date.now() / 1000) - 10)
      .setExpirationTime(c.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(privateKey);
  return {
    sign,
    token: (role, sub) => sign({ roles: [role], sub: sub ?? `test-${role}` }),
    verifier: createVerifier({ issuer: testIssuer, audience: testAudience, rolesClaim: 'roles', keys: createLocalJWKSet({ keys: [jwk] }) }),
    jwk,
  };
}
