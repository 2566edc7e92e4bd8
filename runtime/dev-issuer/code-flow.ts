import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../shared/auth/roles.js';
import { readForm } from './raw-body.js';
import { signToken, type IssuerKeys } from './issuer.js';

// The dev issuer's OAuth2 authorization-code flow with PKCE, so the dashboard signs in exactly as it
// would against Keycloak: discovery -> /authorize -> code -> /token with the code_verifier. Instead of
// a password, the page lets one pick a demo user of a role, unless a login form is given (the Keycloak
// stand-in's users with their passwords, runtime/dev-issuer/keycloak-stand-in/). Codes live in memory for a minute, and
// no more than `maxPending` of them: the page needs no sign-in, so anyone who reaches it could
// otherwise fill the memory with codes never exchanged.

/** The browser client of `npm start`'s workspace (Keycloak's is erpbi-dashboard). */
export const defaultWebClientId = 'erpbi-web';
const demoUsers: { id: string; name: string; role: Role }[] = [
  { id: 'demo-admin', name: 'Ada Admin', role: 'admin' },
  { id: 'demo-accountant', name: 'Avery Accountant', role: 'accountant' },
  { id: 'demo-clerk', name: 'Casey Clerk', role: 'clerk' },
];

const authorizeQuery = (webClientId: string) =>
  z.object({
    response_type: z.literal('code'),
    client_id: z.literal(webClientId),
    redirect_uri: z.url(),
    code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/),
    code_challenge_method: z.literal('S256'),
    state: z.string().max(500).optional(),
    scope: z.string().max(500).optional(),
    nonce: z.string().max(500).optional(),
    user: z.string().optional(),
  });

const codeGrant = (webClientId: string) =>
  z.object({
    grant_type: z.literal('authorization_code'),
    code: z.string().min(1),
    redirect_uri: z.string(),
    client_id: z.literal(webClientId),
    code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/),
  });

/** Who a code is for: the token's subject, name and roles. */
export interface SignedIn {
  sub: string;
  name: string;
  roles: Role[];
}

/** A sign-in with credentials in place of the demo users' page. */
export interface LoginForm {
  /** The page asking for them; the form posts to `action` (the authorize URL with its query). */
  page: (action: string, problem?: string) => string;
  /** Who the posted form's credentials are, or undefined when they are wrong. */
  check: (form: Record<string, string>) => Promise<SignedIn | undefined>;
}

interface Pending {
  user: SignedIn;
  challenge: string;
  redirectUri: string;
  nonce?: string | undefined;
  expires: number;
}

const codeTtlMs = 60_000;
/** Escaped for HTML text and attribute values. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface CodeFlowOptions {
  issuer: string;
  audience: string;
  keys: IssuerKeys;
  /** The path /authorize is served at (under the issuer's path). */
  authorizePath: string;
  webClientId: string;
  rolesClaim: string;
  /** Origins that may receive a code (like a Keycloak client's redirect URIs); the issuer's own by default. */
  redirectOrigins: string[];
  /** Codes waiting for their exchange at most (default 1000); beyond it the oldest is dropped. */
  maxPending?: number;
  /** Runs before the sign-in page (the dev issuer's Host check). */
  onRequest?: onRequestHookHandler;
  /** Sign in with credentials (GET shows the form, POST checks it) instead of picking a demo user. */
  login?: LoginForm;
}

export interface CodeFlow {
  exchange: (form: Record<string, string>, reply: FastifyReply) => Promise<unknown>;
  /** How many codes wait for their exchange (kept within maxPending). */
  pendingCodes: () => number;
}

