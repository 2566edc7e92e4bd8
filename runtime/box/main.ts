// First: refuses an unsupported Node.js before anything else loads (node-check.ts).
import './node-check.js';
import { mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { createPool } from '../../shared/db/pool.js';
import { migrate } from '../../shared/db/migrate.js';
import { connectBus, ensureStreams } from '../../shared/events/bus.js';
import { readStack } from '../../shared/stack.js';
import { natsCredentials, readConfig } from '../../shared/config.js';
import type { NatsUser } from '../../shared/events/nats-users.js';
import { boxDatabaseUrl, dataDir, gatewayPort, isPortFree, readBox, stickyPort, writeBox } from './box.js';
import { endpoints, loadOrCreateKeys } from '../dev-issuer/issuer.js';
import { natsServerMissing } from './nats.js';
import { startBoxNats } from './nats-cluster.js';
import { databasePasswords, databaseRoles, roleOf, startEmbeddedPostgres, type DatabaseRole } from './postgres.js';
import { Supervisor } from './supervisor.js';
import { childNodeFlags, duckdbLimitMiB, functionNodeFlags } from './node-flags.js';
import { keepAlive } from './keep-alive.js';
import { writePortsFile } from './ports-file.js';
import { writeJsonFile } from './json-file.js';
import { writeServicesFile } from './services-file.js';
import { documentsBucket, localStorageKeys, startObjectStorage } from './object-storage.js';
import { companyProfileFile } from './company-file.js';
import { emailSettings, emailSummary } from '../../shared/email/settings.js';
import { stopLeftovers } from './leftovers.js';
// @ts-expect-error: plain JS build script
import { buildAll, isStale } from '../../esbuild.config.mjs';

// `npm start`: the whole box on one machine, without faasd.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string) => console.log(line);
const started = Date.now();
const dir = dataDir();
// Every process the box starts inherits it: how the next start knows them if this one is killed (leftovers.ts).
process.env.ERPBI_DATA = dir;
// and Node's module compile cache: a (re)started process takes its bundle's compiled code from disk instead of
// parsing 1+ MB again (measured: 15 % less start-up CPU, 9 MB less idle RSS per function).
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'erpbi-node-compile-cache');
const port = gatewayPort();
// What the box takes from its environment (shared/config.ts): each part it is not given, it runs itself.
const config = readConfig([
  'EVENTS_PREFIX',
  'EVENTS_STREAM',
  'DATABASE_URL',
  'NATS_URL',
  'NATS_CLUSTER_SIZE',
  'EVENTS_REPLICAS',
  'S3_ENDPOINT',
  'S3_BUCKET',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  // the projector's DuckDB share of its memory, outside V8's heap (node-flags.ts)
  'OLAP_MEMORY_LIMIT',
]);
// E-mail is optional: its settings (SMTP_HOST, EMAIL_FROM, ...) pass to the functions with the environment;
// checked here so a half-configured server stops the start with one message, not a failed send later.
const email = emailSettings();
const prefix = config.EVENTS_PREFIX;
const stream = config.EVENTS_STREAM;
mkdirSync(join(dir, 'logs'), { recursive: true });
const box = readBox(dir);
const stops: (() => Promise<void>)[] = [];
const pids: Record<string, number | undefined> = { runtime: process.pid };
let supervised: Supervisor | undefined;
// Which processes belong to this box (for an operator, for tests that check a clean stop or kill one, and
// for the next start when this runtime is killed: leftovers.ts), written as each starts. Renamed into
// place: a kill mid-write leaves the previous version, not half a file.
const writePids = () => writeJsonFile(join(dir, 'pids.json'), { ...pids, ...supervised?.pids() });
// Aborted as the box starts to stop: a service that exits from then on is not restarted (keep-alive.ts).
const leaving = new AbortController();

