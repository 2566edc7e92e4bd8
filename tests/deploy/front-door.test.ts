import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { rateLimits, retryAfterSeconds, type RateLimitName } from '../../gateway/rate-limits.js';
import { readYaml, root, stackFunctions } from './support.js';
import { all, location, one, parseNginx, server, type Directive } from './nginx-conf.js';
import { route, type Request, type Router } from './traefik-rules.js';

// The front door, as files: which requests Traefik (compose/traefik/dynamic.yml) hands to which service,
// with which per-client limits, and that the container test's nginx stand-in (tests/containers/front-door.conf)
// does the same, so that the container test, which runs the stand-in, tells the truth about Traefik.
// Issue 21 §5: the projector's internal routes were reachable through look-alike paths
// (/function/project-to-olapbatch), Keycloak's admin console and master realm were routed to the LAN,
// and nothing limited a client's rate.

const dynamic = parse(readFileSync(join(root, 'compose/traefik/dynamic.yml'), 'utf8').replaceAll('{{ env "ERPBI_DOMAIN" }}', 'erpbi.lan'));
const routers = dynamic.http.routers as Record<string, Router>;
const middlewares = dynamic.http.middlewares as Record<string, any>;
const conf = parseNginx(readFileSync(join(root, 'tests/containers/front-door.conf'), 'utf8'));
const functionNames = new Set(Object.keys(stackFunctions()));
const names = Object.keys(rateLimits) as RateLimitName[];

/** What a request ends in: a service with the path it gets and the limits it passed, or a status of the door's (or of a destination that has nothing there). */
type Outcome = { service: string; path: string; limits: string[] } | { status: number };

/** The destination's own 404: the gateway knows only stack.yml's functions, the web service has no /function/ files. */
function destination(service: string, path: string, limits: string[]): Outcome {
  const fn = /^\/function\/([^/]+)/.exec(path)?.[1];
  if (service === 'openfaas' && fn !== undefined && !functionNames.has(fn)) return { status: 404 };
  if (service === 'web' && path.startsWith('/function/')) return { status: 404 };
  return { service, path, limits: [...limits].sort() };
}

function viaTraefik(req: Request): Outcome {
  const hit = route(routers, req);
  if (!hit) return { status: 404 };
  const used = hit.router.middlewares ?? [];
  if (used.includes('box-only')) return { status: 403 }; // a LAN client is not 127.0.0.1
  const rates = used.filter((m) => m.startsWith('rate-')).map((m) => m.slice(5));
  expect(
    used.filter((m) => m.startsWith('inflight-')).map((m) => m.slice(9)),
    `${hit.name}: a rate and an in-flight limit each`,
  ).toEqual(rates);
  const strip = used.includes('strip-projector')
    ? (middlewares['strip-projector'].stripPrefix.prefixes as string[]).find((p) => req.path.startsWith(p))
    : undefined;
  const path = strip === undefined ? req.path : req.path.slice(strip.length) || '/';
  return destination(hit.router.service, path.startsWith('/') ? path : `/${path}`, rates);
}

const upstreams: Record<string, string> = { gateway: 'openfaas', projector: 'projector', web: 'web', keycloak: 'keycloak' };
const ports: Record<string, number> = { websecure: 443, internal: 8000, 'grafana-bi': 8001 };

/** The nginx map of CSV exports: whether an Accept header counts against rate-csv. */
function countsAsCsv(accept: string | undefined): boolean {
  const map = all(conf, 'map').find((m) => m.args[1] === '$csv_client')!;
  return map.block!.some((e) => e.name.startsWith('~*') && new RegExp(e.name.slice(2), 'i').test(accept ?? ''));
}

