import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { endpoints, signToken, type IssuerKeys } from '../issuer.js';
import { readForm, readJson } from '../raw-body.js';
import { newUserRepresentation, problems, roleMappings, userRepresentation } from './representations.js';
import type { Store } from './store.js';

// The part of Keycloak's admin REST API the installer uses (install.sh: the first admin, then the
// bootstrap admin removed), on the stand-in's users: the master realm's password grant for admin-cli,
// users searched, created, read and deleted, realm roles read and mapped. Tokens of master's users
// with master's `admin` role may call it (Keycloak's super admin); any other valid token is 403, none
// or a bad one 401. Like Keycloak's, these routes answer at any Host: a bearer token, not a cookie,
// is what lets one in (no DNS rebinding), and on the box the admin port is published on 127.0.0.1 only.

export interface AdminApiOptions {
  store: Store;
  keys: IssuerKeys;
  /** The erpbi realm's issuer URL (…/realms/erpbi); master's is beside it. */
  issuer: string;
}

/** Master's access tokens live as long as Keycloak's default for it: a minute. */
const adminTokenTtl = 60;

const passwordGrant = z.object({ grant_type: z.string(), client_id: z.string(), username: z.string().optional(), password: z.string().optional() });
const searchQuery = z
  .object({
    username: z.string().optional(),
    email: z.string().optional(),
    exact: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    first: z.coerce.number().int().min(0).optional(),
    max: z.coerce.number().int().min(0).max(1000).optional(),
    briefRepresentation: z.enum(['true', 'false']).optional(),
  })
  .strict();

type Params = { realm: string; id?: string; role?: string };

export function realmOf(issuer: string): { base: string; realm: string } {
  const m = /^(.*)\/realms\/([^/]+)\/?$/.exec(issuer);
  if (!m) throw new Error(`keycloak stand-in: AUTH_ISSUER ${issuer} is not Keycloak's <base>/realms/<realm>`);
  return { base: m[1]!, realm: m[2]! };
}

