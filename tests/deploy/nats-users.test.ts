import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { natsUsers, natsUsersConf } from '../../shared/events/nats-users.js';
import { domains } from '../../shared/events/registry.js';
import { readYaml, root, stackFunctions } from './support.js';

// The NATS users of the deployment: the file the Pi's nats-server includes is the one the source
// generates, and each process signs in as the user whose permissions fit what it does.
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

/** The domains whose events a function raises: the shared/<domain>/ modules its handler imports that emit
 *  (`from '…'`, or `import('…')` for code loaded on first use, as render-document's deliveries). */
function domainsEmittedBy(fn: string): string[] {
  const handler = read(`functions/${fn}/handler.ts`);
  const modules = [...handler.matchAll(/(?:from |import\()'\.\.\/\.\.\/shared\/(\w+)\/([\w-]+)\.js'/g)].filter((m) =>
    (domains as readonly string[]).includes(m[1]!),
  );
  return [...new Set(modules.filter((m) => read(`shared/${m[1]}/${m[2]}.ts`).includes('emit(')).map((m) => m[1]!))];
}

describe('NATS users', () => {
  it('compose/nats/users.conf is what shared/events/nats-users.ts generates (npm run gen:nats), and nats.conf includes it', () => {
    expect(read('compose/nats/users.conf')).toBe(natsUsersConf());
    expect(read('compose/nats/nats.conf')).toMatch(/^include users\.conf$/m);
  });

  it("every function signs in as its domain's user, the one that may publish what it raises; the rest as silent", () => {
    const fns = stackFunctions();
    expect(
      readdirSync(join(root, 'functions'))
        .filter((f) => f !== 'project-to-olap')
        .sort(),
    ).toEqual(Object.keys(fns).sort());
    for (const [name, f] of Object.entries<any>(fns)) {
      const user = f.environment.NATS_USER;
      const emitted = domainsEmittedBy(name);
      expect(emitted.length, `${name} raises events of more than one domain`).toBeLessThanOrEqual(1);
      expect(user, name).toBe(emitted[0] ?? 'silent');
      expect(f.secrets, name).toContain(`nats-${user}`);
    }
    expect(readYaml('stack.yml')['x-erpbi-services']['project-to-olap'].environment.NATS_USER).toBe('projector');
  });

  it("the server gets every user's password, and each other service only its own", () => {
    const services = {
      ...readYaml('compose/docker-compose.base.yml').services,
      ...readYaml('compose/docker-compose.erp.yml').services,
      ...readYaml('compose/docker-compose.bi.yml').services,
    };
    expect([...services['erpbi-nats'].secrets].sort()).toEqual(natsUsers.map((u) => `nats-${u}`).sort());
    for (const [name, s] of Object.entries<any>(services)) {
      if (name === 'erpbi-nats') continue;
      const nats = (s.secrets ?? []).filter((x: string) => x.startsWith('nats-'));
      const user = s.environment?.NATS_USER;
      expect(nats, name).toEqual(user ? [`nats-${user}`] : []);
    }
    expect(services.connector.environment.NATS_USER).toBe('connector');
    expect(services['project-to-olap'].environment.NATS_USER).toBe('projector');
  });

  it('the shell loops that make and pass the passwords name every user (one missing stops nats-server at start)', () => {
    const loops = (text: string) => [...text.matchAll(/for u in ([a-z ]+);/g)].map((m) => m[1]!.trim().split(/\s+/).sort());
    const everyone = [...natsUsers].sort();
    for (const file of ['compose/docker-compose.base.yml', 'compose/docker-compose.faasd-extras.yml']) expect(loops(read(file)), file).toEqual([everyone]);
    const functionsUsers = [...new Set(Object.values<any>(stackFunctions()).map((f) => f.environment.NATS_USER))].sort();
    // docs/deploy-pi.md (install and upgrade): every password made, then the functions' ones handed to faas-cli
    const docs = loops(read('docs/deploy-pi.md'));
    for (const l of docs) expect([everyone, functionsUsers]).toContainEqual(l);
    expect(docs).toContainEqual(everyone);
    expect(docs).toContainEqual(functionsUsers);
  });
});