function viaNginx(req: Request): Outcome {
  const srv = server(conf, ports[req.entryPoint]!, req.entryPoint === 'websecure' ? req.host : undefined);
  const loc = location(srv, req.path);
  if (!loc) return { status: 404 };
  const body = loc.block!;
  const ret = one(body, 'return');
  if (ret) return { status: Number(ret.args[0]) };
  const upstream = /^http:\/\/\$(\w+)$/.exec(one(body, 'proxy_pass')!.args[0]!)![1]!;
  const rewrite = one(body, 'rewrite');
  const path = rewrite ? req.path.replace(new RegExp(rewrite.args[0]!), rewrite.args[1]!) : req.path;
  const zones = all(body, 'limit_req').map((d) => /^zone=rate-(.+)$/.exec(d.args[0]!)![1]!);
  const inflight = all(body, 'limit_conn').map((d) => d.args[0]!.replace(/^inflight-/, ''));
  expect(inflight, `${req.path}: a rate and an in-flight limit each`).toEqual(zones);
  return destination(
    upstreams[upstream]!,
    path,
    zones.filter((z) => z !== 'csv' || countsAsCsv(req.headers?.accept)),
  );
}

const lan = (path: string, extra: Partial<Request> = {}): Request => ({ entryPoint: 'websecure', host: 'erpbi.lan', path, method: 'GET', ...extra });
const auth = (path: string, extra: Partial<Request> = {}): Request => lan(path, { host: 'auth.erpbi.lan', ...extra });

// Paths that must not reach the projector from the LAN: its internal routes, and look-alikes of its
// prefix (not a whole path segment), which a prefix match without the `/` would take and strip.
const projectorAttacks = [
  '/function/project-to-olapbatch',
  '/function/project-to-olaprebuild',
  '/function/project-to-olapmetrics',
  '/function/project-to-olap-batch',
  '/function/project-to-olap.openfaas-fn/batch',
  '/function/project-to-olap',
  '/function/project-to-olap/batch',
  '/function/project-to-olap/batch/',
  '/function/project-to-olap/rebuild',
  '/function/project-to-olap/rebuild/x',
  '/function/project-to-olap/metrics',
  '/function/project-to-olap/metrics/',
  '/function/project-to-olapquery/order_funnel',
];
// Keycloak paths the LAN must not reach: the admin console and its API, the master realm, the management endpoints.
const keycloakAttacks = [
  '/',
  '/admin',
  '/admin/',
  '/admin/master/console/',
  '/admin/erpbi/console/',
  '/admin/realms/erpbi/users',
  '/realms/master/',
  '/realms/master/protocol/openid-connect/auth',
  '/realms/master/protocol/openid-connect/token',
  '/realms/master/.well-known/openid-configuration',
  '/realms/erpbi',
  '/realms/erpbix/',
  '/realms/erpbi-admin/protocol/openid-connect/token',
  '/metrics',
  '/health',
  '/health/ready',
  '/js/keycloak.js',
];
// What the sign-in needs of Keycloak 26 (its exposed path recommendations: /realms/<realm>/, /resources/).
const keycloakPublic = [
  '/realms/erpbi/.well-known/openid-configuration',
  '/realms/erpbi/protocol/openid-connect/auth',
  '/realms/erpbi/protocol/openid-connect/token',
  '/realms/erpbi/protocol/openid-connect/certs',
  '/realms/erpbi/protocol/openid-connect/logout',
  '/realms/erpbi/login-actions/authenticate',
  '/resources/abcde/login/keycloak.v2/css/styles.css',
];

