// OpenID Connect authorization code flow with PKCE, for the dev issuer and Keycloak alike:
// discovery -> authorize (redirect) -> code -> token with the verifier. Tokens stay in sessionStorage.

const store = sessionStorage;
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));

export function claimsOf(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
  } catch {
    return {};
  }
}

export async function createAuth() {
  const config = await fetch('/config.json').then((r) => r.json());
  const issuer = (config.issuer ?? `${location.origin}/issuer`).replace(/\/$/, '');
  let discovery;
  const discover = async () => (discovery ??= await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => {
    if (!r.ok) throw new Error(`the sign-in service answered ${r.status}`);
    return r.json();
  }));
  const redirectUri = `${location.origin}${location.pathname}`;

  const token = () => {
    const t = store.getItem('erpbi.token');
    if (!t) return null;
    const { exp } = claimsOf(t);
    if (!exp || exp * 1000 < Date.now() + 10_000) {
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
    store.setItem('erpbi.pkce', JSON.stringify({ verifier, state }));
    const url = new URL(d.authorization_endpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri, scope: config.scope ?? 'openid',
      code_challenge: challenge, code_challenge_method: 'S256', state,
    })) url.searchParams.set(k, v);
    location.assign(url.toString());
  }

  /** Finishes a sign-in if the issuer just redirected back here with a code. */
  async function completeRedirect() {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    if (!code) return;
    history.replaceState(null, '', redirectUri); // the code is single-use: never leave it in the address bar
    const pkce = JSON.parse(store.getItem('erpbi.pkce') ?? 'null');
    store.removeItem('erpbi.pkce');
    if (!pkce || pkce.state !== params.get('state')) throw new Error('the sign-in answer does not match the request; try again');
    const d = await discover();
    const res = await fetch(d.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: config.clientId, code_verifier: pkce.verifier }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`sign-in failed: ${body.error_description ?? body.error ?? res.status}`);
    store.setItem('erpbi.token', body.access_token);
  }

  function user() {
    const t = token();
    if (!t) return null;
    const c = claimsOf(t);
    let roles = c;
    for (const part of (config.rolesClaim ?? 'roles').split('.')) roles = roles?.[part];
    return { name: c.name ?? c.preferred_username ?? c.sub, roles: Array.isArray(roles) ? roles : [] };
  }

  return { token, signIn, completeRedirect, user, signOut: () => store.removeItem('erpbi.token') };
}
