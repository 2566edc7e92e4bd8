import { join } from 'node:path';
import { readStack } from '../../shared/stack.js';
import { stackMemoryMiB } from '../../runtime/box/node-flags.js';
import type { CostInput, FunctionLoad } from './cloud-cost.js';
import { orderPath } from './cloud-cost-run.js';
import { root } from './options.js';

// The figures docs/scale-out.md's cost table is computed from: BENCHMARKS.md's latest results, each
// quoted with the row (or line) it stands on. A figure is the nth number of its quote, and
// cloud-cost-doc.test.ts checks that every quote is still on such a line of BENCHMARKS.md: change
// BENCHMARKS.md and the test says which figure to take again.

export interface Quote {
  /** Text of the BENCHMARKS.md line the figure stands on (a table row's label, or a phrase). */
  line: string;
  /** The figure(s) as that line prints them. */
  text: string;
}

export const quotes: Quote[] = [];

/** The nth number of `text`, which must stand on a BENCHMARKS.md line holding `line` too. */
function cite(line: string, text: string, nth = 0): number {
  quotes.push({ line, text });
  const n = text.match(/\d+(?:\.\d+)?/g)?.[nth];
  if (n === undefined) throw new Error(`cloud-cost-latest: no number #${nth} in "${text}"`);
  return Number(n);
}

const round2 = {
  cpuPerOrder: cite('box CPU ms per order @ 10/s / @ 25/s', '140 / 77.2'),
  render: cite('of which render-document @ 10/s / @ 25/s', '20.6 / 14.5'),
  projector: cite('of which project-to-olap @ 10/s / @ 25/s', '49.1 / 13.6'),
  gateway: cite('of which gateway + sync-order-status @ 10/s', '5.5 + (gone)'),
  commits: cite('Postgres commits per order @ 10/s / @ 25/s', '10.8 / 8.6'),
  renderMs: cite('render time per invoice PDF (the histogram)', '16.1 @ 10/s, 23.2 @ 25/s'),
  coldRender: cite('cold start, spawn -> first 200, ms (worst; typical)', '622 render-document; 296-439'),
  coldTypical: cite('cold start, spawn -> first 200, ms (worst; typical)', '622 render-document; 296-439', 2),
};

// Wall time of one invocation, p50: the hops of the last full run with a per-hop table (60/s, 2026-11-25).
const hops = {
  clientSend: cite('client send delay (due -> sent)', '1.1/78.0/123/202'),
  createStored: cite('create-order: due -> order_created stored', '15.0/97.8/145/211'),
  createAnswer: cite('create-order: event stored -> answer', '6.6/23.4/123/207'),
  reserve: cite('reserve-stock: tx start -> stock_reserved stored', '11.7/38.0/64.2/111'),
  invoice: cite('create-invoice: tx start -> invoice_created stored', '10.3/41.7/85.1/318'),
  payStored: cite('record-payment: sent -> payment_received stored', '14.5/43.0/68.5/93.2'),
  payAnswer: cite('record-payment: event stored -> answer', '7.3/28.8/125/213'),
};

// Each function's own CPU per order at the box's limit: the 60/s full run's split (2026-11-25; since
// then sync-order-status went into create-invoice and record-payment) and render-document at 60/s (2026-11-30).
const atLimit = {
  createOrder: cite('create-order 1.4, record-payment 1.3', 'create-order 1.4'),
  recordPayment: cite('create-order 1.4, record-payment 1.3', 'record-payment 1.3'),
  reserve: cite('reserve-stock 1.9, create-invoice 1.7', 'reserve-stock 1.9'),
  invoice: cite('reserve-stock 1.9, create-invoice 1.7', 'create-invoice 1.7'),
  render: cite('Postgres 6.4, projector 4.4', 'render-document 7.6'),
};

const wall: Record<(typeof orderPath)[number], number> = {
  'create-order': hops.createStored + hops.createAnswer - hops.clientSend,
  'record-payment': hops.payStored + hops.payAnswer,
  'reserve-stock': hops.reserve,
  'create-invoice': hops.invoice,
  'render-document': round2.renderMs,
};

/** The rest of the box's CPU per order at 10/s (Postgres, nats-server, connector, idle functions included), over the four order functions. */
const restPerFunction = (round2.cpuPerOrder - round2.render - round2.projector - round2.gateway) / 4;

function loads(cpu: Record<(typeof orderPath)[number], number>, memory?: number): FunctionLoad[] {
  const stack = new Map(readStack(join(root, 'stack.yml')).map((x) => [x.name, x]));
  return orderPath.map((name) => ({
    name,
    via: stack.get(name)!.topics.length ? 'reaction' : 'api',
    invocationsPerOrder: 1,
    cpuMsPerOrder: cpu[name],
    wallMsPerInvocation: wall[name],
    memoryMb: memory ?? stackMemoryMiB(name, stack.get(name)!.memory),
    coldStartMs: name === 'render-document' ? round2.coldRender : round2.coldTypical,
  }));
}

export interface Scenario {
  title: string;
  what: string;
  input: Omit<CostInput, 'ordersPerMonth'>;
}

const upperCpu = {
  'create-order': restPerFunction,
  'record-payment': restPerFunction,
  'reserve-stock': restPerFunction,
  'create-invoice': restPerFunction,
  'render-document': round2.render,
};
const lowerCpu = {
  'create-order': atLimit.createOrder,
  'record-payment': atLimit.recordPayment,
  'reserve-stock': atLimit.reserve,
  'create-invoice': atLimit.invoice,
  'render-document': atLimit.render,
};

export const scenarios: Scenario[] = [
  {
    title: 'upper bound: all of the box at 10/s',
    what:
      `today's CPU per order at 10/s (${round2.cpuPerOrder} ms, round two) less what does not run on Lambda (the projector ${round2.projector}, the gateway ${round2.gateway}), ` +
      `render-document's ${round2.render} ms as its own and the rest (${(restPerFunction * 4).toFixed(1)} ms: Postgres, nats-server, the connector and idle functions included) split over the four other functions; memory from stack.yml`,
    input: { functions: loads(upperCpu), commitsPerOrder: round2.commits, architecture: 'arm64', nats: 'synadia' },
  },
  {
    title: 'the same at 1,769 MB (one vCPU each)',
    what: 'as above, every function given one full vCPU: no CPU stretch, 14 times the memory',
    input: { functions: loads(upperCpu, 1769), commitsPerOrder: round2.commits, architecture: 'arm64', nats: 'synadia' },
  },
  {
    title: "lower bound: each function's own CPU at 60/s",
    what: "each function's own CPU per order at the box's limit (2026-11-25 and -30 runs; no idle, no Postgres); memory from stack.yml",
    input: { functions: loads(lowerCpu), commitsPerOrder: round2.commits, architecture: 'arm64', nats: 'synadia' },
  },
  {
    title: 'upper bound on x86, NATS self-run',
    what: 'the first case on x86 Lambda, with three EC2 instances running NATS instead of Synadia Cloud',
    input: { functions: loads(upperCpu), commitsPerOrder: round2.commits, architecture: 'x86', nats: 'self-run' },
  },
];

/** Monthly volumes of the table: a small firm (~450 orders a working day) to a large one. */
export const docVolumes = [10_000, 100_000, 1_000_000, 10_000_000];
