import { agingBucket, agingBuckets, daysPastDue } from '../aging.js';
import { suppressSmallGroups } from '../payroll-groups.js';
import { rank, type OrderStatus } from '../../shared/domain/order-lifecycle.js';
import { firstHour } from '../queries.js';
import { unbooked } from './sales.js';

// The catalogue's definitions as small functions over plain facts (orders, invoices, products, people
// as the ERP holds them now): what each figure must be, computed without SQL. The OLAP correctness test
// (tests/integration/olap-correctness.test.ts) feeds them the facts from Postgres and expects the
// projector's answers to equal theirs. The buying figures' reference is tests/support/buying-reference.ts.

export interface OrderFact {
  status: OrderStatus;
  currency: string;
  /** Gross: net plus tax. */
  total: number;
  createdAt: string;
  lines: readonly { sku: string; name: string; quantity: number; net: number }[];
}
export interface InvoiceFact {
  issueDate: string;
  dueDate: string;
  currency: string;
  balance: number;
}
export interface EmployeeFact {
  department: string;
  status: string;
  salary: number;
  currency: string;
}
export interface Facts {
  orders: readonly OrderFact[];
  invoices: readonly InvoiceFact[];
  /** Each product's current name. */
  productNames: ReadonlyMap<string, string>;
  employees: readonly EmployeeFact[];
}

const booked = (o: OrderFact) => !(unbooked as readonly string[]).includes(o.status);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
const currencies = (xs: readonly { currency: string }[]) => [...new Set(xs.map((x) => x.currency))].sort(byText);

export function salesByHour(f: Facts, p: { hours: number }, now: Date) {
  const first = firstHour(p.hours, now).getTime();
  const hours = Array.from({ length: p.hours }, (_, i) => new Date(first + i * 3_600_000).toISOString());
  const hourOf = (o: OrderFact) => new Date(Math.floor(Date.parse(o.createdAt) / 3_600_000) * 3_600_000).toISOString();
  const inWindow = f.orders.filter((o) => hours.includes(hourOf(o)));
  return hours.flatMap((hour) =>
    currencies(inWindow).map((currency) => {
      const os = inWindow.filter((o) => hourOf(o) === hour && o.currency === currency);
      return {
        hour,
        currency,
        orders: os.length,
        booked: os.filter(booked).length,
        revenue: sum(os.filter(booked), (o) => o.total),
        rejected: os.filter((o) => o.status === 'rejected').length,
        cancelled: os.filter((o) => o.status === 'cancelled').length,
      };
    }),
  );
}

export function arAging(f: Facts, p: { asOf: string }) {
  const open = f.invoices.filter((i) => i.balance > 0 && i.issueDate <= p.asOf);
  return currencies(open).flatMap((currency) =>
    agingBuckets.map((bucket) => {
      const is = open.filter((i) => i.currency === currency && agingBucket(daysPastDue(i.dueDate, p.asOf)) === bucket);
      return { bucket, currency, invoices: is.length, balance: sum(is, (i) => i.balance) };
    }),
  );
}

export function orderFunnel(f: Facts) {
  const groups = new Map<string, { status: OrderStatus; currency: string; orders: number; value: number }>();
  for (const o of f.orders) {
    const g = groups.get(`${o.status} ${o.currency}`) ?? { status: o.status, currency: o.currency, orders: 0, value: 0 };
    groups.set(`${o.status} ${o.currency}`, { ...g, orders: g.orders + 1, value: g.value + o.total });
  }
  return [...groups.values()].sort((a, b) => rank[a.status] - rank[b.status] || byText(a.status, b.status) || byText(a.currency, b.currency));
}

export function topProducts(f: Facts, p: { limit: number }) {
  const groups = new Map<string, { sku: string; lineName: string; currency: string; quantity: number; revenue: number }>();
  for (const o of f.orders.filter(booked)) {
    for (const l of o.lines) {
      const key = `${l.sku} ${o.currency}`;
      const g = groups.get(key) ?? { sku: l.sku, lineName: l.name, currency: o.currency, quantity: 0, revenue: 0 };
      groups.set(key, { ...g, lineName: l.name > g.lineName ? l.name : g.lineName, quantity: g.quantity + l.quantity, revenue: g.revenue + l.net });
    }
  }
  return currencies([...groups.values()]).flatMap((currency) =>
    [...groups.values()]
      .filter((g) => g.currency === currency)
      .sort((a, b) => b.revenue - a.revenue || b.quantity - a.quantity || byText(a.sku, b.sku))
      .slice(0, p.limit)
      .map((g, i) => ({ sku: g.sku, name: f.productNames.get(g.sku) ?? g.lineName, currency, rank: i + 1, quantity: g.quantity, revenue: g.revenue })),
  );
}

export function headcountByDepartment(f: Facts) {
  const active = f.employees.filter((e) => e.status === 'active');
  return [...new Set(active.map((e) => e.department))]
    .sort(byText)
    .map((department) => ({ department, headcount: active.filter((e) => e.department === department).length }));
}

export function payrollByDepartment(f: Facts, minGroup: number) {
  const active = f.employees.filter((e) => e.status === 'active');
  const keys = [...new Set(active.map((e) => `${e.department}\u0000${e.currency}`))];
  return suppressSmallGroups(
    keys.map((k) => {
      const [department, currency] = k.split('\u0000') as [string, string];
      const es = active.filter((e) => e.department === department && e.currency === currency);
      return { department, currency, headcount: es.length, monthlySalary: sum(es, (e) => e.salary) };
    }),
    minGroup,
  );
}
