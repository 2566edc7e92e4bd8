import { isRole } from '../../../shared/auth/roles.js';
import { esc, type LoginForm } from '../code-flow.js';
import type { Store } from './store.js';

// The erpbi realm's sign-in with a username and password, for the code flow (runtime/dev-issuer/code-flow.ts).
// The fields carry the ids of Keycloak's login page (username, password, kc-login), so a browser
// test fills it as it would Keycloak's.

export function loginForm(store: Store, realm: string): LoginForm {
  return {
    page: (action, problem) => `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in to erpbi</title><link rel="icon" href="data:,"><style>body{font:16px system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#1e293b;padding:2rem;border-radius:12px;max-width:24rem;width:90%}label{display:block;margin:.8rem 0 .3rem}input{width:100%;box-sizing:border-box;padding:.6rem;border-radius:6px;border:0}
#kc-login{margin-top:1.2rem;background:#38bdf8;color:#0f172a;font-weight:600}#input-error{color:#fca5a5}p{color:#94a3b8;font-size:.9rem}</style>
<main><h1>erpbi</h1><p>Keycloak's stand-in (test only).</p>${problem ? `<p id="input-error" role="alert">${esc(problem)}</p>` : ''}
<form id="kc-form-login" method="post" action="${esc(action)}"><label for="username">Username or email</label><input id="username" name="username" autocomplete="username" autofocus required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<input id="kc-login" type="submit" value="Sign In"></form></main></html>`,
    check: async (form) => {
      if (!form.username || !form.password) return undefined;
      const user = await store.signIn(realm, form.username, form.password);
      if (!user) return undefined;
      const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.username;
      return { sub: user.id, name, roles: (await store.effectiveRoles(user.id)).filter(isRole) };
    },
  };
}
