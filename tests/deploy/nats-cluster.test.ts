import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { natsUsers, natsUsersConf, passwordVariable } from '../../shared/events/nats-users.js';
import { composeFiles, environmentOf, readYaml, root, serviceMemoryMb } from './support.js';

// The optional three-server NATS overlay (issue 25): what compose makes of it on top of the three files,
// three servers routed to each other with the base's image, users and secrets, and the streams' replicas.
const overlay = 'compose/docker-compose.nats-cluster.yml';
const nodes = ['erpbi-nats', 'erpbi-nats-2', 'erpbi-nats-3'];
const composeCli = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describe('compose/docker-compose.nats-cluster.yml', () => {
  const base = readYaml('compose/docker-compose.base.yml').services['erpbi-nats'];
  const servers = readYaml(overlay).services;

  it('names three servers, each with the base image, users and secrets, the route secret, a volume of its own, routes to all three', () => {
    expect(Object.keys(servers).filter((n) => n.startsWith('erpbi-nats'))).toEqual(nodes);
    const volumes = new Set<string>();
    for (const name of nodes) {
      const s = servers[name];
      expect(s.image, name).toBe(base.image);
      expect(environmentOf(s).NATS_SERVER_NAME, name).toBe(name);
      expect([...s.secrets].sort(), name).toEqual([...base.secrets, 'nats-route'].sort());
      expect(s.volumes, name).toContain('./nats:/etc/nats:ro');
      volumes.add(s.volumes.find((v: string) => v.endsWith(':/data')));
      const command = s.command.join(' ');
      expect(command, name).toContain('-c /etc/nats/nats-cluster.conf');
      for (const peer of nodes) expect(command, `${name} routes to ${peer}`).toContain(`@${peer}:6222`);
      expect(serviceMemoryMb(s), name).toBe(serviceMemoryMb(base));
    }
    expect(volumes.size, 'a data volume per server').toBe(3);
    // erpbi-nats keeps the base's volume (whether a stream a single server stored there joins the cluster was not tried).
    expect(servers['erpbi-nats'].volumes).toEqual(base.volumes);
  });

  it('gives the connector (which ensures the streams) three replicas and every server, and the projector every server', () => {
    const all = nodes.map((n) => `nats://${n}:4222`).join(',');
    expect(environmentOf(servers.connector)).toEqual({ NATS_URL: all, EVENTS_REPLICAS: '3' });
    expect(environmentOf(servers['project-to-olap']).NATS_URL).toBe(all);
  });

  it('nats-cluster.conf is a valid nats-server configuration: a cluster whose routes sign in, with the users of users.conf', () => {
    const conf = readFileSync(join(root, 'compose/nats/nats-cluster.conf'), 'utf8');
    expect(conf).toMatch(/^include users\.conf$/m);
    expect(conf).toMatch(/authorization \{\s*user: route\s*password: \$NATS_ROUTE_PASSWORD\s*\}/);
    const dir = mkdtempSync(join(tmpdir(), 'erpbi-nats-cluster-'));
    try {
      writeFileSync(join(dir, 'nats-cluster.conf'), conf);
      writeFileSync(join(dir, 'users.conf'), natsUsersConf());
      const env = {
        ...process.env,
        NATS_SERVER_NAME: 'erpbi-nats',
        NATS_ROUTE_PASSWORD: 'nroute',
        ...Object.fromEntries(natsUsers.map((u) => [passwordVariable(u), 'npw'])),
      };
      const out = spawnSync('nats-server', ['-t', '-c', join(dir, 'nats-cluster.conf'), '--routes', 'nats-route://route:nroute@127.0.0.1:6222'], {
        env,
        encoding: 'utf8',
      });
      expect(`${out.stdout}${out.stderr}`).toMatch(/configuration file .* is valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!composeCli)('docker-compose config accepts it on top of the three files', () => {
    const args = [...composeFiles, overlay].flatMap((f) => ['-f', join(root, f)]);
    const merged = parse(
      execFileSync('docker-compose', [...args, 'config'], { cwd: root, encoding: 'utf8', env: { ...process.env, COMPOSE_PROJECT_NAME: 'erpbi' } }),
    );
    for (const name of nodes) expect(merged.services[name].command.join(' '), name).toMatch(/--routes "nats-route:\/\/route:/);
    expect(Object.keys(merged.volumes)).toEqual(expect.arrayContaining(['nats_stream', 'nats_stream_2', 'nats_stream_3']));
    // the overlay adds to the connector's environment, it does not replace it
    expect(merged.services.connector.environment).toMatchObject({ EVENTS_REPLICAS: '3', NATS_USER: 'connector', GATEWAY_URL: 'http://traefik:8000' });
  });
});