export function registerAdminApi(app: FastifyInstance, opts: AdminApiOptions): void {
  const { store } = opts;
  const { base, realm: erpbiRealm } = realmOf(opts.issuer);
  const masterIssuer = `${base}/realms/master`;
  const realms = new Set(['master', erpbiRealm]);
  const jwks = createLocalJWKSet({ keys: [opts.keys.publicJwk] });

  // Master's discovery and keys: install.sh waits for the discovery document before it signs in.
  app.get('/realms/master/.well-known/openid-configuration', async () => ({
    issuer: masterIssuer,
    token_endpoint: `${masterIssuer}${endpoints.token}`,
    jwks_uri: `${masterIssuer}${endpoints.jwks}`,
    grant_types_supported: ['password'],
    id_token_signing_alg_values_supported: ['ES256'],
  }));
  app.get(`/realms/master${endpoints.jwks}`, async () => ({ keys: [opts.keys.publicJwk] }));

  app.post(`/realms/master${endpoints.token}`, async (req, reply) => {
    const form = passwordGrant.safeParse(await readForm(req));
    if (!form.success) return reply.code(400).send({ error: 'invalid_request', error_description: problems(form.error) });
    if (form.data.client_id !== 'admin-cli')
      return reply.code(401).send({ error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' });
    if (form.data.grant_type !== 'password') return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' });
    const user = form.data.username && form.data.password ? await store.signIn('master', form.data.username, form.data.password) : undefined;
    if (!user) return reply.code(401).send({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
    const token = await signToken(opts.keys, {
      issuer: masterIssuer,
      audience: 'master-realm',
      sub: user.id,
      roles: [],
      rolesClaim: 'realm_access.roles',
      ttlSeconds: adminTokenTtl,
      client: 'admin-cli',
    });
    return reply
      .header('cache-control', 'no-store')
      .send({ access_token: token, expires_in: adminTokenTtl, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0, scope: 'profile email' });
  });

  /** Who may call: a master user who still exists, is enabled and holds master's admin role. */
  async function admin(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const claims = bearer
      ? await jwtVerify(bearer, jwks, { issuer: [masterIssuer, opts.issuer] }).then(
          (v) => v.payload,
          () => undefined,
        )
      : undefined;
    if (!claims?.sub) return reply.code(401).send({ error: 'HTTP 401 Unauthorized' });
    if (claims.iss !== masterIssuer) return reply.code(403).send({ error: 'HTTP 403 Forbidden' });
    const user = await store.user('master', claims.sub);
    if (!user?.enabled) return reply.code(401).send({ error: 'HTTP 401 Unauthorized' });
    if (!(await store.effectiveRoles(user.id)).includes('admin')) return reply.code(403).send({ error: 'HTTP 403 Forbidden' });
    if (!realms.has(req.params.realm)) return reply.code(404).send({ error: 'Realm not found.' });
  }
  const route = { preHandler: admin };
  const users = '/admin/realms/:realm/users';
  const userNotFound = (reply: FastifyReply) => reply.code(404).send({ error: 'User not found' });

  app.get<{ Params: Params }>(users, route, async (req, reply) => {
    const q = searchQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ errorMessage: problems(q.error) });
    return (await store.findUsers(req.params.realm, q.data)).map(userRepresentation);
  });

  app.post<{ Params: Params }>(users, route, async (req, reply) => {
    const body = await readJson(req);
    if ('problem' in body) return reply.code(400).send({ errorMessage: body.problem });
    const u = newUserRepresentation.safeParse(body.json);
    if (!u.success) return reply.code(400).send({ errorMessage: problems(u.error) });
    const made = await store.createUser(req.params.realm, { ...u.data, password: u.data.credentials?.[0]?.value });
    if ('conflict' in made) return reply.code(409).send({ errorMessage: `User exists with same ${made.conflict}` });
    return reply.code(201).header('location', `${req.protocol}://${req.host}/admin/realms/${req.params.realm}/users/${made.created.id}`).send();
  });

  app.get<{ Params: Params }>(`${users}/:id`, route, async (req, reply) => {
    const u = await store.user(req.params.realm, req.params.id!);
    return u ? userRepresentation(u) : userNotFound(reply);
  });

  app.delete<{ Params: Params }>(`${users}/:id`, route, async (req, reply) =>
    (await store.deleteUser(req.params.realm, req.params.id!)) ? reply.code(204).send() : userNotFound(reply),
  );

  app.get<{ Params: Params }>('/admin/realms/:realm/roles/:role', route, async (req, reply) => {
    const r = await store.role(req.params.realm, req.params.role!);
    return r ? { ...r, attributes: {} } : reply.code(404).send({ error: 'Could not find role' });
  });

  app.get<{ Params: Params }>(`${users}/:id/role-mappings/realm`, route, async (req, reply) => {
    if (!(await store.user(req.params.realm, req.params.id!))) return userNotFound(reply);
    return store.realmRoleMappings(req.params.id!);
  });

  app.post<{ Params: Params }>(`${users}/:id/role-mappings/realm`, route, async (req, reply) => {
    if (!(await store.user(req.params.realm, req.params.id!))) return userNotFound(reply);
    const body = await readJson(req);
    if ('problem' in body) return reply.code(400).send({ errorMessage: body.problem });
    const mapped = roleMappings.safeParse(body.json);
    if (!mapped.success) return reply.code(400).send({ errorMessage: problems(mapped.error) });
    const { unknownRole } = await store.addRealmRoleMappings(
      req.params.realm,
      req.params.id!,
      mapped.data.map((r) => r.name),
    );
    return unknownRole === undefined ? reply.code(204).send() : reply.code(404).send({ error: 'Role not found', errorMessage: `no realm role ${unknownRole}` });
  });
}