async function main() {
  say(`erpbi: data in ${dir}`);
  await stopLeftovers(dir, say);
  writePids();
  // Checked before anything starts, so a missing nats-server costs the user nothing but this message.
  if (!config.NATS_URL && natsServerMissing()) {
    throw new Error(
      'nats-server is not on PATH. Install it (Debian/Ubuntu/Raspberry Pi OS: `sudo apt-get install nats-server`) or set NATS_URL to a JetStream-enabled server.',
    );
  }
  // A stream of more replicas than servers is refused by JetStream later, in words about placement: said here instead.
  if (config.NATS_URL && config.NATS_CLUSTER_SIZE > 1) throw new Error("NATS_CLUSTER_SIZE is for the box's own nats-servers: unset it or NATS_URL");
  if (!config.NATS_URL && (config.EVENTS_REPLICAS ?? 1) > config.NATS_CLUSTER_SIZE)
    throw new Error(`EVENTS_REPLICAS=${config.EVENTS_REPLICAS} needs as many nats-servers: set NATS_CLUSTER_SIZE to 3 (or 5)`);
  if ((isStale as () => boolean)()) {
    say('building function bundles (missing or older than the sources)...');
    await (buildAll as (o: { quiet: boolean }) => Promise<unknown[]>)({ quiet: true });
  }

  // Who connects as whom (docs/architecture.md): the migrations as erpbi_owner, query as erpbi_reader,
  // the other functions and the connector as erpbi_app. A DATABASE_URL given is used for all of them.
  let databaseUrls: Record<DatabaseRole, string>;
  if (config.DATABASE_URL) {
    const given = config.DATABASE_URL;
    databaseUrls = { owner: given, app: given, reader: given };
  } else {
    box.pgPort = await stickyPort(box.pgPort);
    box.pgPasswords = databasePasswords(box.pgPasswords);
    writeBox(box, dir);
    say(`starting embedded PostgreSQL 15 on 127.0.0.1:${box.pgPort}...`);
    const pgPort = box.pgPort;
    const passwords = box.pgPasswords;
    const pg = await keepAlive(
      'postgres',
      () => startEmbeddedPostgres(dir, pgPort, say, passwords),
      say,
      (pid) => ((pids.postgres = pid), writePids()),
      leaving.signal,
    );
    stops.push(pg.stop);
    databaseUrls = Object.fromEntries(databaseRoles.map((r) => [r, boxDatabaseUrl(box, r)!])) as Record<DatabaseRole, string>;
  }
  let natsUrl = config.NATS_URL;
  // Each process's NATS user (shared/events/nats-users.ts) on the box's own server; none on a given one.
  let natsAs: (user: NatsUser) => Record<string, string> = () => ({});
  if (!natsUrl) {
    // One nats-server, or a JetStream cluster of NATS_CLUSTER_SIZE on 127.0.0.1 (nats-cluster.ts).
    const nats = await startBoxNats({
      dir,
      box,
      size: config.NATS_CLUSTER_SIZE,
      prefix,
      saveBox: () => writeBox(box, dir),
      say,
      onPid: (name, pid) => ((pids[name] = pid), writePids()),
      leaving: leaving.signal,
    });
    stops.push(...nats.servers.map((s) => s.stop));
    natsUrl = nats.url;
    natsAs = (user) => ({ NATS_USER: user, NATS_PASSWORD: nats.passwords[user] });
  }

  // Object storage for the invoice PDFs: the box's own unless S3_ENDPOINT names one (e.g. a SeaweedFS).
  let storage: Record<string, string> = {
    S3_ENDPOINT: config.S3_ENDPOINT ?? '',
    S3_BUCKET: config.S3_BUCKET,
    S3_ACCESS_KEY_ID: config.S3_ACCESS_KEY_ID ?? '',
    S3_SECRET_ACCESS_KEY: config.S3_SECRET_ACCESS_KEY ?? '',
  };
  if (!config.S3_ENDPOINT) {
    box.s3Port = await stickyPort(box.s3Port);
    say(`starting object storage (s3rver) on 127.0.0.1:${box.s3Port}...`);
    const s3Port = box.s3Port;
    const s3 = await keepAlive(
      'object-storage',
      () => startObjectStorage(dir, s3Port, join(root, 'build', 'box', 'object-storage.js')),
      say,
      (pid) => ((pids['object-storage'] = pid), writePids()),
      leaving.signal,
    );
    stops.push(s3.stop);
    storage = {
      S3_ENDPOINT: s3.url,
      S3_BUCKET: documentsBucket,
      S3_ACCESS_KEY_ID: localStorageKeys.accessKeyId,
      S3_SECRET_ACCESS_KEY: localStorageKeys.secretAccessKey,
    };
  }
  const company = companyProfileFile(dir, say);

  const db = createPool(databaseUrls.owner, 1);
  const applied = await migrate(db);
  await db.end();
  if (applied.length) say(`  migrations applied: ${applied.join(', ')}`);
  const bus = await connectBus(natsUrl, 'erpbi-runtime', { credentials: natsCredentials(natsAs('operator')) });
  await ensureStreams(bus.nc, stream, prefix, config.EVENTS_REPLICAS);
  await bus.nc.close();

  const gatewayUrl = `http://127.0.0.1:${port}`;
  box.issuer = `${gatewayUrl}/issuer`;
  box.gatewayUrl = gatewayUrl;
  writeBox(box, dir);
  await loadOrCreateKeys(dir); // now, so the gateway process and `erpbi token` find them

  // Where every process listens, for the gateway; rewritten as each (re)start reports its port.
  const portsFile = join(dir, 'ports.json');
  const supervisor: Supervisor = new Supervisor(join(dir, 'logs'), say, writePids, () => writePortsFile(portsFile, supervisor.ports()));
  supervised = supervisor;
  stops.unshift(() => supervisor.stop());
  const common = {
    DATABASE_URL: databaseUrls.app,
    NATS_URL: natsUrl,
    EVENTS_PREFIX: prefix,
    EVENTS_STREAM: stream,
    // the connector ensures the streams too (as on the Pi): with the same replicas
    ...(config.EVENTS_REPLICAS ? { EVENTS_REPLICAS: String(config.EVENTS_REPLICAS) } : {}),
    AUTH_ISSUER: box.issuer,
    AUTH_AUDIENCE: 'erpbi',
    AUTH_ROLES_CLAIM: 'roles',
  };
  // For the functions (render-document writes, query reads); the connector and the gateway get none of it.
  // Locally every function gets it: s3rver's fixed key pair on 127.0.0.1 is no secret. On the Pi only
  // those two hold the storage keys (stack.yml, compose).
  const documents = { ...storage, COMPANY_PROFILE: company };
  const functions = readStack(join(root, 'stack.yml'), prefix);
  if (!(await isPortFree(port))) throw new Error(`port ${port} is taken: stop what uses it or set ERPBI_PORT`);
  writePortsFile(portsFile, {}); // filled as the processes report where they listen
  // The gateway is a supervised process like the functions: a crash of it is a restart, not the end of the box.
  supervisor.start({
    name: 'gateway',
    command: process.execPath,
    // its bundle (esbuild.config.mjs), like the functions': no TypeScript compiler held in its memory
    args: [...childNodeFlags, join(root, 'build', 'box', 'gateway.js')],
    env: {
      ERPBI_DATA: dir,
      AUTH_ISSUER: box.issuer,
      AUTH_AUDIENCE: 'erpbi',
      CLIENT_SECRET: box.clientSecret,
      WEB_DIR: join(root, 'build', 'web'),
      GATEWAY_PORTS_FILE: portsFile,
      GATEWAY_FUNCTIONS: functions.map((f) => f.name).join(','),
      GATEWAY_ALSO_WATCH: 'connector',
    },
    port,
  });
  say(`gateway on ${gatewayUrl}; starting ${functions.length} functions and the connector...`);

  // The projector's DuckDB keeps its buffers outside V8's heap (node-flags.ts), as much as OLAP_MEMORY_LIMIT lets it.
  const duckdbMiB = duckdbLimitMiB(config.OLAP_MEMORY_LIMIT) ?? 0;
  for (const fn of functions) {
    supervisor.start({
      name: fn.name,
      command: process.execPath,
      args: [...functionNodeFlags(fn.memory, fn.name === 'project-to-olap' ? duckdbMiB : 0), join(root, 'build', 'functions', fn.name, 'index.js')],
      env: {
        ...common,
        ...documents,
        ...natsAs(fn.natsUser),
        FUNCTION_NAME: fn.name,
        OLAP_FILE: join(dir, 'olap', 'erpbi.duckdb'),
        // its role's URL, and its name in pg_stat_activity (application_name)
        DATABASE_URL: databaseUrls[roleOf[fn.databaseAccess]],
        PGAPPNAME: fn.name,
        CPU_NICE: String(fn.cpuNice),
      },
    });
  }
  supervisor.start({
    name: 'connector',
    command: process.execPath,
    args: [...childNodeFlags, join(root, 'build', 'triggers', 'connector.js')],
    env: {
      ...common,
      ...natsAs('connector'),
      PGAPPNAME: 'connector',
      STACK_FILE: join(root, 'stack.yml'),
      GATEWAY_URL: gatewayUrl,
      // The functions called directly where they listen (triggers/function-urls.ts); the gateway is the fallback.
      FUNCTIONS_PORTS_FILE: portsFile,
      TOKEN_URL: `${box.issuer}${endpoints.token}`,
      CLIENT_SECRET: box.clientSecret,
    },
  });
  writeServicesFile(join(dir, 'services.json'), supervisor.specs());
  await supervisor.waitHealthy(120_000);
  // The gateway probes each process on its own clock (up to a second later than the supervisor): "ready"
  // means what a user's first look at /healthz says, so wait until it says so too.
  await gatewayHealthy(gatewayUrl, 30_000);
  say(`\nerpbi is ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  screens     ${gatewayUrl}/`);
  say(`  health      ${gatewayUrl}/healthz`);
  say(`  functions   ${gatewayUrl}/function/<name>`);
  say(`  a token     ERPBI_DATA=${dir} npx erpbi token --role admin`);
  say(`  e-mail      ${emailSummary(email)}`);
  say('Ctrl-C stops everything.');
}

async function gatewayHealthy(gatewayUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const res = await fetch(`${gatewayUrl}/healthz`, { signal: AbortSignal.timeout(1000) }).catch((e: Error) => e);
    if (!(res instanceof Error) && res.ok) return;
    last = res instanceof Error ? res.message : `${res.status} ${await res.text().catch(() => '')}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the gateway's /healthz is not 200 after ${timeoutMs} ms: ${last}`);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  // First of all: Ctrl-C reached every process of the terminal at once, and those exiting for it now are no crash.
  leaving.abort();
  say('\nstopping erpbi...');
  for (const stop of stops) await stop().catch((e: Error) => say(`  ${e.message}`));
  say('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (err: Error) => {
  // Stopped while starting: what failed, failed because we are leaving.
  if (!stopping) console.error(`erpbi failed to start: ${err.message}`);
  await shutdown(1);
});
