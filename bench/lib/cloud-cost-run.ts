import { join } from 'node:path';
import { readStack } from '../../shared/stack.js';
import { stackMemoryMiB } from '../../runtime/box/node-flags.js';
import { cloudCost, type CloudCost, type FunctionLoad } from './cloud-cost.js';
import type { Architecture } from './cloud-cost-prices.js';
import { renderCostByFunction, renderCostByVolume, renderFixed } from './cloud-cost-table.js';
import type { StepReport } from './measured-step.js';
import { root } from './options.js';
import { referenceStep, type RunFacts } from './report.js';
import { summarize, type Summary } from './stats.js';

// The cloud cost of this run's orders (`cloudCost` in the results JSON): the per-order CPU of each
// function of an order's path and the wall time of one invocation, measured at the rate that held (else
// the last that passed), put through cloud-cost.ts at three monthly volumes.

/** The functions one order runs, in the bench's flow: two calls of the API, three reactions. */
export const orderPath = ['create-order', 'record-payment', 'reserve-stock', 'create-invoice', 'render-document'] as const;
export const volumes = [100_000, 1_000_000, 10_000_000];

export interface RunCloudCost {
  rate: number;
  architecture: Architecture;
  nats: 'synadia';
  functions: FunctionLoad[];
  commitsPerOrder: number;
  byVolume: CloudCost[];
}

const p50 = (s: Summary | undefined) => (s && s.n ? s.p50 : undefined);
const sum = (...xs: (number | undefined)[]) => (xs.every((x) => x !== undefined) ? xs.reduce((a, x) => a! + x!, 0) : undefined);

/** Wall time of one invocation on the box (p50), from the step's hops; undefined where it has none. */
function wallOf(name: (typeof orderPath)[number], s: StepReport): number | undefined {
  const hop = (h: string) => p50(s.hops[h]);
  switch (name) {
    case 'create-order': // the answer, less the client's own send delay
      return sum(p50(s.createMs), -(hop('client send delay (due -> sent)') ?? 0));
    case 'record-payment':
      return p50(s.payAnswerMs);
    case 'reserve-stock':
      return hop('reserve-stock: tx start -> stock_reserved stored');
    case 'create-invoice':
      return sum(hop('create-invoice: tx start -> invoice_created stored'), hop('create-invoice: invoice_created -> status invoiced stored (one transaction)'));
    case 'render-document':
      return s.documents.msPerDocument;
  }
}

export function functionLoads(f: RunFacts, s: StepReport): FunctionLoad[] {
  const stack = new Map(readStack(join(root, 'stack.yml')).map((x) => [x.name, x]));
  return orderPath.map((name) => {
    const entry = stack.get(name);
    if (!entry?.memory) throw new Error(`cloud cost: stack.yml has no function ${name} with limits.memory`);
    const invocations = name === 'render-document' ? s.documents.rendered / Math.max(1, s.orders) : 1;
    const cold = f.cold.find((c) => c.name === name);
    return {
      name,
      via: entry.topics.length ? 'reaction' : 'api',
      invocationsPerOrder: invocations > 0 ? invocations : 1,
      cpuMsPerOrder: ((s.cpuSeconds[name] ?? 0) * 1000) / Math.max(1, s.orders),
      wallMsPerInvocation: wallOf(name, s),
      memoryMb: stackMemoryMiB(name, entry.memory),
      coldStartMs: cold ? summarize(cold.coldMs).p50 : undefined,
    };
  });
}

/** Undefined when no flow step ran (--olap-only). */
export function cloudCostOfRun(f: RunFacts, architecture: Architecture = 'arm64'): RunCloudCost | undefined {
  const s = referenceStep(f);
  if (!s) return undefined;
  const functions = functionLoads(f, s);
  const byVolume = volumes.map((ordersPerMonth) => cloudCost({ functions, commitsPerOrder: s.commitsPerOrder, ordersPerMonth, architecture, nats: 'synadia' }));
  return { rate: s.rate, architecture, nats: 'synadia', functions, commitsPerOrder: s.commitsPerOrder, byVolume };
}

export function renderRunCloudCost(c: RunCloudCost): string {
  const one = c.byVolume.find((x) => x.ordersPerMonth === 1_000_000) ?? c.byVolume[0]!;
  return [
    `from the ${c.rate}/s step; Lambda ${c.architecture}, Synadia Cloud, RDS; prices of ${one.pricesAsOf} (bench/lib/cloud-cost-prices.ts)`,
    renderCostByVolume(c.byVolume),
    '',
    renderCostByFunction(one),
    '',
    renderFixed(one),
  ].join('\n');
}
