import { join } from 'node:path';
import { readConfig } from '../../shared/config.js';
import { readStack } from '../../shared/stack.js';
import { buildGateway, functionBodyLimits } from '../../gateway/gateway.js';
import { watchHealth } from '../../gateway/health.js';
import { loadOrCreateKeys } from '../dev-issuer/issuer.js';
import { followPortsFile } from './ports-file.js';
import { stopOnSignal } from '../../shared/lifecycle.js';

// The gateway as a process of its own, supervised like a function: when it dies, the runtime starts it
// again (with backoff, said in the terminal) and the functions behind it never notice. Its settings
// come from the runtime in the environment.
const env = readConfig(
  ['PORT', 'ERPBI_DATA', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'CLIENT_SECRET', 'WEB_DIR', 'GATEWAY_PORTS_FILE', 'GATEWAY_FUNCTIONS', 'GATEWAY_ALSO_WATCH'],
  { required: ['AUTH_ISSUER', 'CLIENT_SECRET', 'WEB_DIR', 'GATEWAY_PORTS_FILE'] },
);

// The supervisor rewrites the file whenever a (re)started process reports its port (runtime/box/supervisor.ts).
const portsFile = followPortsFile(env.GATEWAY_PORTS_FILE);
const url = (port: number) => `http://127.0.0.1:${port}`;

// /healthz: every process answers its /_/health: probed each second until it answers, then every 5 s
// (a process that dies leaves ports.json at once; one that hangs is found after three missed probes).
const health = await watchHealth(() => Object.fromEntries(Object.entries(portsFile.current()).map(([name, port]) => [name, url(port)])), {
  everyMs: 1000,
  healthyEveryMs: 5000,
  timeoutMs: 900,
  byName: true,
});

// Not ready while a process has not said where it listens yet, or does not answer there.
const expected = [...env.GATEWAY_FUNCTIONS, ...env.GATEWAY_ALSO_WATCH];
const waiting = () => [...expected.filter((name) => !Object.hasOwn(portsFile.current(), name)), ...health.waiting()];

const app = await buildGateway({
  upstream: (name) => {
    const ports = portsFile.current();
    return env.GATEWAY_FUNCTIONS.has(name) && Object.hasOwn(ports, name) ? url(ports[name]!) : undefined;
  },
  // Out of ports.json between its death and its restart's report (runtime/box/supervisor.ts): 503, retried.
  starting: (name) => env.GATEWAY_FUNCTIONS.has(name),
  waiting,
  issuer: { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, keys: await loadOrCreateKeys(env.ERPBI_DATA), clientSecret: env.CLIENT_SECRET },
  webDir: env.WEB_DIR,
  // The functions' own limits, from the same environment (the supervisor passes the runtime's to all);
  // the batch functions of the stack.yml the runtime started them from take larger batches at /batch.
  bodyLimit: functionBodyLimits(readStack(join(import.meta.dirname, '..', '..', 'stack.yml'))),
});
app.get('/_/health', async () => ({ status: 'ok', function: 'gateway' }));
await app.listen({ port: env.PORT, host: '127.0.0.1' });

// Also when the runtime dies without stopping us (its IPC channel closes): see shared/lifecycle.ts.
stopOnSignal([() => health.stop(), () => portsFile.stop(), () => app.close()]);
