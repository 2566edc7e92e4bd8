import { z } from 'zod';
import { buildGateway } from './gateway.js';
import { watchHealth } from './health.js';
import { loadOrCreateKeys } from './issuer.js';

// The gateway as a process of its own, supervised like a function: when it dies, the runtime starts it
// again (with backoff, said in the terminal) and the functions behind it never notice. Its settings
// come from the runtime in the environment.
const ports = z.record(z.string(), z.number().int().min(1).max(65535));
const env = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535),
    ERPBI_DATA: z.string().min(1),
    AUTH_ISSUER: z.string().url(),
    AUTH_AUDIENCE: z.string().default('erpbi'),
    CLIENT_SECRET: z.string().min(1),
    WEB_DIR: z.string().min(1),
    /** {function name: port}: what /function/<name> reaches. */
    GATEWAY_UPSTREAMS: z.string().transform((s) => ports.parse(JSON.parse(s))),
    /** {process name: port} also counted by /healthz (the connector). */
    GATEWAY_ALSO_WATCH: z.string().default('{}').transform((s) => ports.parse(JSON.parse(s))),
  })
  .parse(process.env);

// /healthz: every process answers its /_/health (probed each second, as the supervisor does).
const health = await watchHealth(
  Object.fromEntries(Object.entries({ ...env.GATEWAY_UPSTREAMS, ...env.GATEWAY_ALSO_WATCH }).map(([name, port]) => [name, `http://127.0.0.1:${port}`])),
  { everyMs: 1000, timeoutMs: 900 },
);

const app = await buildGateway({
  upstream: (name) => (Object.hasOwn(env.GATEWAY_UPSTREAMS, name) ? `http://127.0.0.1:${env.GATEWAY_UPSTREAMS[name]}` : undefined),
  waiting: health.waiting,
  issuer: { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, keys: await loadOrCreateKeys(env.ERPBI_DATA), clientSecret: env.CLIENT_SECRET },
  webDir: env.WEB_DIR,
});
app.get('/_/health', async () => ({ status: 'ok', function: 'gateway' }));
await app.listen({ port: env.PORT, host: '127.0.0.1' });

const stop = async () => {
  health.stop();
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
