import { followPortsFile } from '../runtime/box/ports-file.js';

// Where the connector POSTs a function's route. Through the gateway, an invocation costs a process hop
// and its CPU (6 ms per order in bench/, issue 24), and in compose two (Traefik, then the gateway); the
// functions check the connector's token themselves (shared/auth/verify.ts), so calling them on the
// internal network keeps the same auth. One source of direct addresses per deployment:
// - `npm start`: the box's ports file ({name: port}, rewritten when a process restarts: followed);
// - compose: a template, FUNCTIONS_URL=`project-to-olap=http://project-to-olap:3000,*=http://{name}:8080`;
// - faasd: none by default. faasd gives its functions no DNS names (its provider resolves a name to
//   the container's current IP per request, pkg/provider/handlers/invoke_resolver.go) and the IP
//   changes with every deploy, so only the gateway finds them there.
// A function with no direct address (not in the template, not in the ports file: restarting) goes
// through the gateway, as does an attempt whose direct connection was refused (nothing was sent).

export interface FunctionUrls {
  /** The URL of `path` ('/', '/batch', '/reminders') of function `name`, and whether it bypasses the gateway. */
  url: (name: string, path: string, viaGateway?: boolean) => { url: string; direct: boolean };
  stop: () => void;
}

export interface FunctionUrlSettings {
  gatewayUrl: string;
  /** `name=base,...`, `*` for every other name, `{name}` replaced by the function's name. */
  template?: string | undefined;
  /** The box's ports file: `http://127.0.0.1:<port>` of every process that said where it listens. */
  portsFile?: string | undefined;
}

/** Parses FUNCTIONS_URL; throws on an entry that is not `name=http(s)://...`, so a typo stops the start. */
export function parseTemplate(template: string): Map<string, string> {
  const bases = new Map<string, string>();
  for (const entry of template
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq).trim();
    const base = entry
      .slice(eq + 1)
      .trim()
      .replace(/\/+$/, '');
    const probe = base.replaceAll('{name}', 'probe');
    if (eq <= 0 || !URL.canParse(probe) || !/^https?:$/.test(new URL(probe).protocol)) {
      throw new Error(`erpbi: bad configuration: FUNCTIONS_URL entry "${entry}" is not name=http(s)://host:port`);
    }
    bases.set(name, base);
  }
  return bases;
}

export function functionUrls(settings: FunctionUrlSettings): FunctionUrls {
  const gateway = settings.gatewayUrl.replace(/\/+$/, '');
  const bases = settings.template ? parseTemplate(settings.template) : new Map<string, string>();
  const ports = settings.portsFile ? followPortsFile(settings.portsFile) : undefined;
  const directBase = (name: string): string | undefined => {
    const base = bases.get(name) ?? bases.get('*');
    if (base) return base.replaceAll('{name}', name);
    const port = ports?.current()[name];
    return port === undefined ? undefined : `http://127.0.0.1:${port}`;
  };
  return {
    url: (name, path, viaGateway = false) => {
      const base = viaGateway ? undefined : directBase(name);
      return base ? { url: `${base}${path}`, direct: true } : { url: `${gateway}/function/${name}${path === '/' ? '' : path}`, direct: false };
    },
    stop: () => ports?.stop(),
  };
}

// Errors on which nothing reached the function: the same attempt through the gateway is safe.
const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** Runs `attempt` on the direct URL; when that connection could not even be made, once more through the gateway. */
export async function withFallback<T>(urls: FunctionUrls, name: string, path: string, attempt: (url: string, direct: boolean) => Promise<T>): Promise<T> {
  const first = urls.url(name, path);
  try {
    return await attempt(first.url, first.direct);
  } catch (err) {
    if (!first.direct || !notSent.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    return attempt(urls.url(name, path, true).url, false);
  }
}
