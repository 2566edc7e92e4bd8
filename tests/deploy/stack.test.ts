import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { budget, memoryMb, readYaml, root, stackFunctions } from './support.js';
import { databaseUrlSecret } from '../../shared/config.js';

const stack = readYaml('stack.yml');
const fns = stackFunctions();
const secretish = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIAL|DATABASE_URL)/i;
const tmp = mkdtempSync(join(tmpdir(), 'erpbi-template-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('stack.yml for faas-cli up on faasd', () => {
  it(`deploys at most ${budget.maxFunctions} functions (faasd CE's cap)`, () => {
    expect(Object.keys(fns).length).toBeGreaterThan(0);
    expect(Object.keys(fns).length).toBeLessThanOrEqual(budget.maxFunctions);
  });

  it('has the faas-cli shape: provider openfaas, a gateway, templates in the repo, bundles copied into the build context', () => {
    expect(stack.version).toBe(1);
    expect(stack.provider.name).toBe('openfaas');
    expect(stack.provider.gateway).toMatch(/^http:\/\/127\.0\.0\.1:8080$/);
    expect(stack.configuration.copy).toContain('./build/functions');
    // the pinned Node.js per arch (build/node/<arch>), which the template copies for the target
    expect(stack.configuration.copy).toContain('./build/node');
  });

  it.each(Object.keys(fns))('%s: template, handler, image, memory limit, secrets by name only', (name) => {
    const f = fns[name];
    expect(f.lang).toBe('erpbi-node');
    expect(existsSync(join(root, 'template', f.lang, 'Dockerfile')), `template/${f.lang}`).toBe(true);
    expect(f.handler).toBe(`./functions/${name}`);
    expect(existsSync(join(root, 'functions', name, 'handler.ts'))).toBe(true);
    expect(f.image).toMatch(new RegExp(`/${name}:[^:/]+$`));
    expect(f.image).not.toMatch(/:latest$/);
    expect(memoryMb(f.limits.memory)).toBeGreaterThan(0);
    expect(memoryMb(f.limits.memory)).toBeLessThanOrEqual(budget.perServiceMb);
    // secrets are names faas-cli secret create made (the values live in /var/openfaas/secrets), each
    // one documented for the installer
    const documented = readFileSync(join(root, 'compose/secrets/README.md'), 'utf8');
    for (const s of f.secrets ?? []) expect(documented, `${name}: secret ${s}`).toContain(`\`${s}\``);
    // every function gets its Postgres URL as a secret, the one of its role (DATABASE_ACCESS: query reads
    // as erpbi_reader, the rest write as erpbi_app), and no other: none holds the owner's (the migrations')
    expect(
      f.secrets.filter((s: string) => s.startsWith('database-url')),
      name,
    ).toEqual([databaseUrlSecret(f.environment.DATABASE_ACCESS)]);
    expect(f.environment.DATABASE_ACCESS ?? 'app', name).not.toBe('migrate');
    for (const [k, v] of Object.entries<string>(f.environment ?? {})) {
      expect(secretish.test(k), `${name}: ${k} looks like a secret; use faas-cli secret create`).toBe(false);
      expect(String(v), `${name}: ${k}`).not.toMatch(/:\/\/[^/:@\s]+:[^@\s]+@/);
    }
    // tokens from Keycloak: roles at realm_access.roles, audience erpbi
    expect(f.environment.AUTH_ROLES_CLAIM).toBe('realm_access.roles');
    expect(f.environment.AUTH_AUDIENCE).toBe('erpbi');
    expect(f.environment.NATS_URL).toBe('nats://erpbi-nats:4222');
  });

  it('only query reads as erpbi_reader: the functions that write connect as erpbi_app', () => {
    const readers = Object.keys(fns).filter((n) => fns[n].environment.DATABASE_ACCESS === 'read');
    expect(readers).toEqual(['query']);
  });

  it('the whole file holds no secret value', () => {
    const text = readFileSync(join(root, 'stack.yml'), 'utf8');
    expect(text).not.toMatch(/postgres(ql)?:\/\/[^\s]*@/);
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  });
});

