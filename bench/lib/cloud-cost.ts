import { prices, type Architecture } from './cloud-cost-prices.js';

// What a million orders would cost on a managed deployment (AWS Lambda behind API Gateway's HTTP API,
// NATS on Synadia Cloud or self-run, RDS Postgres), computed from what the bench measured on its box.
// Pure: the bench (cloud-cost-run.ts) and docs/scale-out.md's table (cloud-cost-doc.ts) both call it.
//
// Lambda bills wall-clock duration x configured memory, not CPU time, and gives a function CPU in
// proportion to its memory (one vCPU at 1,769 MB). The box measured each function's CPU per order and
// the wall time of an invocation at full speed on its own core. So the billed duration of an invocation
// is modelled as its wall time on the box with the CPU part stretched by the vCPU share:
//   billed ms = max(wall, cpu) + cpu x (1769 / memory - 1)    (memory below 1,769 MB; above it, max(wall, cpu))
// plus, for the share of invocations that start cold, the cold start measured on the box (Lambda bills
// the init phase too). What stays out: network and data transfer, CloudWatch logs, NAT, the free tiers.

export const modelText =
  'billed ms per invocation = max(wall, CPU) + CPU x (1769 MB / memory - 1) below 1,769 MB (one vCPU), ' +
  'wall and CPU as measured per invocation on the bench box; plus cold start x the cold share; rounded up to the ms';

export interface FunctionLoad {
  name: string;
  /** How an invocation arrives: a call through API Gateway, or an event reaction the connector invokes directly. */
  via: 'api' | 'reaction';
  invocationsPerOrder: number;
  /** CPU of all this function's invocations for one order, ms, on the bench box. */
  cpuMsPerOrder: number;
  /** Wall time of one invocation on the bench box (p50), ms; absent where the bench has no figure for it. */
  wallMsPerInvocation?: number | undefined;
  /** Configured memory, MB (stack.yml limits.memory). */
  memoryMb: number;
  /** Spawn -> first 200 on the box, ms; billed on each cold invocation. */
  coldStartMs?: number | undefined;
}

export interface CostInput {
  functions: FunctionLoad[];
  /** Postgres commits per order: the RDS sizing's check. */
  commitsPerOrder: number;
  ordersPerMonth: number;
  architecture: Architecture;
  nats: 'synadia' | 'self-run';
  /** The share of invocations that start cold (an assumption; default 1 %). */
  coldShare?: number;
}

/** The fixed part's sizing: what each monthly item is and what it is assumed to carry. */
export const sizing = {
  rdsStorageGb: 20,
  /** Commits/s a db.t4g.small is assumed to sustain (its baseline CPU is 20 % of each vCPU); an assumption, not measured. */
  rdsCommitsPerSecond: 300,
  hostStorageGb: 20,
  natsNodes: 3,
  natsStorageGb: 20,
  /** Peak hour / average hour of a month's orders (office hours, month ends). */
  peakFactor: 10,
} as const;

export interface FunctionCost {
  name: string;
  via: FunctionLoad['via'];
  invocationsPerMillionOrders: number;
  billedMsPerInvocation: number;
  memoryMb: number;
  gbSecondsPerMillionOrders: number;
  /** Duration and requests of this function per million orders, integer US cents. */
  cents: number;
}

export interface LineItem {
  item: string;
  basis: string;
  /** Per million orders, integer US cents. */
  cents: number;
}

export interface FixedItem {
  item: string;
  sizing: string;
  centsPerMonth: number;
}

export interface CloudCost {
  pricesAsOf: string;
  region: string;
  architecture: Architecture;
  ordersPerMonth: number;
  model: string;
  functions: FunctionCost[];
  /** Per million orders, whatever the volume. */
  variable: LineItem[];
  variableCents: number;
  fixed: FixedItem[];
  fixedCentsPerMonth: number;
  /** The fixed part spread over `ordersPerMonth`, per million orders. */
  fixedCentsPerMillion: number;
  totalCentsPerMillion: number;
  /** Orders/s the fixed sizing carries at most, and what the month's peak hour asks of it. */
  capacity: { rdsOrdersPerSecond: number; peakOrdersPerSecond: number; fits: boolean };
}

const cents = (usd: number) => Math.round(usd * 100);
const million = 1_000_000;

export function billedMs(f: FunctionLoad): number {
  const cpu = f.cpuMsPerOrder / f.invocationsPerOrder;
  const stretch = Math.max(0, prices.lambda.mbPerVcpu / f.memoryMb - 1);
  const ms = Math.max(f.wallMsPerInvocation ?? 0, cpu) + cpu * stretch;
  return Math.ceil(ms / prices.lambda.roundMs) * prices.lambda.roundMs;
}

