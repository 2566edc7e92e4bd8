import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import { connectorClient } from '../../shared/auth/roles.js';
import { defaultWebClientId, registerCodeFlow, type LoginForm } from './code-flow.js';
import { readForm } from './raw-body.js';
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
  /**
   * The Host header values (host[:port]) the sign-in page and the token endpoint answer to; the issuer
   * URL's host when unset. The container test's stand-in adds keycloak:8080, where the connector asks
   * for its token (ISSUER_EXTRA_HOSTS).
   */
  allowedHosts?: string[];
  /** Sign-in with credentials instead of the demo users (the Keycloak stand-in, runtime/dev-issuer/keycloak-stand-in/). */
  login?: LoginForm;
}

// A Host header as a name, an IPv4 or a bracketed IPv6 address, with an optional port: nothing a URL
// parser would read as something else (`evil@auth.erpbi.lan` is the host auth.erpbi.lan to it).
const plainHost = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** host[:port] as the issuer's scheme writes it: lower case, without the scheme's default port. */
function sameHostAs(protocol: string) {
  return (host: string): string | undefined => {
    try {
      return plainHost.test(host) ? new URL(`${protocol}//${host}`).host : undefined;
    } catch {
      return undefined; // a port above 65535
    }
  };
}

/**
 * DNS rebinding: a page of another site whose name is made to resolve to this issuer's address could
 * sign in as a demo user and read the answer, since to the browser it is its own origin. Its requests
 * still carry its own name in Host, so the sign-in page and the token endpoint answer only at the
 * issuer's hosts: 421 Misdirected Request, as an OAuth error, for any other.
 */
function hostCheck(issuer: string, allowed: string[] | undefined): onRequestHookHandler {
  const normal = sameHostAs(new URL(issuer).protocol);
  const hosts = new Set((allowed ?? [new URL(issuer).host]).map((h) => normal(h) ?? h));
  return async (req, reply) => {
    const host = normal(req.headers.host ?? '');
    if (host && hosts.has(host)) return;
    return reply.code(421).send({ error: 'invalid_request', error_description: 'the Host header names another server than this issuer' });
  };
}

// The connector's secret, compared over digests: as long as each other whatever was sent, so neither
// the time taken nor an early length check tells how much of it matched.
const digest = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * The dev issuer's routes, at the issuer URL's path and in Keycloak's endpoint layout (discovery,
 * /protocol/openid-connect/certs, token, auth): the gateway of `npm start` serves it at /issuer, and
 * the container test runs it as a stand-in for Keycloak at /realms/erpbi. Never on a box with real
 * data: anyone can sign in as any demo user.
 */
export function registerDevIssuer(app: FastifyInstance, opts: DevIssuerOptions): void {
  const base = new URL(opts.issuer).pathname.replace(/\/$/, '');
  const rolesClaim = opts.rolesClaim ?? 'roles';
  const onRequest = hostCheck(opts.issuer, opts.allowedHosts);
  // Discovery and the keys answer at any Host: they are public (endpoint URLs and a public key, what a
  // rebinding page could read there anyway), and the functions fetch the keys at an internal name.
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
    onRequest,
    ...(opts.login ? { login: opts.login } : {}),
  });
  const tokenForm = z.object({ grant_type: z.literal('client_credentials'), client_id: z.literal(connectorClient), client_secret: z.string() });
  app.post(`${base}${endpoints.token}`, { onRequest }, async (req, reply) => {
    const fields = await readForm(req);
    if (fields.grant_type === 'authorization_code') return codeFlow.exchange(fields, reply);
    const form = tokenForm.safeParse(fields);
    if (!form.success || !sameSecret(form.data.client_secret, opts.clientSecret)) {
      return reply.code(401).send({ error: 'invalid_client' });
    }
    const ttl = 600;
    const token = await signToken(opts.keys, {
      issuer: opts.issuer,
      audience: opts.audience,
      sub: connectorClient,
      client: connectorClient,
      roles: ['service'],
      rolesClaim,
      ttlSeconds: ttl,
    });
    return { access_token: token, token_type: 'Bearer', expires_in: ttl };
  });
}
