import Fastify from 'fastify';
import cors from '@fastify/cors';
import { readConfig } from '../../shared/config.js';
import { registerDevIssuer } from './dev-issuer.js';
import { loadOrCreateKeys } from './issuer.js';
import { startKeycloakStandIn } from './keycloak-stand-in/stand-in.js';

// The dev issuer as a server of its own: the container test's stand-in for Keycloak (Keycloak's
// image cannot be pulled there). Same issuer URL, endpoint layout, client ids and roles claim as the
// realm in compose/keycloak/erpbi-realm.json, so nothing else in the stack changes. Demo users sign
// in without a password: never on a box with real data.
// Its settings (shared/config.ts); the connector's client secret is read where the connector reads it
// (SECRETS_DIR/connector-client-secret). The roles claim is Keycloak's unless AUTH_ROLES_CLAIM says otherwise.
// With Keycloak's database settings (KC_DB_URL, as the compose service gives Keycloak), it is the
// Keycloak stand-in of runtime/dev-issuer/keycloak-stand-in/: users with passwords in that database, Keycloak's
// admin API, no demo users.
const env = readConfig(
  [
    'PORT',
    'ERPBI_DATA',
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
    'AUTH_ROLES_CLAIM',
    'WEB_CLIENT_ID',
    'REDIRECT_ORIGINS',
    'ISSUER_EXTRA_HOSTS',
    'CLIENT_SECRET',
    'KC_DB_URL',
    'KC_DB_USERNAME',
    'KC_DB_PASSWORD',
    'KC_BOOTSTRAP_ADMIN_USERNAME',
    'KC_BOOTSTRAP_ADMIN_PASSWORD',
  ],
  {
    required: ['AUTH_ISSUER', 'REDIRECT_ORIGINS', 'CLIENT_SECRET'],
    env: { AUTH_ROLES_CLAIM: 'realm_access.roles', ...process.env },
  },
);

const keys = await loadOrCreateKeys(env.ERPBI_DATA);
if (env.KC_DB_URL && (!env.KC_DB_USERNAME || !env.KC_DB_PASSWORD)) {
  throw new Error('erpbi: bad configuration: KC_DB_URL needs KC_DB_USERNAME and KC_DB_PASSWORD (or the secret keycloak-db-password)');
}
const standIn = env.KC_DB_URL
  ? await startKeycloakStandIn({
      dbUrl: env.KC_DB_URL,
      dbUser: env.KC_DB_USERNAME!,
      dbPassword: env.KC_DB_PASSWORD!,
      issuer: env.AUTH_ISSUER,
      keys,
      bootstrapAdmin:
        env.KC_BOOTSTRAP_ADMIN_USERNAME && env.KC_BOOTSTRAP_ADMIN_PASSWORD
          ? { username: env.KC_BOOTSTRAP_ADMIN_USERNAME, password: env.KC_BOOTSTRAP_ADMIN_PASSWORD }
          : undefined,
    })
  : undefined;

const app = Fastify();
// The workspace (another origin) reads discovery and posts the code exchange from the browser: allow
// exactly its origins, as the realm's client does with webOrigins.
await app.register(cors, { origin: env.REDIRECT_ORIGINS });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
registerDevIssuer(app, {
  issuer: env.AUTH_ISSUER,
  audience: env.AUTH_AUDIENCE,
  keys,
  clientSecret: env.CLIENT_SECRET,
  webClientId: env.WEB_CLIENT_ID,
  rolesClaim: env.AUTH_ROLES_CLAIM,
  redirectOrigins: env.REDIRECT_ORIGINS,
  // Browsers come through the front door (the issuer's host); in-stack callers by the service's name.
  allowedHosts: [new URL(env.AUTH_ISSUER).host, ...env.ISSUER_EXTRA_HOSTS],
  ...(standIn ? { login: standIn.login } : {}),
});
standIn?.register(app);
app.get('/health/ready', async () => ({ status: 'UP' }));
await app.listen({ port: env.PORT, host: '0.0.0.0' });
console.log(JSON.stringify({ msg: 'dev issuer ready (Keycloak stand-in)', issuer: env.AUTH_ISSUER, users: standIn ? 'keycloak database' : 'demo' }));
process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => standIn?.close())
      .then(() => process.exit(0)),
);
