import { createServer } from 'node:http';
import { readConfig } from '../shared/config.js';
import { Counter } from 'prom-client';
import { readStack } from '../shared/stack.js';
import { createMetrics } from '../shared/http/metrics.js';
import { buildGateway, functionBodyLimits } from './gateway.js';
import { watchHealth } from './health.js';

// erpbi's stand-in for the OpenFaaS gateway on plain Docker (compose/docker-compose.erp.yml): every
// stack.yml function runs as a container of its own, named like the function, listening on 8080 as
// faasd's do, and this routes /function/<name>[/...] to it with the prefix stripped, as OpenFaaS does.
// Same names and ports as faasd's gateway (8080, metrics on 8082), so Traefik's routes, Prometheus'
// scrape config and the connector are the same on both paths. On faasd, faasd's own gateway does this.
// Its settings (shared/config.ts); docker-compose.erp.yml gives STACK_FILE and PORT 8080.
const env = readConfig(['STACK_FILE', 'PORT', 'METRICS_PORT', 'FUNCTION_PORT']);

const stack = readStack(env.STACK_FILE);
const names = stack.filter((f) => f.deployedAs === 'function').map((f) => f.name);
const upstreams: Record<string, string> = Object.fromEntries(names.map((name) => [name, `http://${name}:${env.FUNCTION_PORT}`]));
// byName off: of-watchdog answers /_/health itself (plain text), in front of the bundle.
const health = await watchHealth(upstreams, { everyMs: 2000, timeoutMs: 1500, byName: false });

const metrics = createMetrics('gateway');
// OpenFaaS's gateway counts invocations under this name; the operations dashboard reads it on both paths.
const invocations = new Counter({
  name: 'gateway_function_invocation_total',
  help: 'Requests routed to a function, by function and status',
  labelNames: ['function_name', 'code'] as const,
  registers: [metrics.registry],
});

const app = await buildGateway({
  upstream: (name) => (Object.hasOwn(upstreams, name) ? upstreams[name] : undefined),
  waiting: health.waiting,
  // The functions' limits (BODY_LIMIT_BYTES, default 100 kB; compose sets none): a body over it is
  // answered 413 here, not streamed to a function that answers 413 unread; of-watchdog (Go) reads at
  // most 256 kB of an unread body, then closes the connection while the gateway is still writing it:
  // a 502 instead of the 413, as with `npm start`'s gateway (gateway/gateway.ts).
  bodyLimit: functionBodyLimits(stack),
  // Traefik's security-headers middleware sets them on the Pi (compose/traefik/dynamic.yml).
  securityHeaders: false,
});
app.addHook('onResponse', async (req, reply) => {
  const name = (req.params as { name?: string }).name;
  if (name && Object.hasOwn(upstreams, name)) invocations.inc({ function_name: name, code: String(reply.statusCode) });
});
await app.listen({ port: env.PORT, host: '0.0.0.0' });
const metricsServer = createServer((_req, res) => {
  void metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
}).listen(env.METRICS_PORT, '0.0.0.0');
console.log(JSON.stringify({ msg: 'gateway ready', port: env.PORT, functions: names.length }));

const stop = async () => {
  health.stop();
  metricsServer.close();
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