describe('template/erpbi-node', () => {
  const dockerfile = readFileSync(join(root, 'template/erpbi-node/Dockerfile'), 'utf8');

  it('runs the bundle behind the multi-arch of-watchdog in http mode on 127.0.0.1:3000', () => {
    // the watchdog is a build argument too (a stand-in where ghcr.io cannot be reached), OpenFaaS's by default
    expect(dockerfile).toMatch(/ARG WATCHDOG_IMAGE=ghcr\.io\/openfaas\/of-watchdog:\$\{WATCHDOG_VERSION\}/);
    expect(dockerfile).toMatch(/^FROM \$\{WATCHDOG_IMAGE\} AS watchdog$/m);
    expect(dockerfile).toMatch(/ARG WATCHDOG_VERSION=\d+\.\d+\.\d+/);
    // Debian + our pinned Node (tests/deploy/images.test.ts), the official Debian image by default
    expect(dockerfile).toMatch(/^ARG DEBIAN_IMAGE=debian:bookworm-slim$/m);
    expect(dockerfile).toContain('mode="http"');
    expect(dockerfile).toContain('upstream_url="http://127.0.0.1:3000"');
    expect(dockerfile).toContain('fprocess="node index.js"');
    expect(dockerfile).toMatch(/USER app/);
    expect(dockerfile).toContain('CMD ["fwatchdog"]');
    // of-watchdog keeps 8081 for its own metrics: the bundle must not take it
    expect(dockerfile).not.toMatch(/PORT="?8081/);
    const tpl = readYaml('template/erpbi-node/template.yml');
    expect(tpl.language).toBe('erpbi-node');
  });

  it('one template serves every function: no native addons, no npm (DuckDB is in the service image)', () => {
    expect(
      dockerfile
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n'),
    ).not.toMatch(/NATIVE_DEPS|\bnpm\b/);
    for (const [name, f] of Object.entries(fns)) expect(f.build_args, name).toBeUndefined();
    expect(existsSync(join(root, 'template', 'erpbi-node-duckdb'))).toBe(false);
  });

  // faas-cli gives the build no function name: the template finds it in handler.ts. Check that on
  // every real handler, in a context laid out as faas-cli lays it out.
  it.each(Object.keys(fns))('pick-bundle.sh finds the bundle of %s from its handler.ts', (name) => {
    const context = join(tmp, name, 'function');
    mkdirSync(join(context, 'build', 'functions', name), { recursive: true });
    for (const f of readdirSync(join(root, 'functions', name))) if (f.endsWith('.ts')) copyFileSync(join(root, 'functions', name, f), join(context, f));
    writeFileSync(join(context, 'build', 'functions', name, 'index.js'), `// ${name}\n`);
    writeFileSync(join(context, 'build', 'functions', name, 'index.js.map'), '{}');
    writeFileSync(join(context, 'build', 'functions', name, 'package.json'), '{"type":"module"}\n');
    mkdirSync(join(context, 'build', 'functions', 'other'), { recursive: true });
    writeFileSync(join(context, 'build', 'functions', 'other', 'index.js'), '// other\n');
    const dest = join(tmp, name, 'app');
    execFileSync('sh', [join(root, 'template/erpbi-node/pick-bundle.sh'), context, dest], { stdio: 'pipe' });
    expect(readFileSync(join(dest, 'index.js'), 'utf8')).toBe(`// ${name}\n`);
    expect(existsSync(join(dest, 'package.json'))).toBe(true);
    expect(existsSync(join(dest, 'index.js.map'))).toBe(false);
  });

  it('pick-bundle.sh stops with a clear message when the bundle was not built', () => {
    const context = join(tmp, 'unbuilt');
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, 'handler.ts'), "export default defineFunction({\n  name: 'create-order',\n});\n");
    let message = '';
    try {
      execFileSync('sh', [join(root, 'template/erpbi-node/pick-bundle.sh'), context, join(tmp, 'unbuilt-app')], { stdio: 'pipe' });
    } catch (err) {
      message = String((err as { stderr: Buffer }).stderr);
    }
    expect(message).toContain("run 'npm run build' before 'faas-cli build'");
  });
});
