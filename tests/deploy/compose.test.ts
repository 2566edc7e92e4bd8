import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbLimitMiB, functionNodeFlags } from '../../runtime/box/node-flags.js';
import { budget, composeFiles, environmentOf, faasdExtras, hostIp, readYaml, root, serviceMemoryMb, services, stackFunctions, memoryMb } from './support.js';

const all = services(composeFiles);
const extras = services([faasdExtras]);
const isJob = (spec: any) => spec?.labels?.['erpbi.job'] === 'true';
// A setting that names a secret must be a *_FILE pointing into /run/secrets, never the value itself.
const secretish = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIALS?)$/i;

const sumMb = (list: typeof all) => list.reduce((n, s) => n + serviceMemoryMb(s.spec)!, 0);
/** A faasd extras service's compose counterpart (Prometheus is erpbi-prometheus on faasd). */
const twinOf = (s: (typeof extras)[number]) => all.find((c) => c.name === (s.name === 'erpbi-prometheus' ? 'prometheus' : s.name))!;
/**
 * The memory a service is sized for: its limit in the compose files. faasd applies no limit to its
 * compose services (pkg/supervisor.go sets none), so the extras carry none and count at their twins'.
 */
const sizedMb = (s: (typeof all)[number]) => serviceMemoryMb((s.file === faasdExtras ? twinOf(s) : s).spec)!;

/**
 * The Pi on faasd: the extras' services + the stack.yml functions faasd runs + the free slots up to
 * faasd CE's 15 at the common limit + faasd's core.
 */
export function memoryBudget() {
  const compose = sumMb(extras.map(twinOf));
  const onFaasd = Object.values<any>(stackFunctions());
  const deployed = onFaasd.reduce((n, f) => n + memoryMb(f.limits.memory), 0);
  const perFunction = memoryMb(readYaml('stack.yml')['x-common'].limits.memory);
  const spare = Math.max(0, budget.maxFunctions - onFaasd.length) * perFunction;
  const total = compose + deployed + spare + budget.faasdCoreMb;
  return { compose, functions: onFaasd.length, deployed, perFunction, spare, faasdCore: budget.faasdCoreMb, total };
}

/** Plain Docker: every service of the three compose files, the function containers and the gateway included. */
export function dockerBudget() {
  return { total: sumMb(all) };
}

