// OpenID Connect authorization code flow with PKCE, for the dev issuer and Keycloak alike:
// discovery -> authorize (redirect) -> code -> token with the verifier. The token stays in
// sessionStorage (one tab, gone when it closes); the screen one asked for survives the round trip.

const store = sessionStorage;
const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomString = (n: number) => b64url(crypto.getRandomValues(new Uint8Array(n)));

export interface WebConfig {
  issuer: string | null;
  clientId: string;
  rolesClaim?: string;
  scope?: string;
}

export interface User {
  sub: string;
  name: string;
  roles: string[];
}

export function claimsOf(jwt: string): Record<string, unknown> {
  try {
    const part = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export interface Auth {
  token: () => string | null;
  user: () => User | null;
  signIn: () => Promise<void>;
  signOut: () => void;
  /** Finishes a sign-in if the issuer just redirected back here with a code. */
  completeRedirect: () => Promise<void>;
  issuerOrigin: string;
}

export async function createAuth(): Promise<Auth> {
  const config = (await fetch('/config.json').then((r) => r.json())) as WebConfig;
  const issuer = (config.issuer ?? `${location.origin}/issuer`).replace(/\/$/, '');
  let discovery: Promise<{ authorization_endpoint: string; token_endpoint: string }> | undefined;
  const discover = () =>
    (discovery ??= fetch(`${issuer}/.well-known/openid-configuration`).then((r) => {
      if (!r.ok) throw new Error(`the sign-in service answered ${r.status}`);
      return r.json();
    }));
  const redirectUri = `${location.origin}${location.pathname}`;

  const token = () => {
    const t = store.getItem('erpbi.token');
    if (!t) return null;
    const { exp } = claimsOf(t);
    if (typeof exp !== 'number' || exp * 1000 < Date.now() + 10_000) {
      store.removeItem('erpbi.token');
      return null;
    }
    return t;
  };

  async function signIn() {
    const d = await discover();
    const verifier = randomString(48);
    const state = randomString(16);
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    store.setItem('erpbi.pkce', JSON.stringify({ verifier, state, screen: location.hash }));
    const url = new URL(d.authorization_endpoint);
    const params = {
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: redirectUri,
      scope: config.scope ?? 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    location.assign(url.toString());
  }

  async function completeRedirect() {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    if (!code) return;
    const pkce = JSON.parse(store.getItem('erpbi.pkce') ?? 'null') as { verifier: string; state: string; screen: string } | null;
    store.removeItem('erpbi.pkce');
    // The code is single-use: never leave it in the address bar. Back to the screen asked for.
    history.replaceState(null, '', redirectUri + (pkce?.screen ?? ''));
    if (!pkce || pkce.state !== params.get('state')) throw new Error('the sign-in answer does not match the request; try again');
    const d = await discover();
    const res = await fetch(d.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: config.clientId,
        code_verifier: pkce.verifier,
      }),
    });
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new Error(`sign-in failed: ${body.error_description ?? body.error ?? res.status}`);
    store.setItem('erpbi.token', body.access_token);
  }

  function user(): User | null {
    const t = token();
    if (!t) return null;
    const c = claimsOf(t);
    let roles: unknown = c;
    for (const part of (config.rolesClaim ?? 'roles').split('.')) roles = (roles as Record<string, unknown> | undefined)?.[part];
    const name = [c.name, c.preferred_username, c.sub].find((v) => typeof v === 'string') as string;
    return { sub: String(c.sub), name, roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [] };
  }

  return { token, user, signIn, completeRedirect, signOut: () => store.removeItem('erpbi.token'), issuerOrigin: new URL(issuer).origin };
}