export function registerCodeFlow(app: FastifyInstance, opts: CodeFlowOptions): CodeFlow {
  // In insertion order, and every code lives as long: the expired ones are always the first.
  const pending = new Map<string, Pending>();
  const maxPending = opts.maxPending ?? 1000;
  const purge = (now: number) => {
    for (const [code, entry] of pending) {
      if (entry.expires >= now) break;
      pending.delete(code);
    }
    // Full of live codes (a flood): the oldest goes. A real sign-in exchanges its code at once.
    for (const code of pending.keys()) {
      if (pending.size < maxPending) break;
      pending.delete(code);
    }
  };
  const query = authorizeQuery(opts.webClientId);
  const grant = codeGrant(opts.webClientId);
  const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply.code(status).send({ error, error_description: description });

  const issueCode = (q: z.infer<typeof query>, user: SignedIn, reply: FastifyReply) => {
    const code = randomBytes(24).toString('base64url');
    const now = Date.now();
    purge(now);
    pending.set(code, { user, challenge: q.code_challenge, redirectUri: q.redirect_uri, nonce: q.nonce, expires: now + codeTtlMs });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state) target.searchParams.set('state', q.state);
    return reply.redirect(target.toString(), 302);
  };
  /** The authorize request's query, checked, or the error answered. */
  const authorizeRequest = (raw: unknown, reply: FastifyReply) => {
    const q = query.safeParse(raw);
    if (!q.success) return void oauthError(reply, 400, 'invalid_request', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    // Only the workspace's own pages may receive a code: a dev issuer must not hand tokens to other sites.
    if (!opts.redirectOrigins.includes(new URL(q.data.redirect_uri).origin))
      return void oauthError(reply, 400, 'invalid_request', 'redirect_uri is not a page of the workspace');
    return q.data;
  };
  const hooks = opts.onRequest ? { onRequest: opts.onRequest } : {};

  if (opts.login) {
    const login = opts.login;
    const action = (q: Record<string, unknown>) =>
      `${opts.authorizePath}?${new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string'))}`;
    const page = (reply: FastifyReply, status: number, html: string) =>
      reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    app.get(opts.authorizePath, hooks, async (req, reply) => {
      const q = authorizeRequest(req.query, reply);
      return q ? page(reply, 200, login.page(action(q))) : reply;
    });
    app.post(opts.authorizePath, hooks, async (req, reply) => {
      const q = authorizeRequest(req.query, reply);
      if (!q) return reply;
      const user = await login.check(await readForm(req));
      // Keycloak's answer to wrong credentials: the form again, with its message.
      return user ? issueCode(q, user, reply) : page(reply, 401, login.page(action(q), 'Invalid username or password.'));
    });
  } else {
    app.get(opts.authorizePath, hooks, async (req, reply) => {
      const q = authorizeRequest(req.query, reply);
      if (!q) return reply;
      const demo = demoUsers.find((u) => u.role === q.user);
      if (demo) return issueCode(q, { sub: demo.id, name: demo.name, roles: [demo.role] }, reply);
      const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'user'));
      const links = demoUsers
        .map(
          (u) =>
            `<li><a class="user" data-role="${u.role}" href="${esc(opts.authorizePath)}?${esc(params.toString())}&amp;user=${u.role}"><b>${esc(u.name)}</b><span>${u.role}</span></a></li>`,
        )
        .join('');
      // No icon request: the issuer may sit on another origin than the workspace and its favicon.
      return reply.type('text/html; charset=utf-8')
        .send(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>erpbi dev sign-in</title><link rel="icon" href="data:,"><style>body{font:16px system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#1e293b;padding:2rem;border-radius:12px;max-width:24rem;width:90%}ul{list-style:none;padding:0}a.user{display:flex;justify-content:space-between;padding:.9rem 1rem;margin:.5rem 0;background:#334155;color:inherit;border-radius:8px;text-decoration:none}
a.user:hover{background:#475569}span{color:#94a3b8}p{color:#94a3b8;font-size:.9rem}</style>
<main><h1>erpbi</h1><p>Development sign-in: pick a demo user. Production signs in through Keycloak.</p><ul>${links}</ul></main></html>`);
    });
  }

  return {
    pendingCodes: () => pending.size,
    exchange: async (form, reply) => {
      const g = grant.safeParse(form);
      if (!g.success) return oauthError(reply, 400, 'invalid_request', 'code, redirect_uri, client_id and code_verifier are required');
      const entry = pending.get(g.data.code);
      pending.delete(g.data.code); // a code is good for one exchange, right or wrong
      const challenge = createHash('sha256').update(g.data.code_verifier).digest('base64url');
      if (!entry || entry.expires < Date.now() || entry.redirectUri !== g.data.redirect_uri || entry.challenge !== challenge) {
        return oauthError(reply, 400, 'invalid_grant', 'the code is unknown, expired, or does not match the verifier or redirect_uri');
      }
      const ttl = 8 * 3600;
      const claims = {
        issuer: opts.issuer,
        sub: entry.user.sub,
        roles: entry.user.roles,
        rolesClaim: opts.rolesClaim,
        ttlSeconds: ttl,
        name: entry.user.name,
        client: opts.webClientId,
      };
      const [accessToken, idToken] = await Promise.all([
        signToken(opts.keys, { ...claims, audience: opts.audience }),
        signToken(opts.keys, { ...claims, audience: opts.webClientId }),
      ]);
      return reply
        .header('cache-control', 'no-store')
        .send({ access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: ttl, scope: 'openid' });
    },
  };
}
