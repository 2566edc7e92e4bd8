import './zod-setup.js'; // first: before any imported module makes a schema
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bindSession } from './api.js';
import { createAuth, type Auth, type User } from './auth.js';
import { connectLive, disconnectLive, useLiveState } from './live.js';
import { match, redirect, useLocation } from './router.js';
import { landingFor, navFor, screens } from './routes.js';
import { NotAllowed } from './ui.js';

// The workspace: sign in (OIDC code + PKCE), then one app whose navigation and buttons follow the
// person's role. Screens are routed in routes.tsx; the server checks every call again whatever is shown.

function App({ auth }: { auth: Auth }) {
  const [user, setUser] = useState<User | null>(auth.user());
  const { path, query } = useLocation();

  bindSession(auth, () => setUser(null)); // before the screens below render and load
  useEffect(() => {
    if (user) connectLive();
    else disconnectLive();
  }, [user]);

  // No screen at this address (the bare "/" after sign-in, an old bookmark): the person's first screen.
  const unknown = !!user && !screens.some((s) => match(s.pattern, path));
  useEffect(() => {
    if (unknown && user) redirect(landingFor(user.roles));
  }, [unknown, user]);

  if (!user) return <SignedOut auth={auth} />;
  const screen = screens.find((s) => match(s.pattern, path));
  const params = screen ? match(screen.pattern, path)! : {};
  const allowed = !screen?.allowed || screen.allowed(user.roles);
  return (
    <>
      <a class="skip" href="#content" onClick={(e) => (e.preventDefault(), document.getElementById('content')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={`#${landingFor(user.roles)}`}>
          erpbi
        </a>
        <nav aria-label="Main">
          <ul>
            {navFor(user.roles).map((n) => (
              <li key={n.path}>
                <a href={`#${n.path}`} aria-current={path === n.path || path.startsWith(`${n.path}/`) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <LiveBadge />
        <span class="who">
          {user.name} <small>({user.roles.join(', ') || 'no role'})</small>
        </span>
        <button
          type="button"
          class="secondary"
          id="signout"
          onClick={() => {
            auth.signOut();
            setUser(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        {screen && allowed ? <screen.view params={params} query={query} roles={user.roles} /> : screen ? <NotAllowed what={screen.what} /> : null}
      </main>
    </>
  );
}

function LiveBadge() {
  const state = useLiveState();
  return (
    <div id="status" class="status" data-state={state} title="live updates from the box" role="status">
      <i aria-hidden="true" />
      <span>{state}</span>
    </div>
  );
}

function SignedOut({ auth }: { auth: Auth }) {
  const [error, setError] = useState<string>();
  return (
    <main id="welcome" class="welcome">
      <h1>erpbi</h1>
      <p>Orders, stock, invoices and the live figures of your business. Sign in to start.</p>
      <button type="button" id="signin" onClick={() => auth.signIn().catch((e: Error) => setError(e.message))}>
        Sign in
      </button>
      {error ? (
        <p role="alert" class="form-error">
          {error}
        </p>
      ) : null}
    </main>
  );
}

(async () => {
  const root = document.getElementById('root')!;
  try {
    const auth = await createAuth();
    await auth.completeRedirect().catch((e: Error) => {
      root.dataset.signinError = e.message;
    });
    root.textContent = '';
    render(<App auth={auth} />, root);
  } catch (err) {
    root.innerHTML = '';
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.className = 'form-error';
    p.textContent = `erpbi cannot start: ${(err as Error).message}`;
    root.append(p);
  }
})();
