import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { rateLimits } from '../../../gateway/rate-limits.js';
import { waitFor } from '../../support/wait.js';
import { request } from '../../faults/driver.js';
import { containerId, docker, signIn } from '../stack.js';
import { box, ct, measures, ip } from './context.js';

// Rate limits at the front door: a flood from one client gets 429s, and another client is not slowed.
export function floodChecks(): void {
  it('answers a flood from one client with 429 and Retry-After, and nothing else slows', async () => {
    const admin = await signIn('admin');
    const bi = '/function/project-to-olap/query/order_funnel';
    // The other client is this process: through docker-proxy it arrives from the bridge gateway's address.
    // The flood comes from a container of its own on the stack's network, so from another address.
    const client = async () => {
      const out: { status: number; ms: number }[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        const a = await request(box, admin, i % 3 === 0 ? bi : '/function/query/orders');
        out.push({ status: a.status, ms: performance.now() - t });
      }
      return out;
    };
    const median = (xs: { ms: number }[]) => [...xs].map((x) => x.ms).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const before = await client();
    const traefik = JSON.parse(docker(['inspect', containerId(ct.stack, 'traefik')]))[0];
    const network = Object.keys(traefik.NetworkSettings.Networks)[0]!;
    const image = JSON.parse(docker(['inspect', containerId(ct.stack, 'connector')]))[0].Config.Image as string;
    const floodMs = 8000;
    // 8 workers, each at most 25 requests a second: 200/s of BI queries, 40 times the bi limit.
    const script = `const url = 'https://erpbi.lan${bi}'; const headers = { authorization: 'Bearer ' + process.env.TOKEN };
      const end = Date.now() + ${floodMs}; const counts = {}; const retryAfter = new Set(); console.log('flooding');
      const worker = async () => { while (Date.now() < end) { const t = Date.now();
        try { const r = await fetch(url, { headers }); await r.arrayBuffer(); counts[r.status] = (counts[r.status] ?? 0) + 1; if (r.status === 429) retryAfter.add(r.headers.get('retry-after')); }
        catch (e) { counts.error = (counts.error ?? 0) + 1; }
        const pause = t + 40 - Date.now(); if (pause > 0) await new Promise((r) => setTimeout(r, pause)); } };
      await Promise.all(Array.from({ length: 8 }, worker)); console.log(JSON.stringify({ counts, retryAfter: [...retryAfter] }));`;
    const id = docker([
      'run',
      '-d',
      '--network',
      network,
      '--add-host',
      `erpbi.lan:${ip('traefik')}`,
      '-v',
      `${ct.stack.dir}/tls:/tls:ro`,
      '-e',
      'NODE_EXTRA_CA_CERTS=/tls/erpbi.crt',
      '-e',
      `TOKEN=${admin}`,
      '--entrypoint',
      'node',
      image,
      '--input-type=module',
      '-e',
      script,
    ]);
    try {
      await waitFor(async () => docker(['logs', id]).includes('flooding'), { timeoutMs: 30_000, intervalMs: 100, what: 'the flood to start' });
      const during = await client();
      expect(docker(['inspect', '-f', '{{.State.Running}}', id]), "the flood lasted the whole of the other client's requests").toBe('true');
      expect(docker(['wait', id])).toBe('0');
      const flood = JSON.parse(docker(['logs', id]).split('\n').at(-1)!) as { counts: Record<string, number>; retryAfter: string[] };
      measures.flood = {
        flood: flood.counts,
        retryAfter: flood.retryAfter,
        otherClientMedianMs: { before: Math.round(median(before)), during: Math.round(median(during)) },
      };
      expect(Object.keys(flood.counts).sort(), JSON.stringify(flood.counts)).toEqual(['200', '429']);
      // Let through: at most the bucket and its refill over the flood (one request of slack each side).
      expect(flood.counts['200']!).toBeLessThanOrEqual(rateLimits.bi.burst + (rateLimits.bi.average * floodMs) / 1000 + 1);
      expect(flood.retryAfter.length).toBeGreaterThan(0);
      for (const r of flood.retryAfter) expect(Number(r), `Retry-After ${r}`).toBeGreaterThanOrEqual(1);
      // The other client: every answer a 200, none slower than the machine's noise allows.
      expect(during.map((a) => a.status)).toEqual(before.map(() => 200));
      expect(median(during), JSON.stringify(measures.flood)).toBeLessThanOrEqual(3 * median(before) + 50);
    } finally {
      spawnSync('docker', ['rm', '-f', id]);
    }
  });
}
