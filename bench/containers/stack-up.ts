import './project.js';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../shared/auth/roles.js';
import type { NatsCredentials } from '../../shared/events/bus.js';
import { waitFor } from '../../tests/support/wait.js';
import { startTimes } from '../../tests/containers/images.js';
import { healthy, ownServices } from '../../tests/containers/stack-checks/context.js';
import { benchProject } from './project.js';
import { compose, containerId, prepare, root, signIn, state, type Stack } from '../../tests/containers/stack.js';

// The container stack as the container test brings it up (tests/containers/stack.ts: the runbook's
// three compose files + the stand-ins, compose/bases/build.sh's local bases), for the host's arch
// only, under a project of the bench's own. The bench talks to it as the connector does: plain HTTP
// to the front door's internal entrypoint (:8000, the reverse proxy without TLS or per-client rate
// limits, compose/traefik/dynamic.yml), and to NATS and Postgres on their bridge addresses.

export interface BenchStack {
  stack: Stack;
  /** The front door's internal entrypoint, http://<traefik's bridge address>:8000. */
  url: string;
  natsUrl: string;
  natsCredentials: NatsCredentials;
  /** The stack's Postgres as its superuser (pg_stat_database for the commit counts). */
  pgUrl: string;
  tokens: Record<Role, string>;
  /** Seconds from `compose up` to each erpbi container's first healthy answer. */
  startSeconds: Record<string, number>;
  buildSeconds: { bases: number; images: number };
  down: () => void;
}

const hostArch = () => (process.arch === 'arm64' ? 'arm64' : 'amd64');

function timedRun(file: string, env: NodeJS.ProcessEnv): number {
  const t = Date.now();
  // its progress on stderr: stdout is the CLI's result
  execFileSync(join(root, file), { stdio: ['ignore', 2, 2], env });
  return (Date.now() - t) / 1000;
}

export async function bringUp(say: (s: string) => void, keep: boolean): Promise<BenchStack> {
  const stack = prepare();
  const env = { ...stack.env, ERPBI_ARCHES: hostArch() };
  let up = false;
  const down = () => {
    if (up && !keep) compose(stack, ['down', '-v', '--remove-orphans']);
    rmSync(stack.dir, { recursive: true, force: true });
  };
  try {
    say(`containers: bases (compose/bases/build.sh, ${hostArch()})...`);
    const bases = timedRun('compose/bases/build.sh', env);
    if (!existsSync(join(root, 'build/functions/query/index.js'))) execFileSync('node', ['esbuild.config.mjs'], { cwd: root, stdio: ['ignore', 2, 2] });
    say('containers: images (compose/build-images.sh)...');
    const images = timedRun('compose/build-images.sh', { ...env, ERPBI_LOCAL_BASES: '1', ERPBI_TO_DOCKER: '1' });
    compose(stack, ['down', '-v', '--remove-orphans']); // what an earlier run of this project left
    say(`containers: compose up (project ${benchProject})...`);
    up = true;
    compose(stack, ['up', '-d']);
    const startSeconds = await startTimes(ownServices, 300_000);
    await healthy();
    const tokens = {} as Record<Role, string>;
    tokens.clerk = await waitFor(() => signIn('clerk').catch(() => undefined), { timeoutMs: 60_000, intervalMs: 500, what: 'a sign-in at auth.erpbi.lan' });
    tokens.admin = await signIn('admin');
    tokens.accountant = await signIn('accountant');
    const ip = (service: string) => state(containerId(stack, service)).ip;
    return {
      stack,
      url: `http://${ip('traefik')}:8000`,
      natsUrl: `nats://${ip('erpbi-nats')}:4222`,
      natsCredentials: { user: 'operator', password: stack.secret('nats-operator') },
      pgUrl: `postgres://erpbi:${encodeURIComponent(stack.secret('postgres-password'))}@${ip('postgres')}:5432/erpbi`,
      tokens,
      startSeconds,
      buildSeconds: { bases, images },
      down,
    };
  } catch (err) {
    down();
    throw err;
  }
}
