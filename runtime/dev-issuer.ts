import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defaultWebClientId, registerCodeFlow } from './code-flow.js';
import { discoveryDocument, endpoints, signToken, type IssuerKeys } from './issuer.js';

export interface DevIssuerOptions {
  /** The issuer URL tokens carry (`iss`), e.g. http://127.0.0.1:8080/issuer or https://auth.erpbi.lan/realms/erpbi. */
  issuer: string;
  audience: string;
  keys: IssuerKeys;
  /** The secret of the confidential client erpbi-connector (client credentials). */
  clientSecret: string;
  webClientId?: string;
  /** `roles` (npm start) or `realm_access.roles` (where it stands in for Keycloak). */
  rolesClaim?: string;
  /** Origins that may receive a code; the issuer's own when unset. */
  redirectOrigins?: string[];
}

/**
 * The dev issuer's routes, at the issuer URL's path and in Keycloak's endpoint layout (discovery,
 * /protocol/openid-connect/certs, token, auth): the gateway of `npm start` serves it at /issuer, and
 * the container test runs it as a stand-in for Keycloak at /realms/erpbi. Never on a box with real
 * data: anyone can sign in as any demo user.
 */
export function registerDevIssuer(app: FastifyInstance, opts: DevIssuerOptions): void {
  const base = new URL(opts.issuer).pathname.replace(/\/$/, '');
  const rolesClaim = opts.rolesClaim ?? 'roles';
  app.get(`${base}/.well-known/openid-configuration`, async () => discoveryDocument(opts.issuer));
  app.get(`${base}${endpoints.jwks}`, async () => ({ keys: [opts.keys.publicJwk] }));
  const codeFlow = registerCodeFlow(app, {
    issuer: opts.issuer,
    audience: opts.audience,
    keys: opts.keys,
    authorizePath: `${base}${endpoints.authorize}`,
    webClientId: opts.webClientId ?? defaultWebClientId,
    rolesClaim,
    redirectOrigins: opts.redirectOrigins ?? [new URL(opts.issuer).origin],
  });
  const tokenForm = z.object({ grant_type: z.literal('client_credentials'), client_id: z.literal('erpbi-connector'), client_secret: z.string() });
  app.post(`${base}${endpoints.token}`, async (req, reply) => {
    let raw = '';
    for await (const chunk of req.body as AsyncIterable<Buffer>) if ((raw += chunk).length > 4096) break;
    const fields = Object.fromEntries(new URLSearchParams(raw));
    if (fields.grant_type === 'authorization_code') return codeFlow.exchange(fields, reply);
    const form = tokenForm.safeParse(fields);
    if (!form.success || form.data.client_secret !== opts.clientSecret) {
      return reply.code(401).send({ error: 'invalid_client' });
    }
    const ttl = 600;
    const token = await signToken(opts.keys, { issuer: opts.issuer, audience: opts.audience, sub: 'erpbi-connector', roles: ['service'], rolesClaim, ttlSeconds: ttl });
    return { access_token: token, token_type: 'Bearer', expires_in: ttl };
  });
}
