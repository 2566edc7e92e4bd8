import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../shared/auth/verify.js';
import { roles } from '../../shared/auth/roles.js';
import { readJson, readYaml, stackFunctions } from './support.js';

const realm = readJson('compose/keycloak/erpbi-realm.json');
const client = (id: string) => realm.clients.find((c: { clientId: string }) => c.clientId === id);

function expectErpbiMappers(c: any) {
  const audience = c.protocolMappers.find((m: any) => m.protocolMapper === 'oidc-audience-mapper');
  expect(audience?.config['included.custom.audience'], `${c.clientId}: aud=erpbi`).toBe('erpbi');
  expect(audience.config['access.token.claim']).toBe('true');
  const rolesMapper = c.protocolMappers.find((m: any) => m.protocolMapper === 'oidc-usermodel-realm-role-mapper');
  expect(rolesMapper?.config['claim.name'], `${c.clientId}: realm roles claim`).toBe('realm_access.roles');
  expect(rolesMapper.config.multivalued).toBe('true');
  expect(rolesMapper.config['access.token.claim']).toBe('true');
}

describe('Keycloak realm export', () => {
  it('is the erpbi realm with the roles the functions know, and nothing else', () => {
    expect(realm.realm).toBe('erpbi');
    expect(realm.enabled).toBe(true);
    expect(realm.registrationAllowed).toBe(false);
    expect(realm.roles.realm.map((r: { name: string }) => r.name).sort()).toEqual([...roles].sort());
  });

  it('dashboard: a public client, authorization code + PKCE (S256), redirecting to the dashboard only', () => {
    const c = client('erpbi-dashboard');
    expect(c).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
    });
    expect(c.attributes['pkce.code.challenge.method']).toBe('S256');
    expect(c.redirectUris).toEqual(['https://${ERPBI_DOMAIN}/*']);
    expect(c.webOrigins).toEqual(['https://${ERPBI_DOMAIN}']);
    expectErpbiMappers(c);
  });

  it('connector: a confidential client-credentials client whose service account has the role service', () => {
    const c = client('erpbi-connector');
    expect(c).toMatchObject({
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
      clientAuthenticatorType: 'client-secret',
    });
    // the secret is a placeholder Keycloak fills from the environment at import, never a value
    expect(c.secret).toBe('${ERPBI_CONNECTOR_CLIENT_SECRET}');
    expectErpbiMappers(c);
    const sa = realm.users.find((u: any) => u.serviceAccountClientId === 'erpbi-connector');
    expect(sa.realmRoles).toEqual(['service']);
  });

  it('every confidential client takes its secret from the environment, and service accounts get no more than they need', () => {
    for (const c of realm.clients.filter((x: any) => !x.publicClient)) {
      expect(c.secret, c.clientId).toMatch(/^\$\{[A-Z_]+\}$/);
      expectErpbiMappers(c);
    }
    const granted = Object.fromEntries(realm.users.map((u: any) => [u.serviceAccountClientId, u.realmRoles]));
    // Grafana's data sources read BI and nothing else: any Grafana viewer can send any query through them.
    expect(granted).toEqual({ 'erpbi-connector': ['service'], 'erpbi-grafana': ['bi-reader'], 'erpbi-grafana-hr': ['bi-payroll'] });
    expect(JSON.stringify(realm)).not.toMatch(/"(password|value)"\s*:\s*"[^$]/);
  });

  it('the dashboard page on the Pi signs in with the erpbi-dashboard client and reads realm_access.roles', () => {
    const web = readJson('compose/web/config.json');
    expect(client(web.clientId)?.publicClient).toBe(true);
    expect(web.issuer).toMatch(/^https:\/\/auth\.[^/]+\/realms\/erpbi$/);
    expect(web.rolesClaim).toBe('realm_access.roles');
  });

  it('the functions are configured for its tokens (issuer path, audience, roles claim)', () => {
    for (const [name, f] of Object.entries<any>(stackFunctions())) {
      expect(f.environment.AUTH_ISSUER, name).toMatch(/\/realms\/erpbi$/);
      expect(f.environment.AUTH_AUDIENCE, name).toBe('erpbi');
      expect(f.environment.AUTH_ROLES_CLAIM, name).toBe('realm_access.roles');
    }
    const projector = readYaml('compose/docker-compose.bi.yml').services['project-to-olap'].environment;
    expect(projector.AUTH_ROLES_CLAIM).toBe('realm_access.roles');
  });

  it('a token shaped like Keycloak issues them passes the functions’ verifier with its realm roles', async () => {
    const issuer = 'https://auth.erpbi.lan/realms/erpbi';
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'kc', alg: 'RS256', use: 'sig' };
    const verify = createVerifier({ issuer, audience: 'erpbi', rolesClaim: 'realm_access.roles', keys: createLocalJWKSet({ keys: [jwk] }) });
    const token = await new SignJWT({ azp: 'erpbi-connector', typ: 'Bearer', realm_access: { roles: ['service', 'offline_access', 'default-roles-erpbi'] } })
      .setProtectedHeader({ alg: 'RS256', kid: 'kc', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(['erpbi', 'account'])
      .setSubject('5b0c3f4e-0000-4000-8000-000000000001')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verify(`Bearer ${token}`)).resolves.toMatchObject({
      sub: '5b0c3f4e-0000-4000-8000-000000000001',
      roles: ['service'],
      client: 'erpbi-connector',
    });
    const otherAudience = await new SignJWT({ realm_access: { roles: ['admin'] } })
      .setProtectedHeader({ alg: 'RS256', kid: 'kc' })
      .setIssuer(issuer)
      .setAudience('account')
      .setSubject('x')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verify(`Bearer ${otherAudience}`)).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});
