import { dollars, type CloudCost } from './cloud-cost.js';
import { grid } from './table.js';

// The cloud cost as tables: per volume the total per million orders with its parts, then per function
// what Lambda would bill. The bench prints them; docs/scale-out.md holds them between markers.

const volume = (n: number) => n.toLocaleString('en');

/** One row per monthly volume: what a million orders cost when the month holds that many. */
export function renderCostByVolume(costs: CloudCost[]): string {
  const first = costs[0];
  if (!first) return '';
  const rows = costs.map((c) => [
    volume(c.ordersPerMonth),
    ...c.variable.map((l) => dollars(l.cents)),
    dollars(c.fixedCentsPerMonth),
    dollars(c.fixedCentsPerMillion),
    `**${dollars(c.totalCentsPerMillion)}**`,
    `${c.capacity.peakOrdersPerSecond.toFixed(2)} / ${c.capacity.rdsOrdersPerSecond.toFixed(0)}${c.capacity.fits ? '' : ' (too small)'}`,
  ]);
  const head = [
    'orders a month',
    ...first.variable.map((l) => `${l.item} per 1M orders`),
    'fixed a month',
    'fixed per 1M orders',
    'total per 1M orders',
    'peak orders/s / RDS carries',
  ];
  return grid(head, rows);
}

/** What each function would be billed per invocation and per million orders. */
export function renderCostByFunction(c: CloudCost): string {
  return grid(
    ['function', 'via', 'invocations per 1M orders', 'memory MB', 'billed ms each', 'GB-s per 1M orders', 'Lambda per 1M orders'],
    c.functions.map((f) => [
      f.name,
      f.via === 'api' ? 'API Gateway' : 'event (connector)',
      volume(Math.round(f.invocationsPerMillionOrders)),
      String(f.memoryMb),
      String(f.billedMsPerInvocation),
      volume(Math.round(f.gbSecondsPerMillionOrders)),
      dollars(f.cents),
    ]),
  );
}

/** The fixed month, item by item, with its sizing. */
export function renderFixed(c: CloudCost): string {
  return grid(
    ['monthly item', 'sizing', 'a month'],
    c.fixed.map((f) => [f.item, f.sizing, dollars(f.centsPerMonth)]),
  );
}

/** Several cases side by side at one volume: what each part costs per million orders. */
export function renderCases(cases: { title: string; cost: CloudCost }[]): string {
  return grid(
    ['case', 'Lambda', 'API Gateway', 'fixed', 'total per 1M orders'],
    cases.map(({ title, cost }) => [
      title,
      ...cost.variable.map((l) => dollars(l.cents)),
      dollars(cost.fixedCentsPerMillion),
      `**${dollars(cost.totalCentsPerMillion)}**`,
    ]),
  );
}
