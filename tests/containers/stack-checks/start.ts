import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { results } from '../../support/browser.js';
import { waitFor } from '../../support/wait.js';
import { request } from '../../faults/driver.js';
import { compose, prepare, root, signIn } from '../stack.js';
import { imageMeasures, startRegistry, startTimes } from '../images.js';
import { box, ct, measures, images, ownServices, healthy, idleMb, openData, closeData, timed } from './context.js';

// The amd64 stack up for the checks: the bases, both arches' images pushed to the local registry, the
// runbook's compose files up, the first 200 through the front door; and all of it down at the end.

export async function startStack(): Promise<void> {
  ct.stack = prepare();
  timed('bases (compose/bases/build.sh)', () => execFileSync(join(root, 'compose/bases/build.sh'), { stdio: 'inherit', env: ct.stack.env }));
  if (!existsSync(join(root, 'build/functions/query/index.js'))) execFileSync('node', ['esbuild.config.mjs'], { cwd: root, stdio: 'inherit' });
  ct.registry = await startRegistry(ct.stack);
  // both arches, one multi-arch tag each pushed to the registry, and into Docker's store (amd64 under
  // the compose files' names, arm64 under erpbi-arm64/): cached layers make a second run quick
  const push = { ERPBI_LOCAL_BASES: '1', ERPBI_PUSH: `${ct.registry.host}/erpbi`, ERPBI_PUSH_TLS_VERIFY: 'false', ERPBI_TO_DOCKER: '1' };
  timed('images, amd64 + arm64, pushed (compose/build-images.sh)', () =>
    execFileSync(join(root, 'compose/build-images.sh'), { stdio: 'inherit', env: { ...ct.stack.env, ...push } }),
  );
  const sizes = await imageMeasures(ct.registry.host, images);
  measures.images = sizes.perImage;
  measures.imagesUniquePullMb = sizes.uniquePullMb;
  compose(ct.stack, ['down', '-v', '--remove-orphans']); // what an earlier run of this test left
  const started = Date.now();
  compose(ct.stack, ['up', '-d']);
  const starts = startTimes(ownServices, 180_000);
  await healthy();
  measures.startSeconds = { amd64: await starts };
  // First 200 of a function through the front door, the token from the issuer behind it.
  const token = await waitFor(() => signIn('clerk').catch(() => undefined), { timeoutMs: 60_000, intervalMs: 500, what: 'a sign-in at auth.erpbi.lan' });
  await waitFor(async () => (await request(box, token, '/function/query/orders')).status === 200, {
    timeoutMs: 60_000,
    intervalMs: 500,
    what: 'GET /function/query/orders to answer 200',
  });
  measures['stack start to first 200'] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  measures.idleMb = { amd64: await idleMb() };
  await openData();
}

export async function stopStack(): Promise<void> {
  await closeData();
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'containers.json'), `${JSON.stringify(measures, null, 2)}\n`);
  console.log(`CONTAINERS ${JSON.stringify(measures)}`);
  await ct.registry?.stop();
  if (ct.stack && !process.env.ERPBI_CT_KEEP) {
    compose(ct.stack, ['down', '-v', '--remove-orphans']);
    rmSync(ct.stack.dir, { recursive: true, force: true });
  }
}
