import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerCodeFlow } from './code-flow.js';
import { registerDevIssuer, type DevIssuerOptions } from './dev-issuer.js';
import { endpoints, type IssuerKeys } from './issuer.js';

// The dev issuer's hardening: it answers its sign-in page and token endpoint only at its own hosts
// (DNS rebinding), keeps a bounded number of codes, and compares the client secret in constant time.

// Spied on, not replaced: the client secret must go through a constant-time comparison.
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  return { ...crypto, timingSafeEqual: vi.fn(crypto.timingSafeEqual) };
});
const { timingSafeEqual } = await import('node:crypto');

const issuer = 'https://auth.erpbi.lan/realms/erpbi';
const base = '/realms/erpbi';
const secret = 'connector-secret-0123456789';
let keys: IssuerKeys;
beforeAll(async () => {
  const { generateKeyPair, exportJWK } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  keys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid: 'test', alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid: 'test', alg: 'ES256' },
  };
});

const apps: FastifyInstance[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** An app as runtime/dev-issuer/main.ts builds it: bodies stream through to the token endpoint. */
function app(): FastifyInstance {
  const a = Fastify();
  a.removeAllContentTypeParsers();
  a.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  apps.push(a);
  return a;
}

function devIssuer(opts: Partial<DevIssuerOptions> = {}) {
  const a = app();
  registerDevIssuer(a, { issuer, audience: 'erpbi', keys, clientSecret: secret, redirectOrigins: ['https://erpbi.lan'], ...opts });
  return a;
}

const verifier = 'v'.repeat(43);
const challenge = createHash('sha256').update(verifier).digest('base64url');
const authorizeQuery = (user?: string) =>
  new URLSearchParams({
    response_type: 'code',
    client_id: 'erpbi-web',
    redirect_uri: 'https://erpbi.lan/',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(user ? { user } : {}),
  });
const clientCredentials = (clientSecret: string) =>
  new URLSearchParams({ grant_type: 'client_credentials', client_id: 'erpbi-connector', client_secret: clientSecret }).toString();
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('the dev issuer: Host header (DNS rebinding)', () => {
  it("answers the sign-in page and the token endpoint only at the issuer's host; discovery and keys anywhere", async () => {
    const a = devIssuer();
    const page = (host: string) => a.inject({ url: `${base}${endpoints.authorize}?${authorizeQuery()}`, headers: { host } });
    const token = (host: string) =>
      a.inject({ method: 'POST', url: `${base}${endpoints.token}`, headers: { host, ...form }, payload: clientCredentials(secret) });

    expect((await page('auth.erpbi.lan')).statusCode).toBe(200);
    expect((await page('AUTH.erpbi.lan:443')).statusCode).toBe(200); // the scheme's default port, any case
    expect((await token('auth.erpbi.lan')).statusCode).toBe(200);
    for (const host of [
      'evil.example',
      'evil.example:443',
      'keycloak:8080',
      'auth.erpbi.lan:8443',
      'evil@auth.erpbi.lan',
      'auth.erpbi.lan.',
      'auth.erpbi.lan:99999',
      '',
    ]) {
      for (const res of [await page(host), await token(host)]) {
        expect(res.statusCode, host).toBe(421);
        expect(res.json(), host).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/host/i) });
      }
    }
    // Public by design: what a rebinding page could read there is the public key and the endpoint URLs.
    expect((await a.inject({ url: `${base}/.well-known/openid-configuration`, headers: { host: 'evil.example' } })).statusCode).toBe(200);
    expect((await a.inject({ url: `${base}${endpoints.jwks}`, headers: { host: 'evil.example' } })).statusCode).toBe(200);
  });

  it('answers at the extra hosts it is given (the stand-in: keycloak:8080 for the connector)', async () => {
    const a = devIssuer({ allowedHosts: ['auth.erpbi.lan', 'keycloak:8080'] });
    const token = (host: string) =>
      a.inject({ method: 'POST', url: `${base}${endpoints.token}`, headers: { host, ...form }, payload: clientCredentials(secret) });
    expect((await token('keycloak:8080')).statusCode).toBe(200);
    expect((await token('auth.erpbi.lan')).statusCode).toBe(200);
    expect((await token('keycloak:9090')).statusCode).toBe(421);
  });
});

describe('the dev issuer: client secret', () => {
  it('compares it in constant time, over digests of one length whatever the lengths given', async () => {
    const a = devIssuer();
    const token = (clientSecret: string) =>
      a.inject({ method: 'POST', url: `${base}${endpoints.token}`, headers: { host: 'auth.erpbi.lan', ...form }, payload: clientCredentials(clientSecret) });
    vi.mocked(timingSafeEqual).mockClear();
    expect((await token(secret.slice(0, 5))).statusCode).toBe(401);
    expect((await token(`${secret}x`)).statusCode).toBe(401);
    expect((await token(secret)).statusCode).toBe(200);
    expect(vi.mocked(timingSafeEqual)).toHaveBeenCalledTimes(3);
    for (const [x, y] of vi.mocked(timingSafeEqual).mock.calls) expect([x.byteLength, y.byteLength]).toEqual([32, 32]);
  });
});

describe('the dev issuer: pending codes', () => {
  function codeFlow(maxPending: number) {
    const a = Fastify(); // JSON bodies: the exchange is called with the form as parsed
    apps.push(a);
    const flow = registerCodeFlow(a, {
      issuer,
      audience: 'erpbi',
      keys,
      authorizePath: '/auth',
      webClientId: 'erpbi-web',
      rolesClaim: 'roles',
      redirectOrigins: ['https://erpbi.lan'],
      maxPending,
    });
    const code = async () => {
      const res = await a.inject({ url: `/auth?${authorizeQuery('clerk')}` });
      expect(res.statusCode).toBe(302);
      return new URL(res.headers.location as string).searchParams.get('code')!;
    };
    a.post('/token', async (req, reply) => flow.exchange(req.body as Record<string, string>, reply));
    const exchange = (c: string) =>
      a.inject({
        method: 'POST',
        url: '/token',
        payload: { grant_type: 'authorization_code', code: c, redirect_uri: 'https://erpbi.lan/', client_id: 'erpbi-web', code_verifier: verifier },
      });
    return { flow, code, exchange };
  }

  it('forgets codes once expired, at the next sign-in', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { flow, code } = codeFlow(100);
    await code();
    await code();
    expect(flow.pendingCodes()).toBe(2);
    vi.setSystemTime(Date.now() + 61_000);
    await code();
    expect(flow.pendingCodes()).toBe(1);
  });

  it('keeps at most maxPending codes, dropping the oldest', async () => {
    const { flow, code, exchange } = codeFlow(3);
    const first = await code();
    const rest = [await code(), await code(), await code()];
    expect(flow.pendingCodes()).toBe(3);
    expect((await exchange(first)).statusCode).toBe(400);
    expect((await exchange(rest[2]!)).statusCode).toBe(200);
  });
});