describe('compose files', () => {
  it('parse, and hold the services the box needs', () => {
    const names = all.map((s) => s.name);
    for (const needed of [
      'traefik',
      'keycloak',
      'postgres',
      'erpbi-nats',
      'seaweedfs',
      'prometheus',
      'grafana',
      'connector',
      'migrate',
      'storage-init',
      'project-to-olap',
    ]) {
      expect(names, needed).toContain(needed);
    }
    expect(new Set(names).size, 'a service name is defined twice across the files').toBe(names.length);
    // faasd's own NATS (Streaming) is called `nats`: ours must not take the name.
    expect(names).not.toContain('nats');
    expect(extras.map((s) => s.name)).not.toContain('nats');
    expect(extras.map((s) => s.name)).not.toContain('prometheus');
  });

  it.each(all.map((s) => [`${s.file.replace('compose/', '')} ${s.name}`, s] as const))('%s: memory limit at most 1024 MB', (_n, s) => {
    const mb = serviceMemoryMb(s.spec);
    expect(mb, 'every service needs deploy.resources.limits.memory').toBeDefined();
    expect(mb!).toBeGreaterThan(0);
    expect(mb!).toBeLessThanOrEqual(budget.perServiceMb);
  });

  it('the whole box stays within 6 GB on either path, and docs/deploy-pi.md states both sums', () => {
    const b = memoryBudget();
    const d = dockerBudget();
    expect(b.total).toBeLessThanOrEqual(budget.boxMb);
    expect(d.total).toBeLessThanOrEqual(budget.boxMb);
    const docs = readFileSync(join(root, 'docs/deploy-pi.md'), 'utf8');
    expect(docs).toContain(`**${b.total} MB**`);
    expect(docs).toContain(`${b.compose} MB`);
    expect(docs).toContain(`**${d.total} MB** on plain Docker`);
  });

  it('plain Docker runs every stack.yml function as a container of the image faas-cli builds, with its environment and limit', () => {
    const fns = stackFunctions();
    const erp = readYaml('compose/docker-compose.erp.yml').services as Record<string, any>;
    const containers = Object.keys(erp).filter(
      (n) => String(erp[n].image).startsWith('${REGISTRY:-ghcr.io/erpbi}/') && !isJob(erp[n]) && n !== 'connector' && n !== 'gateway',
    );
    expect(containers.sort()).toEqual(Object.keys(fns).sort());
    for (const [name, f] of Object.entries<any>(fns)) {
      expect(erp[name].image, name).toBe(f.image);
      expect(serviceMemoryMb(erp[name]), name).toBe(memoryMb(f.limits.memory));
      const env = environmentOf(erp[name]);
      for (const k of ['NATS_URL', 'NATS_USER', 'DATABASE_ACCESS', 'S3_KEYS', 'S3_ENDPOINT', 'S3_BUCKET', 'AUTH_AUDIENCE', 'AUTH_ROLES_CLAIM', 'AUTH_JWKS_URL'])
        expect(env[k], `${name} ${k}`).toBe(f.environment[k]);
      expect(erp[name].secrets, name).toEqual(f.secrets);
    }
    // the projector is a service on both paths, never a faasd function
    expect(fns['project-to-olap']).toBeUndefined();
    expect(readYaml('stack.yml')['x-erpbi-services']['project-to-olap'].annotations.topic).toBe('erp.>');
    expect(erp.gateway.command).toEqual(['node', 'build/gateway/compose-gateway.js']);
  });

  it('faasd extras: the same services (prometheus is erpbi-prometheus there), sized as their twins, no more memory', () => {
    for (const s of extras) {
      expect(twinOf(s), `${s.name} has no counterpart in the compose files`).toBeDefined();
      // a limit here would be ignored by faasd (tests/deploy/hardening.test.ts keeps such keys out)
      expect(serviceMemoryMb(s.spec), `${s.name}: faasd would not apply it`).toBeUndefined();
    }
    expect(sumMb(extras.map(twinOf))).toBeLessThanOrEqual(sumMb(all));
  });

  // faasd restarts nothing (no restart loop in pkg/supervisor.go): the extras carry no `restart`
  // (tests/deploy/hardening.test.ts), and docs/deploy-pi.md says so.
  it.each(all.map((s) => [`${s.file.replace('compose/', '')} ${s.name}`, s] as const))('%s: restarts unless stopped (a job: on failure)', (_n, s) => {
    if (isJob(s.spec)) expect(s.spec.restart).toMatch(/^on-failure/);
    else expect(s.spec.restart).toBe('unless-stopped');
  });

  it('only Traefik publishes ports beyond the host; Postgres, NATS and the projector publish none', () => {
    for (const s of [...all, ...extras]) {
      const ports: unknown[] = s.spec.ports ?? [];
      if (s.name === 'traefik') {
        // 80 and 443 on every interface unless ERPBI_LISTEN / ERPBI_HTTP(S)_PORT say otherwise (the container test)
        expect(
          ports
            .map(String)
            .map((p) => p.replace(/\$\{\w+:-([^}]*)\}/g, '$1'))
            .map((p) => (p.split(':').length === 2 ? `0.0.0.0:${p}` : p))
            .sort(),
        ).toEqual(['0.0.0.0:443:443', '0.0.0.0:80:80']);
        continue;
      }
      for (const p of ports) expect(hostIp(p), `${s.file} ${s.name} publishes ${String(p)}`).toBe('127.0.0.1');
      if (['postgres', 'erpbi-nats', 'project-to-olap'].includes(s.name)) expect(ports, `${s.name} must not publish`).toEqual([]);
      expect(s.spec.network_mode, s.name).toBeUndefined();
    }
  });

  it('named volumes pgdata, nats_stream, seaweedfs_data, olap_data, each mounted by its one owner', () => {
    const declared = Object.assign({}, ...composeFiles.map((f) => readYaml(f).volumes ?? {}));
    for (const v of ['pgdata', 'nats_stream', 'seaweedfs_data', 'olap_data']) expect(Object.keys(declared)).toContain(v);
    const mounts = (name: string) => all.filter((s) => (s.spec.volumes ?? []).some((m: unknown) => String(m).startsWith(`${name}:`))).map((s) => s.name);
    expect(mounts('pgdata')).toEqual(['postgres']);
    expect(mounts('nats_stream')).toEqual(['erpbi-nats']);
    expect(mounts('seaweedfs_data')).toEqual(['seaweedfs']);
    // The DuckDB file has one writer: only the projector mounts it.
    expect(mounts('olap_data')).toEqual(['project-to-olap']);
    const projector = all.find((s) => s.name === 'project-to-olap')!;
    expect(projector.spec.volumes).toContain('olap_data:/data/olap');
    expect(environmentOf(projector.spec).ERPBI_DATA).toBe('/data');
  });

  it('the projector bounds DuckDB and the V8 heap inside its container limit', () => {
    for (const s of [...all, ...extras].filter((x) => x.name === 'project-to-olap')) {
      const env = environmentOf(s.spec);
      const duck = memoryMb(env.OLAP_MEMORY_LIMIT!.replace(/B$/i, ''));
      const heap = Number(/--max-old-space-size=(\d+)/.exec(env.NODE_OPTIONS ?? '')?.[1]);
      expect(heap).toBeGreaterThan(0);
      // + ~60 MB for Node itself, buffers and the native addon's code
      expect(duck + heap + 60).toBeLessThanOrEqual(sizedMb(s));
      // the same flags `npm start` gives its projector (runtime/box/node-flags.ts), from the same two limits
      expect(env.NODE_OPTIONS).toBe(functionNodeFlags(`${sizedMb(s)}Mi`, duckdbLimitMiB(env.OLAP_MEMORY_LIMIT!)).join(' '));
    }
  });

  it('faasd extras use bind mounts under /var/lib/faasd/erpbi (faasd has no named volumes)', () => {
    for (const s of extras) {
      for (const m of s.spec.volumes ?? []) {
        expect(m.type, `${s.name}: ${JSON.stringify(m)}`).toBe('bind');
        expect(m.source, s.name).toMatch(/^\.\/erpbi\//);
      }
    }
    const source = (name: string) => extras.find((s) => s.name === name)!.spec.volumes.map((m: any) => m.source);
    expect(source('postgres')).toContain('./erpbi/pgdata');
    expect(source('erpbi-nats')).toContain('./erpbi/nats_stream');
    expect(source('seaweedfs')).toContain('./erpbi/seaweedfs_data');
    expect(source('project-to-olap')).toContain('./erpbi/olap');
  });

  it('faasd extras: each service mounts its own secrets, those its compose twin is given, never the whole folder', () => {
    const byName = new Map(all.map((s) => [s.name, s]));
    for (const s of extras) {
      const twin = byName.get(s.name === 'erpbi-prometheus' ? 'prometheus' : s.name)!;
      const mounted = (s.spec.volumes ?? []).filter((m: any) => String(m.target).startsWith('/run/secrets'));
      for (const m of mounted) expect([m.target, m.read_only], s.name).toEqual([`/run/secrets/${String(m.source).replace('./erpbi/secrets/', '')}`, true]);
      expect(mounted.map((m: any) => m.target.replace('/run/secrets/', '')).sort(), s.name).toEqual([...(twin.spec.secrets ?? [])].sort());
    }
  });

  it('no secret values inline: secret-looking settings point at files', () => {
    for (const s of [...all, ...extras]) {
      for (const [k, v] of Object.entries(environmentOf(s.spec))) {
        expect(secretish.test(k), `${s.name} ${k}: a secret value inline; use a *_FILE under /run/secrets`).toBe(false);
        if (/(PASSWORD|SECRET|TOKEN|USER)_{1,2}FILE$/.test(k) || k === 'SECRETS_DIR') expect(v, `${s.name} ${k}`).toMatch(/^\/run\/secrets/);
      }
      for (const v of Object.values(environmentOf(s.spec))) expect(v, s.name).not.toMatch(/:\/\/[^/:@\s]+:[^@\s]+@/);
    }
    for (const f of composeFiles) {
      for (const [name, spec] of Object.entries<any>(readYaml(f).secrets ?? {})) expect(spec.file, name).toMatch(/^\.\/secrets\//);
    }
    const ignore = readFileSync(join(root, 'compose/secrets/.gitignore'), 'utf8');
    expect(ignore.split('\n')).toContain('*');
  });

  // Capabilities, no-new-privileges, read-only roots and users, for every service of every file:
  // tests/deploy/hardening.test.ts.

  it("Postgres roles: only postgres holds their passwords, only migrate the owner's URL, and the init script reads the files compose mounts", () => {
    const holders = (secret: string) => all.filter((s) => (s.spec.secrets ?? []).includes(secret)).map((s) => s.name);
    for (const r of ['owner', 'app', 'reader']) expect(holders(`postgres-${r}-password`), r).toEqual(['postgres']);
    expect(holders('database-url-migrate')).toEqual(['migrate']);
    expect(holders('database-url-read')).toEqual(['query']);
    // every Postgres URL and password is declared in base's `secrets:`
    const declared = Object.keys(readYaml('compose/docker-compose.base.yml').secrets);
    for (const s of [
      'database-url',
      'database-url-read',
      'database-url-migrate',
      'postgres-owner-password',
      'postgres-app-password',
      'postgres-reader-password',
    ])
      expect(declared).toContain(s);
    const init = readFileSync(join(root, 'compose/postgres/init/20-erpbi-roles.sh'), 'utf8');
    for (const r of ['owner', 'app', 'reader']) expect(init).toContain(`/run/secrets/postgres-${r}-password`);
    expect(init).toContain('erpbi-roles.pgsql');
  });

  it('the Grafana plugin is pinned to a version', () => {
    for (const s of [...all, ...extras].filter((x) => x.name === 'grafana'))
      expect(environmentOf(s.spec).GF_INSTALL_PLUGINS, s.file).toMatch(/^[\w-]+ \d+\.\d+\.\d+$/);
  });

  it('images are pinned (no :latest, no untagged image)', () => {
    for (const s of [...all, ...extras]) {
      const image = String(s.spec.image ?? s.spec['<<']?.image ?? '');
      expect(image, s.name).toMatch(/:[^/]+$/);
      expect(image, s.name).not.toMatch(/:latest$/);
    }
  });

  it('Keycloak is tuned to fit its 1024 MB: heap a fraction of the limit, local caches', () => {
    for (const s of [...all, ...extras].filter((x) => x.name === 'keycloak')) {
      const env = environmentOf(s.spec);
      const pct = Number(/-XX:MaxRAMPercentage=(\d+)/.exec(env.JAVA_OPTS_KC_HEAP ?? '')?.[1]);
      expect(pct).toBeGreaterThan(0);
      // The JVM takes its percentage of the container's limit; faasd sets none, so there it would take
      // it of the Pi's 8 GB: -XX:MaxRAM tells it the memory it is sized for instead.
      const ram = s.file === faasdExtras ? memoryMb(/-XX:MaxRAM=(\w+)/.exec(env.JAVA_OPTS_KC_HEAP ?? '')?.[1] ?? 'none') : serviceMemoryMb(s.spec)!;
      expect(ram, s.file).toBe(sizedMb(s));
      // heap + ~300 MB non-heap (Keycloak's sizing guide) must fit the limit
      expect((ram * pct) / 100 + 300).toBeLessThanOrEqual(sizedMb(s));
      expect(env.KC_CACHE).toBe('local');
      expect(s.spec.command.join(' ')).toContain('--import-realm');
    }
  });

  it('Traefik terminates HTTPS and routes to the gateway, the projector, Keycloak and Grafana', () => {
    const stat = readYaml('compose/traefik/traefik.yml');
    expect(stat.entryPoints.websecure.address).toBe(':443');
    expect(stat.entryPoints.web.http.redirections.entryPoint).toMatchObject({ to: 'websecure', scheme: 'https' });
    const dyn = readYaml('compose/traefik/dynamic.yml');
    const routers = dyn.http.routers as Record<string, any>;
    for (const r of Object.values(routers)) if (r.entryPoints.includes('websecure')) expect(r.tls).toBeDefined();
    const services = Object.values(routers).map((r) => r.service);
    for (const s of ['openfaas', 'projector', 'keycloak', 'grafana', 'web']) expect(services).toContain(s);
    expect(routers.functions.rule).toContain('/function/');
    expect(routers.bi.rule).toContain('/function/project-to-olap');
    expect(dyn.http.middlewares['strip-projector'].stripPrefix.prefixes).toEqual(['/function/project-to-olap']);
    expect(dyn.http.services.projector.loadBalancer.servers[0].url).toBe('http://project-to-olap:3000');
    // Reactions, the projector's feed and rebuild: on the internal entrypoint only (the connector's way).
    const reactions = Object.entries<any>(stackFunctions())
      .filter(([, f]) => f.annotations?.topic)
      .map(([n]) => n)
      .sort();
    const excluded = /!PathRegexp\(`(\^\/function\/\(([^)]+)\)[^`]*)`\)/.exec(routers.functions.rule);
    expect(excluded?.[2]?.split('|').sort()).toEqual(reactions);
    // Also under faasd's namespaced name, which its gateway resolves to the same function.
    const hidden = new RegExp(excluded![1]!);
    for (const path of ['/function/reserve-stock', '/function/reserve-stock/', '/function/reserve-stock.openfaas-fn', '/function/create-invoice.openfaas-fn/x'])
      expect(hidden.test(path), path).toBe(true);
    for (const path of ['/function/reserve-stocks', '/function/create-order', '/function/query/orders']) expect(hidden.test(path), path).toBe(false);
    // whole path segments (tests/deploy/front-door.test.ts tries look-alike paths against every router)
    expect(routers.bi.rule).toContain('PathPrefix(`/function/project-to-olap/`) && !PathRegexp(`^/function/project-to-olap/(batch|rebuild)(/|$)`)');
    for (const r of ['internal-functions', 'internal-bi']) expect(routers[r].entryPoints).toEqual(['internal']);
    // Grafana's own entrypoint: GET of the BI queries alone.
    expect(stat.entryPoints['grafana-bi'].address).toBe(':8001');
    expect(
      Object.entries<any>(routers)
        .filter(([, r]) => r.entryPoints.includes('grafana-bi'))
        .map(([n]) => n),
    ).toEqual(['grafana-bi']);
    expect(routers['grafana-bi']).toMatchObject({
      rule: 'Method(`GET`) && PathRegexp(`^/function/project-to-olap/query/[a-z_]+$`)',
      service: 'projector',
      middlewares: ['strip-projector'],
    });
    // Postgres and NATS are never behind Traefik.
    expect(JSON.stringify(dyn)).not.toMatch(/postgres|:4222|:5432/);
  });

  it('the connector calls functions directly (Traefik as the fallback; on faasd only Traefik) and gets its secrets by name', () => {
    for (const s of [...all, ...extras].filter((x) => x.name === 'connector')) {
      const env = environmentOf(s.spec);
      expect(env.GATEWAY_URL).toBe('http://traefik:8000');
      // faasd gives functions no names to resolve (its provider looks each one's IP up per call): the gateway there.
      expect(env.FUNCTIONS_URL, s.file).toBe(s.file === faasdExtras ? undefined : 'project-to-olap=http://project-to-olap:3000,*=http://{name}:8080');
      expect(env.TOKEN_URL).toBe('http://keycloak:8080/realms/erpbi/protocol/openid-connect/token');
      expect(env.CLIENT_ID).toBe('erpbi-connector');
      expect(env.HOST).toBe('0.0.0.0');
    }
    const erp = readYaml('compose/docker-compose.erp.yml').services;
    expect(erp.connector.secrets).toEqual(['database-url', 'connector-client-secret', 'nats-connector']);
    expect(erp.connector.command).toEqual(['node', 'build/triggers/connector.js']);
    expect(erp.migrate.command.join(' ')).toContain('migrate');
    // the migrations, and only they, as the schemas' owner (erpbi_owner): its URL alone, read from its file
    for (const m of [...all, ...extras].filter((x) => x.name === 'migrate'))
      expect(m.spec.command.join(' '), m.file).toContain('$(cat /run/secrets/database-url-migrate)');
    expect(erp.migrate.secrets).toEqual(['database-url-migrate']);
    expect(erp.connector.depends_on.migrate.condition).toBe('service_completed_successfully');
  });
});
