import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../issuer.js';
import { startKeycloakStandIn } from './stand-in.js';
import {
  adminPassword,
  adminToken,
  call,
  database,
  dbPassword,
  form,
  host,
  issuer,
  jdbc,
  json,
  keys,
  role,
  setUp,
  signIn,
  start,
  superuser,
  tearDown,
} from './stand-in-fixture.js';

// Keycloak's stand-in on the real local Postgres (stand-in-fixture.ts: a database and an owner role of
// this run's own, dropped after). The app is built as runtime/dev-issuer/main.ts builds it; the admin
// API is called as install.sh calls Keycloak's.

beforeAll(setUp);
afterAll(tearDown);

describe("Keycloak's stand-in: users in Keycloak's database, Keycloak's admin API", () => {
  let app: FastifyInstance;
  let token: string;
  let clerkId: string;

  it("makes master's temporary admin on the first start only, and signs it in with admin-cli's password grant", async () => {
    app = await start();
    // what install.sh waits for before it signs in
    const discovery = await app.inject({ url: '/realms/master/.well-known/openid-configuration', headers: { host: '127.0.0.1:8081' } });
    expect(discovery.json()).toMatchObject({
      issuer: 'https://auth.erpbi.lan/realms/master',
      token_endpoint: 'https://auth.erpbi.lan/realms/master/protocol/openid-connect/token',
    });
    const t = await adminToken(app);
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    expect(t.body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    token = t.token!;
    expect(decodeJwt(token)).toMatchObject({ iss: 'https://auth.erpbi.lan/realms/master', azp: 'admin-cli' });
    const found = await call(app, token, 'GET', '/admin/realms/master/users?username=admin&exact=true');
    expect(found.json()).toEqual([expect.objectContaining({ username: 'admin', enabled: true, attributes: { is_temporary_admin: ['true'] } })]);
    // another start with master's users in place, and another password: nothing is made or changed
    const again = await start({ username: 'other', password: 'other-password' });
    expect((await adminToken(again, 'other', 'other-password')).status).toBe(401);
    expect((await adminToken(again)).status).toBe(200);
    expect((await call(again, token, 'GET', '/admin/realms/master/users')).json()).toHaveLength(1);

    expect(await adminToken(app, 'admin', 'wrong')).toMatchObject({
      status: 401,
      body: { error: 'invalid_grant', error_description: 'Invalid user credentials' },
    });
    expect(await adminToken(app, 'nobody', adminPassword)).toMatchObject({ status: 401, body: { error: 'invalid_grant' } });
    const otherClient = await app.inject({
      method: 'POST',
      url: '/realms/master/protocol/openid-connect/token',
      headers: form,
      payload: new URLSearchParams({ grant_type: 'password', client_id: 'erpbi-dashboard', username: 'admin', password: adminPassword }).toString(),
    });
    expect([otherClient.statusCode, otherClient.json().error]).toEqual([401, 'invalid_client']);
  });

  it('creates a user with a password (201 + Location), refuses the same username again (409), finds it exactly', async () => {
    const made = await call(app, token, 'POST', '/admin/realms/erpbi/users', {
      username: 'Clara.Clerk',
      email: 'clara@firm.example',
      firstName: 'Clara',
      lastName: 'Clerk',
      enabled: true,
      credentials: [{ type: 'password', value: 'clara-secret-1', temporary: false }],
    });
    expect(made.statusCode, made.body).toBe(201);
    const location = made.headers.location as string;
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:8081\/admin\/realms\/erpbi\/users\/[0-9a-f-]{36}$/);
    clerkId = location.split('/').at(-1)!;
    const again = await call(app, token, 'POST', '/admin/realms/erpbi/users', { username: 'clara.clerk', enabled: true });
    expect([again.statusCode, again.json()]).toEqual([409, { errorMessage: 'User exists with same username' }]);
    const sameEmail = await call(app, token, 'POST', '/admin/realms/erpbi/users', { username: 'other', email: 'CLARA@firm.example', enabled: true });
    expect([sameEmail.statusCode, sameEmail.json()]).toEqual([409, { errorMessage: 'User exists with same email' }]);

    const exact = await call(app, token, 'GET', '/admin/realms/erpbi/users?username=clara.clerk&exact=true');
    expect(exact.json()).toEqual([
      expect.objectContaining({
        id: clerkId,
        username: 'clara.clerk',
        email: 'clara@firm.example',
        firstName: 'Clara',
        lastName: 'Clerk',
        enabled: true,
        emailVerified: false,
        createdTimestamp: expect.any(Number),
      }),
    ]);
    expect((await call(app, token, 'GET', '/admin/realms/erpbi/users?username=clara&exact=true')).json()).toEqual([]);
    expect((await call(app, token, 'GET', '/admin/realms/erpbi/users?username=clara')).json()).toHaveLength(1); // a part of it, without exact
    expect((await call(app, token, 'GET', `/admin/realms/erpbi/users/${clerkId}`)).json()).toMatchObject({ id: clerkId });
    // the realms are apart
    expect((await call(app, token, 'GET', '/admin/realms/master/users?username=clara.clerk&exact=true')).json()).toEqual([]);

    // the password is in Keycloak's database, hashed, never as given
    const stored = await superuser((c) => c.query(`select password_hash from keycloak_stand_in.users where id = $1`, [clerkId]), database);
    expect(stored.rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(stored.rows)).not.toContain('clara-secret-1');
  });

  it('refuses what it cannot keep by name: a temporary password, required actions, unknown fields, bad JSON', async () => {
    const bad = async (body: unknown) => {
      const res = await call(app, token, 'POST', '/admin/realms/erpbi/users', body);
      return [res.statusCode, res.json().errorMessage];
    };
    expect(await bad({ username: 'tmp', credentials: [{ type: 'password', value: 'x', temporary: true }] })).toEqual([
      400,
      expect.stringMatching(/credentials\.0\.temporary: a temporary password is not supported/),
    ]);
    expect(await bad({ username: 'ra', requiredActions: ['UPDATE_PASSWORD'] })).toEqual([
      400,
      expect.stringMatching(/requiredActions: required actions are not supported/),
    ]);
    expect(await bad({ username: 'x', nickname: 'y' })).toEqual([400, expect.stringMatching(/nickname/)]);
    expect(await bad({ email: 'no-username@firm.example' })).toEqual([400, expect.stringMatching(/^username:/)]);
    const notJson = await app.inject({
      method: 'POST',
      url: '/admin/realms/erpbi/users',
      headers: { authorization: `Bearer ${token}`, ...json },
      payload: '{username',
    });
    expect([notJson.statusCode, notJson.json()]).toEqual([400, { errorMessage: 'the body is not JSON' }]);
    expect((await call(app, token, 'GET', '/admin/realms/erpbi/users?username=tmp&exact=true')).json()).toEqual([]);
  });

  it('maps realm roles by their representation; an unknown role is 404 and maps nothing; the token carries them in realm_access.roles', async () => {
    const clerk = await call(app, token, 'GET', '/admin/realms/erpbi/roles/clerk');
    expect(clerk.json()).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'clerk',
      composite: false,
      clientRole: false,
      containerId: 'erpbi',
      attributes: {},
    });
    expect((await call(app, token, 'GET', '/admin/realms/erpbi/roles/no-such-role')).statusCode).toBe(404);
    const mappings = `/admin/realms/erpbi/users/${clerkId}/role-mappings/realm`;
    const unknown = await call(app, token, 'POST', mappings, [clerk.json(), { name: 'no-such-role' }]);
    expect(unknown.statusCode).toBe(404);
    expect((await call(app, token, 'GET', mappings)).json().map((r: { name: string }) => r.name)).toEqual(['default-roles-erpbi']);
    expect((await call(app, token, 'POST', mappings, [clerk.json()])).statusCode).toBe(204);
    expect((await call(app, token, 'POST', mappings, [clerk.json()])).statusCode).toBe(204); // again: no change
    expect((await call(app, token, 'GET', mappings)).json().map((r: { name: string }) => r.name)).toEqual(['clerk', 'default-roles-erpbi']);
    // master's admin role is master's, not erpbi's
    expect((await call(app, token, 'POST', mappings, [{ name: 'create-realm' }])).statusCode).toBe(404);

    const signedIn = await signIn(app, 'clara.clerk', 'clara-secret-1');
    expect(signedIn).toMatchObject({ status: 200, state: 's1' });
    expect(signedIn.claims).toMatchObject({
      iss: issuer,
      aud: 'erpbi',
      sub: clerkId,
      name: 'Clara Clerk',
      azp: 'erpbi-dashboard',
      realm_access: { roles: ['clerk'] },
    });
    // by e-mail too, as Keycloak's loginWithEmailAllowed
    expect((await signIn(app, 'clara@firm.example', 'clara-secret-1')).status).toBe(200);
  });

  it('refuses a wrong password at the login form (401, the form again), and a user without a password', async () => {
    const wrong = await signIn(app, 'clara.clerk', 'clara-secret-2');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Invalid username or password.');
    expect(wrong.body).toContain('id="kc-form-login"');
    expect((await call(app, token, 'POST', '/admin/realms/erpbi/users', { username: 'nopass', enabled: true })).statusCode).toBe(201);
    expect((await signIn(app, 'nopass', 'anything')).status).toBe(401);
    // a master user does not sign in at erpbi
    expect((await signIn(app, 'admin', adminPassword)).status).toBe(401);
    // the login form answers only at the issuer's hosts, as the demo users' page (DNS rebinding)
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'erpbi-dashboard',
      redirect_uri: 'https://erpbi.lan/',
      code_challenge: 'c'.repeat(43),
      code_challenge_method: 'S256',
    });
    const elsewhere = await app.inject({
      method: 'POST',
      url: `/realms/erpbi${endpoints.authorize}?${q}`,
      headers: { host: 'evil.example', ...form },
      payload: 'username=clara.clerk&password=clara-secret-1',
    });
    expect(elsewhere.statusCode).toBe(421);
    // and gives codes only to the workspace's pages
    q.set('redirect_uri', 'https://evil.example/');
    const away = await app.inject({
      method: 'POST',
      url: `/realms/erpbi${endpoints.authorize}?${q}`,
      headers: { ...host, ...form },
      payload: 'username=clara.clerk&password=clara-secret-1',
    });
    expect([away.statusCode, away.json().error_description]).toEqual([400, 'redirect_uri is not a page of the workspace']);
  });

  it('lets only master admins in: no token or a bad one 401, an erpbi token or a master user without admin 403', async () => {
    const users = '/admin/realms/erpbi/users';
    expect((await call(app, undefined, 'GET', users)).statusCode).toBe(401);
    expect((await call(app, 'not.a.jwt', 'GET', users)).statusCode).toBe(401);
    expect((await call(app, `${token.slice(0, -4)}AAAA`, 'GET', users)).statusCode).toBe(401);
    const erpbiAccess = await signIn(app, 'clara.clerk', 'clara-secret-1');
    const erpbiToken = await (async () => {
      // the erpbi realm's access token itself, not only its claims
      const verifier = randomBytes(32).toString('base64url');
      const q = new URLSearchParams({
        response_type: 'code',
        client_id: 'erpbi-dashboard',
        redirect_uri: 'https://erpbi.lan/',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      const posted = await app.inject({
        method: 'POST',
        url: `/realms/erpbi${endpoints.authorize}?${q}`,
        headers: { ...host, ...form },
        payload: 'username=clara.clerk&password=clara-secret-1',
      });
      const code = new URL(posted.headers.location as string).searchParams.get('code')!;
      const t = await app.inject({
        method: 'POST',
        url: `/realms/erpbi${endpoints.token}`,
        headers: { ...host, ...form },
        payload: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: 'https://erpbi.lan/',
          client_id: 'erpbi-dashboard',
          code_verifier: verifier,
        }).toString(),
      });
      return t.json().access_token as string;
    })();
    expect(erpbiAccess.status).toBe(200);
    expect((await call(app, erpbiToken, 'GET', users)).statusCode).toBe(403);
    // a master user without the admin role
    expect(
      (
        await call(app, token, 'POST', '/admin/realms/master/users', {
          username: 'viewer',
          enabled: true,
          credentials: [{ type: 'password', value: 'viewer-pw' }],
        })
      ).statusCode,
    ).toBe(201);
    const viewer = await adminToken(app, 'viewer', 'viewer-pw');
    expect(viewer.status).toBe(200);
    expect((await call(app, viewer.token, 'GET', users)).statusCode).toBe(403);
    expect((await call(app, viewer.token, 'POST', users, { username: 'sneaky' })).statusCode).toBe(403);
    expect((await call(app, token, 'GET', '/admin/realms/other/users')).statusCode).toBe(404);
  });

  it("deletes a user (204): it no longer signs in; a deleted admin's token no longer opens the API", async () => {
    // as install.sh does: a permanent admin in master, then the temporary one deleted
    const made = await call(app, token, 'POST', '/admin/realms/master/users', {
      username: 'root-admin',
      enabled: true,
      credentials: [{ type: 'password', value: 'root-pw-1', temporary: false }],
    });
    const rootId = (made.headers.location as string).split('/').at(-1)!;
    const adminRole = (await call(app, token, 'GET', '/admin/realms/master/roles/admin')).json();
    expect((await call(app, token, 'POST', `/admin/realms/master/users/${rootId}/role-mappings/realm`, [adminRole])).statusCode).toBe(204);
    const root = (await adminToken(app, 'root-admin', 'root-pw-1')).token!;
    const bootstrapId = (await call(app, root, 'GET', '/admin/realms/master/users?username=admin&exact=true')).json()[0].id;
    expect((await call(app, root, 'DELETE', `/admin/realms/master/users/${bootstrapId}`)).statusCode).toBe(204);
    expect((await call(app, token, 'GET', '/admin/realms/erpbi/users')).statusCode).toBe(401); // the deleted admin's token
    expect((await adminToken(app)).status).toBe(401);
    expect((await call(app, root, 'DELETE', `/admin/realms/master/users/${bootstrapId}`)).statusCode).toBe(404);

    expect((await call(app, root, 'DELETE', `/admin/realms/erpbi/users/${clerkId}`)).statusCode).toBe(204);
    expect((await signIn(app, 'clara.clerk', 'clara-secret-1')).status).toBe(401);
    // a start now finds master's permanent admin: no new temporary one
    const later = await start();
    expect((await adminToken(later)).status).toBe(401);
    expect(
      (await call(later, root, 'GET', '/admin/realms/master/users'))
        .json()
        .map((u: { username: string }) => u.username)
        .sort(),
    ).toEqual(['root-admin', 'viewer']);
  });

  it("names Keycloak's database and its user when it cannot start on it", async () => {
    // (the local Postgres trusts every local user: a database that is not there, rather than a wrong password)
    await expect(startKeycloakStandIn({ dbUrl: `${jdbc}_gone`, dbUser: role, dbPassword, issuer, keys })).rejects.toThrow(
      new RegExp(`Keycloak's database ${database}_gone at .* as ${role}: .*does not exist`),
    );
  });
});
