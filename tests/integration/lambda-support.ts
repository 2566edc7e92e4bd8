import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { JWK } from 'jose';

// The built Lambda handlers (build/lambda/<name>.js) as tests/integration/lambda.test.ts invokes them:
// API Gateway v2 events, a Lambda context, and the key set the handlers fetch as a real issuer's.

const root = join(import.meta.dirname, '..', '..');

export interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}
export type Invoke = (event: unknown, context: Context) => Promise<unknown>;
export type BuiltHandler = Invoke & { close: () => Promise<void> };

/** The handlers of `names`, imported from the build; built first when missing or older than the sources. */
export async function builtHandlers(names: readonly string[]): Promise<Record<string, BuiltHandler>> {
  // The build's own staleness check and builder (npm test has built everything before the suite runs).
  const esbuildConfig = pathToFileURL(join(root, 'esbuild.config.mjs')).href;
  const { isStale, lambdaOutputs, buildLambdas } = (await import(/* @vite-ignore */ esbuildConfig)) as {
    isStale: (outs: string[]) => boolean;
    lambdaOutputs: () => string[];
    buildLambdas: () => Promise<unknown>;
  };
  if (isStale(lambdaOutputs())) await buildLambdas();
  const handlers: Record<string, BuiltHandler> = {};
  for (const name of names) {
    const mod = nodeRequire(join(root, 'build', 'lambda', `${name}.js`)) as { handler: BuiltHandler };
    handlers[name] = mod.handler;
  }
  return handlers;
}

// Node's own loader, as the Lambda runtime loads a handler: vitest would put an import() written here, and
// each 1.3-5 MB bundle, through its transform (20 s for these seven). require() loads an ES module that has
// no top-level await (Node 22.12 and later), which a handler has not.
const nodeRequire = createRequire(import.meta.url);

let invocations = 0;
/** A Lambda context as the runtime gives one (middy reads getRemainingTimeInMillis for its early timeout). */
export function lambdaContext(fn: string): Context {
  invocations += 1;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${fn}`,
    memoryLimitInMB: '512',
    awsRequestId: `test-${invocations}`,
    logGroupName: `/aws/lambda/${fn}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** An API Gateway HTTP API (payload 2.0) event for `method path?query`, as its `$default` route sends it. */
export function httpEvent(
  method: 'GET' | 'POST',
  path: string,
  opts: { token?: string | undefined; body?: unknown; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const query = new URLSearchParams(rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  // API Gateway joins a repeated parameter's values with commas.
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(rawQueryString ? { queryStringParameters } : {}),
    headers: {
      host: 'api.example.test',
      'user-agent': 'lambda-test',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...opts.headers,
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'lambda-test' },
      requestId: `req-${now}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    isBase64Encoded: false,
  };
}

/** The issuer's key set on 127.0.0.1, where AUTH_JWKS_URL sends the handlers. */
export async function serveJwks(jwk: JWK): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the key set server has no port');
  return { url: `http://127.0.0.1:${address.port}/certs`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An answer with what differs between two runs of the same requests (ids, times) replaced by placeholders. */
export function idsAside(value: unknown): unknown {
  if (typeof value === 'string') return uuid.test(value) ? '<id>' : isoTime.test(value) ? '<time>' : value;
  if (Array.isArray(value)) return value.map(idsAside);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, idsAside(v)]));
  return value;
}
