import Fastify from 'fastify';
import cors from '@fastify/cors';
import { z } from 'zod';
import { secret } from '../shared/secrets.js';
import { registerDevIssuer } from './dev-issuer.js';
import { loadOrCreateKeys } from './issuer.js';

// The dev issuer as a server of its own: the container test's stand-in for Keycloak (Keycloak's
// image cannot be pulled there). Same issuer URL, endpoint layout, client ids and roles claim as the
// realm in compose/keycloak/erpbi-realm.json, so nothing else in the stack changes. Demo users sign
// in without a password: never on a box with real data.
const env = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    ERPBI_DATA: z.string().default('/data'),
    AUTH_ISSUER: z.url(),
    AUTH_AUDIENCE: z.string().default('erpbi'),
    WEB_CLIENT_ID: z.string().default('erpbi-dashboard'),
    ROLES_CLAIM: z.string().default('realm_access.roles'),
    /** Origins of the workspace (comma-separated), like the client's redirect URIs in the realm. */
    REDIRECT_ORIGINS: z.string().transform((s) => s.split(',').map((o) => new URL(o.trim()).origin)),
  })
  .parse(process.env);
// The connector's client secret, where the connector reads it too (SECRETS_DIR/connector-client-secret).
const clientSecret = secret('connector-client-secret', 'CLIENT_SECRET');
if (!clientSecret) throw new Error('the secret connector-client-secret (or CLIENT_SECRET) is required');

const app = Fastify();
// The workspace (another origin) reads discovery and posts the code exchange from the browser: allow
// exactly its origins, as the realm's client does with webOrigins.
await app.register(cors, { origin: env.REDIRECT_ORIGINS });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
registerDevIssuer(app, {
  issuer: env.AUTH_ISSUER,
  audience: env.AUTH_AUDIENCE,
  keys: await loadOrCreateKeys(env.ERPBI_DATA),
  clientSecret,
  webClientId: env.WEB_CLIENT_ID,
  rolesClaim: env.ROLES_CLAIM,
  redirectOrigins: env.REDIRECT_ORIGINS,
});
app.get('/health/ready', async () => ({ status: 'UP' }));
await app.listen({ port: env.PORT, host: '0.0.0.0' });
console.log(JSON.stringify({ msg: 'dev issuer ready (Keycloak stand-in)', issuer: env.AUTH_ISSUER }));
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
