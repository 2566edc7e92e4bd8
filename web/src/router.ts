import { useEffect, useState } from 'preact/hooks';

// Screens live in the address bar's #fragment (#/orders/42): the box serves one page, the sign-in
// redirect returns to that page, and every screen still has a URL one can bookmark or send.

export interface Route {
  /** The path without '#', e.g. '/orders/42'. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
}

function current(): { path: string; query: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path = '/', qs = ''] = raw.split('?');
  return { path, query: new URLSearchParams(qs) };
}

export function useLocation() {
  const [loc, set] = useState(current);
  useEffect(() => {
    const update = () => set(current());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return loc;
}

/** '/orders/:id' against '/orders/42' -> {id: '42'}, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return undefined;
  }
  return params;
}

export const href = (path: string, query?: Record<string, string | undefined>) => {
  const q = new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => !!e[1])).toString();
  return `#${path}${q ? `?${q}` : ''}`;
};

export const navigate = (path: string, query?: Record<string, string | undefined>) => {
  location.hash = href(path, query);
};

/** Goes to a screen without a new history entry (Back does not return to where one was sent away). */
export const redirect = (path: string, query?: Record<string, string | undefined>) => {
  history.replaceState(null, '', href(path, query));
  window.dispatchEvent(new HashChangeEvent('hashchange'));
};

/** Changes the query of the current screen without a new history entry (filters). */
export const replaceQuery = (query: Record<string, string | undefined>) => redirect(current().path, query);

export const seg = (s: string) => encodeURIComponent(s);
