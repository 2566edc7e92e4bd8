import { createHash, randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { adminUrl } from '../../../tests/support/postgres.js';
import { registerDevIssuer } from '../dev-issuer.js';
import { endpoints, type IssuerKeys } from '../issuer.js';
import { startKeycloakStandIn, type StandIn } from './stand-in.js';

// What stand-in.test.ts works with: Keycloak's stand-in on the real local Postgres, in a database and
// an owner role of this run's own, as compose/postgres/init/10-keycloak.sh makes Keycloak's (dropped
// after); the app built as runtime/dev-issuer/main.ts builds it; and the clients install.sh and the
// workspace are to it (admin-cli's password grant, the admin API, the login form with code + PKCE).
// No test runner here: the test file hooks setUp and tearDown in.

const id = randomBytes(4).toString('hex');
export const database = `erpbi_kc_${id}`;
export const role = `erpbi_kc_${id}`;
export const dbPassword = randomBytes(12).toString('hex');
export const adminPassword = randomBytes(12).toString('hex');
export const issuer = 'https://auth.erpbi.lan/realms/erpbi';
export const jdbc = `jdbc:postgresql://${new URL(adminUrl).host}/${database}`;
export const form = { 'content-type': 'application/x-www-form-urlencoded' };
export const json = { 'content-type': 'application/json' };
export const host = { host: 'auth.erpbi.lan' };

export let keys: IssuerKeys;
const running: { app: FastifyInstance; standIn: StandIn }[] = [];

export async function superuser<T>(work: (c: pg.Client) => Promise<T>, db = 'postgres'): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl.replace(/\/[^/]*$/, `/${db}`) });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** The stand-in as runtime/dev-issuer/main.ts starts it. */
export async function start(bootstrap = { username: 'admin', password: adminPassword }) {
  const standIn = await startKeycloakStandIn({ dbUrl: jdbc, dbUser: role, dbPassword, bootstrapAdmin: bootstrap, issuer, keys });
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  registerDevIssuer(app, {
    issuer,
    audience: 'erpbi',
    keys,
    clientSecret: 'connector-secret',
    webClientId: 'erpbi-dashboard',
    rolesClaim: 'realm_access.roles',
    redirectOrigins: ['https://erpbi.lan'],
    login: standIn.login,
  });
  standIn.register(app);
  running.push({ app, standIn });
  return app;
}

export async function adminToken(app: FastifyInstance, username = 'admin', password = adminPassword) {
  const res = await app.inject({
    method: 'POST',
    url: '/realms/master/protocol/openid-connect/token',
    headers: form,
    payload: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username, password }).toString(),
  });
  return { status: res.statusCode, body: res.json(), token: res.json().access_token as string | undefined };
}

export const call = (app: FastifyInstance, token: string | undefined, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
  app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : json), host: '127.0.0.1:8081' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

/** Code + PKCE as the workspace does it, the credentials posted to the login form. */
export async function signIn(app: FastifyInstance, username: string, password: string) {
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: 'erpbi-dashboard',
    redirect_uri: 'https://erpbi.lan/',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 's1',
  });
  const page = await app.inject({ url: `/realms/erpbi${endpoints.authorize}?${q}`, headers: host });
  const action = /<form[^>]+action="([^"]+)"/.exec(page.body)?.[1]?.replaceAll('&#38;', '&');
  if (page.statusCode !== 200 || !action) throw new Error(`login page: ${page.statusCode} ${page.body}`);
  const posted = await app.inject({
    method: 'POST',
    url: action,
    headers: { ...host, ...form },
    payload: new URLSearchParams({ username, password }).toString(),
  });
  if (posted.statusCode !== 302) return { status: posted.statusCode, body: posted.body };
  const location = new URL(posted.headers.location as string);
  const token = await app.inject({
    method: 'POST',
    url: `/realms/erpbi${endpoints.token}`,
    headers: { ...host, ...form },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
      redirect_uri: 'https://erpbi.lan/',
      client_id: 'erpbi-dashboard',
      code_verifier: verifier,
    }).toString(),
  });
  return { status: token.statusCode, state: location.searchParams.get('state'), claims: decodeJwt(token.json().access_token as string) };
}

/** A database and an owner role of this run's own, and the issuer's keys; run before the tests. */
export async function setUp() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  keys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid: 'kc', alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid: 'kc', alg: 'ES256', use: 'sig' },
  };
  await superuser(async (c) => {
    await c.query(`create role ${role} login password '${dbPassword}'`);
    await c.query(`create database ${database} owner ${role}`);
    await c.query(`revoke connect on database ${database} from public`);
  });
}

/** Every stand-in started closed, and the database and role dropped; run after the tests. */
export async function tearDown() {
  for (const r of running.splice(0)) {
    await r.app.close();
    await r.standIn.close();
  }
  await superuser(async (c) => {
    await c.query(`drop database if exists ${database} with (force)`);
    await c.query(`drop role if exists ${role}`);
  });
}