describe('the front door (Traefik and its nginx stand-in)', () => {
  it("sends nothing but the projector's own segment to it, and never its feed, rebuild or metrics, from the LAN", () => {
    for (const path of projectorAttacks) {
      for (const method of ['GET', 'POST']) {
        const outcome = viaTraefik(lan(path, { method }));
        expect('service' in outcome ? outcome.service : 'refused', `Traefik ${method} ${path}`).not.toBe('projector');
        expect(viaNginx(lan(path, { method })), `stand-in ${method} ${path}`).toEqual(outcome);
      }
    }
    // The public ones still do, with the prefix (a whole segment) stripped.
    for (const [path, to] of [
      ['/function/project-to-olap/query/order_funnel', '/query/order_funnel'],
      ['/function/project-to-olap/live', '/live'],
      ['/function/project-to-olap/live/ticket', '/live/ticket'],
    ]) {
      expect(viaTraefik(lan(path!)), path).toMatchObject({ service: 'projector', path: to });
      expect(viaNginx(lan(path!)), path).toEqual(viaTraefik(lan(path!)));
    }
  });

  it("strips the projector's prefix only where a router matched it as a whole segment, on every entrypoint", () => {
    const lookAlikes = [
      '/function/project-to-olapbatch',
      '/function/project-to-olaprebuild',
      '/function/project-to-olapmetrics',
      '/function/project-to-olap',
      '/function/project-to-olapquery/x',
    ];
    for (const entryPoint of Object.keys(ports)) {
      for (const path of lookAlikes) {
        const hit = route(routers, { entryPoint, host: 'erpbi.lan', path, method: 'GET' });
        expect(hit?.router.service, `${entryPoint} ${path} -> ${hit?.name}`).not.toBe('projector');
        expect(hit?.router.middlewares ?? [], `${entryPoint} ${path}`).not.toContain('strip-projector');
      }
    }
    for (const [name, r] of Object.entries(routers).filter(([, x]) => x.middlewares?.includes('strip-projector'))) {
      expect(r.rule, name).toMatch(/PathPrefix\(`\/function\/project-to-olap\/[^`]*`\)|PathRegexp\(`\^\/function\/project-to-olap\//);
      expect(r.rule, name).not.toMatch(/PathPrefix\(`\/function\/project-to-olap`\)/);
    }
    // internal (the connector's way) still reaches the feed
    expect(viaTraefik({ entryPoint: 'internal', host: 'traefik', path: '/function/project-to-olap/batch', method: 'POST' })).toMatchObject({
      service: 'projector',
      path: '/batch',
    });
    expect(viaNginx({ entryPoint: 'internal', host: 'traefik', path: '/function/project-to-olap/batch', method: 'POST' })).toMatchObject({
      service: 'projector',
      path: '/batch',
    });
  });

  it("routes only the erpbi realm's public endpoints and the theme's files to Keycloak: no admin console, no master realm", () => {
    for (const path of keycloakAttacks) {
      expect(viaTraefik(auth(path)), `Traefik ${path}`).toEqual({ status: 404 });
      expect(viaNginx(auth(path)), `stand-in ${path}`).toEqual({ status: 404 });
    }
    for (const path of keycloakPublic) {
      expect(viaTraefik(auth(path)), path).toMatchObject({ service: 'keycloak', path });
      expect(viaNginx(auth(path)), path).toEqual(viaTraefik(auth(path)));
    }
  });

  it("the stand-in routes every other request of the list as Traefik does (the container test's front door is Traefik's)", () => {
    const requests = [
      lan('/'),
      lan('/index.html'),
      lan('/openapi.json'),
      lan('/healthz'),
      lan('/function/query/orders'),
      lan('/function/create-order', { method: 'POST' }),
      lan('/function/query/invoices/inv-1/pdf'),
      lan('/function/query/reminders/r-1/pdf'),
      lan('/function/query/orders', { headers: { accept: 'text/csv' } }),
      lan('/function/query/orders', { headers: { accept: 'application/json' } }),
      lan('/function/project-to-olap/query/order_funnel', { headers: { accept: 'text/csv' } }),
      lan('/function/reserve-stock'),
      lan('/function/create-invoice.openfaas-fn/x'),
      lan('/function/query/metrics'),
      lan('/function/create-order/metrics'),
    ];
    for (const req of requests) expect(viaNginx(req), `${req.path} ${JSON.stringify(req.headers ?? {})}`).toEqual(viaTraefik(req));
  });

  it('limits every public route per client, and the sign-in, PDFs, CSV exports and BI queries tighter', () => {
    const limitsOf = (req: Request) => {
      const o = viaTraefik(req);
      return 'limits' in o ? o.limits : o;
    };
    expect(limitsOf(lan('/'))).toEqual(['public']);
    expect(limitsOf(lan('/function/query/orders'))).toEqual(['public']);
    expect(limitsOf(lan('/function/query/orders', { headers: { accept: 'text/csv' } }))).toEqual(['csv', 'public']);
    expect(limitsOf(lan('/function/query/orders', { headers: { accept: 'text/*' } }))).toEqual(['csv', 'public']);
    expect(limitsOf(lan('/function/query/invoices/inv-1/pdf'))).toEqual(['pdf', 'public']);
    expect(limitsOf(lan('/function/query/credit-notes/cn-1/pdf'))).toEqual(['pdf', 'public']);
    expect(limitsOf(lan('/function/project-to-olap/query/order_funnel'))).toEqual(['bi', 'public']);
    expect(limitsOf(lan('/function/project-to-olap/live'))).toEqual(['public']);
    expect(limitsOf(auth('/realms/erpbi/protocol/openid-connect/token'))).toEqual(['public', 'sign-in']);
    expect(limitsOf(auth('/realms/erpbi/protocol/openid-connect/auth'))).toEqual(['public', 'sign-in']);
    expect(limitsOf(auth('/realms/erpbi/login-actions/authenticate'))).toEqual(['public', 'sign-in']);
    expect(limitsOf(auth('/realms/erpbi/.well-known/openid-configuration'))).toEqual(['public']);
    expect(limitsOf(lan('/', { host: 'grafana.erpbi.lan' }))).toEqual(['public']);
    // Every router of the public entrypoint: rate-public and inflight-public, security headers (where set) outermost.
    for (const [name, r] of Object.entries(routers).filter(([, x]) => x.entryPoints.includes('websecure'))) {
      expect(r.middlewares, name).toEqual(expect.arrayContaining(['rate-public', 'inflight-public']));
      if (r.middlewares!.includes('security-headers')) expect(r.middlewares![0], name).toBe('security-headers');
    }
    // Inside the box nothing is limited: the connector and Grafana are not clients of the LAN.
    for (const [name, r] of Object.entries(routers).filter(([, x]) => !x.entryPoints.includes('websecure'))) {
      expect(
        (r.middlewares ?? []).filter((m) => /^(rate|inflight)-/.test(m)),
        name,
      ).toEqual([]);
    }
  });

  it("Traefik's limits are gateway/rate-limits.ts's, per client address (X-Forwarded-For not believed)", () => {
    const defined = Object.keys(middlewares)
      .filter((m) => /^(rate|inflight)-/.test(m))
      .sort();
    expect(defined).toEqual(names.flatMap((n) => [`inflight-${n}`, `rate-${n}`]).sort());
    const byAddress = { ipStrategy: { depth: 0 } };
    for (const n of names) {
      const l = rateLimits[n];
      expect(middlewares[`rate-${n}`], n).toEqual({ rateLimit: { average: l.average, period: l.period, burst: l.burst, sourceCriterion: byAddress } });
      // inFlightReq groups by Host unless told otherwise: by address, explicitly
      expect(middlewares[`inflight-${n}`], n).toEqual({ inFlightReq: { amount: l.inFlight, sourceCriterion: byAddress } });
    }
    // Nothing in front of Traefik is trusted to say who the client is.
    const stat = parse(readFileSync(join(root, 'compose/traefik/traefik.yml'), 'utf8'));
    for (const [name, ep] of Object.entries<any>(stat.entryPoints)) expect(ep.forwardedHeaders ?? {}, name).toEqual({});
  });

  it("the stand-in's limits are the same numbers: limit_req/limit_conn zones, 429, and Retry-After from the tightest limit", () => {
    const zones = Object.fromEntries(
      all(conf, 'limit_req_zone').map((d) => [
        d.args
          .find((a) => a.startsWith('zone='))!
          .slice(5)
          .replace(/:.*/, ''),
        d.args,
      ]),
    );
    const conns = Object.fromEntries(all(conf, 'limit_conn_zone').map((d) => [d.args[1]!.slice(5).replace(/:.*/, ''), d.args[0]]));
    expect(Object.keys(zones).sort()).toEqual(names.map((n) => `rate-${n}`).sort());
    expect(Object.keys(conns).sort()).toEqual(names.map((n) => `inflight-${n}`).sort());
    for (const n of names) {
      const l = rateLimits[n];
      const key = n === 'csv' ? '$csv_client' : '$binary_remote_addr';
      expect(zones[`rate-${n}`], n).toEqual([key, expect.stringMatching(/^zone=/), `rate=${l.average}r/${l.period === '1s' ? 's' : 'm'}`]);
      expect(conns[`inflight-${n}`], n).toBe(key);
    }
    expect(one(conf, 'limit_req_status')?.args).toEqual(['429']);
    expect(one(conf, 'limit_conn_status')?.args).toEqual(['429']);
    // Every proxying location of the public servers: its limits' burst (nginx's is Traefik's minus one),
    // in-flight count, and the Retry-After it sets.
    const publicServers = [server(conf, 443, 'erpbi.lan'), server(conf, 443, 'auth.erpbi.lan')];
    for (const srv of publicServers) {
      expect(all(srv, 'add_header').find((h) => h.args[0] === 'Retry-After')?.args).toEqual(['Retry-After', '$retry_after_429', 'always']);
      const retryOf = (ds: Directive[]) => all(ds, 'set').find((d) => d.args[0] === '$retry_after')?.args;
      const serverRetry = retryOf(srv);
      for (const loc of all(srv, 'location').filter((l) => one(l.block!, 'proxy_pass'))) {
        const where = loc.args.join(' ');
        const body: Directive[] = loc.block!;
        const used = all(body, 'limit_req').map((d) => {
          const n = d.args[0]!.replace(/^zone=rate-/, '') as RateLimitName;
          expect(d.args.slice(1), `${where} ${n}`).toEqual([`burst=${rateLimits[n].burst - 1}`, 'nodelay']);
          return n;
        });
        expect(used, where).toContain('public');
        for (const c of all(body, 'limit_conn'))
          expect(Number(c.args[1]), `${where} ${c.args[0]}`).toBe(rateLimits[c.args[0]!.replace(/^inflight-/, '') as RateLimitName].inFlight);
        const retry = (retryOf(body) ?? serverRetry)!;
        expect(retry, where).toEqual(['$retry_after', String(Math.max(...used.map((n) => retryAfterSeconds(rateLimits[n]))))]);
      }
    }
  });

  it("Keycloak's admin console is on its own port, published on the host's 127.0.0.1 alone", () => {
    const keycloak = readYaml('compose/docker-compose.base.yml').services.keycloak;
    expect(keycloak.ports).toEqual(['127.0.0.1:8081:8080']);
    expect(keycloak.environment.KC_HOSTNAME_ADMIN).toBe('http://127.0.0.1:8081');
    expect(keycloak.environment.KC_HOSTNAME).toBe('https://auth.${ERPBI_DOMAIN:-erpbi.lan}');
    // faasd's keycloak the same (its environment is a list of NAME=value)
    const faasd = readYaml('compose/docker-compose.faasd-extras.yml').services.keycloak;
    expect(faasd.ports).toEqual(['127.0.0.1:8081:8080']);
    expect(faasd.environment).toContain('KC_HOSTNAME_ADMIN=http://127.0.0.1:8081');
  });

  it('SECURITY.md states the limits as gateway/rate-limits.ts has them', () => {
    const doc = readFileSync(join(root, 'SECURITY.md'), 'utf8');
    for (const n of names) {
      const l = rateLimits[n];
      expect(doc, n).toContain(`| \`${n}\` | ${l.average} a ${l.period === '1s' ? 'second' : 'minute'} | ${l.burst} | ${l.inFlight} |`);
    }
  });
});