function functionCost(f: FunctionLoad, arch: Architecture, coldShare: number): FunctionCost {
  if (!(f.invocationsPerOrder > 0) || !(f.memoryMb > 0) || !(f.cpuMsPerOrder >= 0)) {
    throw new Error(`cloud cost of ${f.name}: invocations per order, memory and CPU must be positive numbers`);
  }
  const invocations = f.invocationsPerOrder * million;
  const perCall = billedMs(f) + coldShare * (f.coldStartMs ?? 0);
  const gbSeconds = invocations * (perCall / 1000) * (f.memoryMb / 1024);
  const usd = gbSeconds * prices.lambda.gbSecond[arch] + (invocations / million) * prices.lambda.perMillionRequests;
  return {
    name: f.name,
    via: f.via,
    invocationsPerMillionOrders: invocations,
    billedMsPerInvocation: billedMs(f),
    memoryMb: f.memoryMb,
    gbSecondsPerMillionOrders: gbSeconds,
    cents: cents(usd),
  };
}

function fixedItems(nats: CostInput['nats']): FixedItem[] {
  const h = prices.hoursPerMonth;
  const { rds, ec2, synadia } = prices;
  const node = ec2.perHour * h + sizing.natsStorageGb * ec2.gp3PerGbMonth;
  return [
    {
      item: `RDS for PostgreSQL ${rds.instance}, Single-AZ`,
      sizing: `${sizing.rdsStorageGb} GB gp3; assumed to sustain ${sizing.rdsCommitsPerSecond} commits/s`,
      centsPerMonth: cents(rds.perHour * h + sizing.rdsStorageGb * rds.gp3PerGbMonth),
    },
    nats === 'synadia'
      ? { item: 'Synadia Cloud (NATS JetStream)', sizing: synadia.plan, centsPerMonth: cents(synadia.perMonth) }
      : {
          item: `self-run NATS: ${sizing.natsNodes} x EC2 ${ec2.instance}`,
          sizing: `JetStream R3, ${sizing.natsStorageGb} GB gp3 each`,
          centsPerMonth: cents(sizing.natsNodes * node),
        },
    {
      item: `connector + projector: EC2 ${ec2.instance}`,
      sizing: `the connector (192 MB) and the DuckDB projector (512 MB) need a long-lived process and a disk; ${sizing.hostStorageGb} GB gp3`,
      centsPerMonth: cents(ec2.perHour * h + sizing.hostStorageGb * ec2.gp3PerGbMonth),
    },
  ];
}

/** The cost per million orders, each line item apart. Throws on an input that is not a usable figure. */
export function cloudCost(input: CostInput): CloudCost {
  const coldShare = input.coldShare ?? 0.01;
  if (!(input.ordersPerMonth > 0)) throw new Error('cloud cost: ordersPerMonth must be a positive number');
  if (!(input.commitsPerOrder > 0)) throw new Error('cloud cost: commitsPerOrder must be a positive number');
  if (!(coldShare >= 0 && coldShare <= 1)) throw new Error('cloud cost: coldShare is a share, 0..1');
  const functions = input.functions.map((f) => functionCost(f, input.architecture, coldShare));
  const apiCalls = input.functions.filter((f) => f.via === 'api').reduce((n, f) => n + f.invocationsPerOrder, 0);
  const lambda = functions.reduce((a, f) => a + f.cents, 0);
  const variable: LineItem[] = [
    { item: `Lambda (${input.architecture}): duration + requests`, basis: `${functions.length} functions, ${modelText}`, cents: lambda },
    {
      item: 'API Gateway HTTP API',
      basis: `${apiCalls} requests per order (${input.functions
        .filter((f) => f.via === 'api')
        .map((f) => f.name)
        .join(', ')}); reactions are invoked by the connector, not through it`,
      cents: cents(apiCalls * prices.apiGateway.httpApiPerMillion),
    },
  ];
  const fixed = fixedItems(input.nats);
  const variableCents = variable.reduce((a, l) => a + l.cents, 0);
  const fixedCentsPerMonth = fixed.reduce((a, l) => a + l.centsPerMonth, 0);
  const fixedCentsPerMillion = Math.round(fixedCentsPerMonth * (million / input.ordersPerMonth));
  const peakOrdersPerSecond = (input.ordersPerMonth / (prices.hoursPerMonth * 3600)) * sizing.peakFactor;
  const rdsOrdersPerSecond = sizing.rdsCommitsPerSecond / input.commitsPerOrder;
  return {
    pricesAsOf: prices.asOf,
    region: prices.region,
    architecture: input.architecture,
    ordersPerMonth: input.ordersPerMonth,
    model: modelText,
    functions,
    variable,
    variableCents,
    fixed,
    fixedCentsPerMonth,
    fixedCentsPerMillion,
    totalCentsPerMillion: variableCents + fixedCentsPerMillion,
    capacity: { rdsOrdersPerSecond, peakOrdersPerSecond, fits: peakOrdersPerSecond <= rdsOrdersPerSecond },
  };
}

/** Integer cents as dollars, for tables. */
export const dollars = (c: number) => `$${(c / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
