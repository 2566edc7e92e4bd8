import { formatMoney, minorDigits } from '../../../shared/domain/money.js';
import { orderStatuses, unbookedStatuses } from '../../../shared/domain/order-lifecycle.js';
import { agingBuckets } from '../../../olap/aging.js';
import type { QueryName, QueryRow } from '../../../olap/catalogue.js';
import type { BiAnswer } from '../api.js';

// The BI panels: which named query each draws and the chart options for its rows. Money is drawn
// in currency units (axis labels), and every label says its currency.

/** A panel over the named query N: its option reads that query's rows, as its catalogue entry types them. */
export interface PanelOf<N extends QueryName> {
  id: string;
  title: string;
  /** A query of the metric catalogue (olap/catalogue.ts), whose definitions the panel shows. */
  query: { name: N; params?: Record<string, string | number> };
  wide?: boolean;
  option: (rows: QueryRow<N>[]) => Record<string, unknown>;
}
/** A panel over any one named query. */
export type Panel = { [N in QueryName]: PanelOf<N> }[QueryName];
/** Ties a panel's option to its query's rows (the name alone picks N). */
const panel = <N extends QueryName>(p: PanelOf<N>): Panel => p as Panel;

/** The panel's chart of its own query's answer (bi(p.query.name)); the name is checked, so the rows are
 *  the ones its option reads. */
export function chart(p: Panel, answer: BiAnswer): Record<string, unknown> {
  if (answer.name !== p.query.name) throw new Error(`panel ${p.id} draws ${p.query.name}, not ${answer.name}`);
  return (p.option as (rows: BiAnswer['rows']) => Record<string, unknown>)(answer.rows);
}

const statusOrder = orderStatuses;
const bucketOrder = agingBuckets;
export const palette = ['#3b82f6', '#22c55e', '#f59e0b', '#a855f7', '#ef4444', '#14b8a6', '#eab308', '#64748b'];
const major = (minor: number, currency: string) => minor / 10 ** minorDigits(currency);
const grid = { lineStyle: { color: '#22304a' } };
const base = {
  backgroundColor: 'transparent',
  color: palette,
  textStyle: { fontFamily: 'inherit' },
  grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
  tooltip: { trigger: 'axis' },
  legend: { top: 0, type: 'scroll' },
};
const shadow = { trigger: 'axis', axisPointer: { type: 'shadow' } };

/** "€1.00 + $2.00": a sum per currency, never added across currencies. */
export function moneyByCurrency<F extends string>(rows: readonly ({ currency: string } & Record<F, number>)[], field: F): string {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.currency, (sums.get(r.currency) ?? 0) + r[field]);
  return sums.size ? [...sums].map(([c, v]) => formatMoney(v, c)).join(' + ') : formatMoney(0, 'EUR');
}

export const panels: Panel[] = [
  panel({
    id: 'panel-sales',
    title: 'Revenue and orders by hour',
    wide: true,
    query: { name: 'sales_by_hour', params: { hours: 24 } },
    option(rows) {
      const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const hours = Array.from({ length: 24 }, (_, i) => new Date(now - (23 - i) * 3_600_000).toISOString().slice(0, 13));
      const currencies = [...new Set(rows.map((r) => r.currency))];
      const at = (h: string, c: string | null, f: 'revenue' | 'orders') =>
        rows.filter((r) => r.hour.slice(0, 13) === h && (!c || r.currency === c)).reduce((n, r) => n + r[f], 0);
      // Buckets are UTC hours; labelled in the viewer's time zone.
      const label = (h: string) => new Date(`${h}:00:00Z`).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      return {
        ...base,
        xAxis: { type: 'category', data: hours.map(label) },
        yAxis: [
          { type: 'value', name: 'revenue', splitLine: grid },
          { type: 'value', name: 'orders', minInterval: 1, splitLine: { show: false } },
        ],
        series: [
          ...currencies.map((c) => ({ name: `revenue ${c}`, type: 'bar', data: hours.map((h) => major(at(h, c, 'revenue'), c)) })),
          { name: 'orders', type: 'line', yAxisIndex: 1, data: hours.map((h) => at(h, null, 'orders')) },
        ],
      };
    },
  }),
  panel({
    id: 'panel-aging',
    title: 'Receivables aging',
    query: { name: 'ar_aging' },
    option(rows) {
      const currencies = [...new Set(rows.map((r) => r.currency))];
      const colors = ['#22c55e', '#eab308', '#f59e0b', '#f97316', '#ef4444'];
      return {
        ...base,
        xAxis: { type: 'category', axisLabel: { interval: 0, hideOverlap: false }, data: bucketOrder.map((b) => (b === 'current' ? 'not due' : `${b} d`)) },
        yAxis: { type: 'value', splitLine: grid },
        series: currencies.map((c) => ({
          name: c,
          type: 'bar',
          data: bucketOrder.map((b, i) => ({
            value: major(rows.find((r) => r.bucket === b && r.currency === c)?.balance ?? 0, c),
            itemStyle: { color: colors[i] },
          })),
        })),
      };
    },
  }),
  panel({
    id: 'panel-funnel',
    title: 'Order funnel',
    query: { name: 'order_funnel' },
    option(rows) {
      // Rows are per status and currency (olap/catalogue/sales.ts): a count adds them, a status with none is 0.
      const count = (s: string) => rows.filter((r) => r.status === s).reduce((n, r) => n + r.orders, 0);
      return {
        ...base,
        tooltip: shadow,
        xAxis: { type: 'value', minInterval: 1, splitLine: grid },
        yAxis: { type: 'category', inverse: true, data: statusOrder.map((s) => s.replace('_', ' ')) },
        series: [
          {
            name: 'orders',
            type: 'bar',
            label: { show: true, position: 'right' },
            data: statusOrder.map((s, i) => ({
              value: count(s),
              itemStyle: { color: (unbookedStatuses as readonly string[]).includes(s) ? '#64748b' : palette[i % 6] },
            })),
          },
        ],
      };
    },
  }),
  panel({
    id: 'panel-stock',
    title: 'Stock levels',
    query: { name: 'stock_levels' },
    option(rows) {
      const shown = [...rows].sort((a, b) => b.onHand - a.onHand).slice(0, 12);
      return {
        ...base,
        tooltip: shadow,
        xAxis: { type: 'value', minInterval: 1, splitLine: grid },
        yAxis: { type: 'category', inverse: true, data: shown.map((r) => r.name), axisLabel: { width: 110, overflow: 'truncate' } },
        series: [
          { name: 'available', type: 'bar', stack: 'on hand', data: shown.map((r) => r.available), itemStyle: { color: '#22c55e' } },
          { name: 'reserved', type: 'bar', stack: 'on hand', data: shown.map((r) => r.reserved), itemStyle: { color: '#f59e0b' } },
        ],
      };
    },
  }),
  panel({
    id: 'panel-top',
    title: 'Top products',
    query: { name: 'top_products', params: { limit: 8 } },
    option(rows) {
      return {
        ...base,
        legend: { show: false },
        tooltip: shadow,
        xAxis: { type: 'value', splitLine: grid },
        // Ranked within each currency; the currency in the label when there are several.
        yAxis: {
          type: 'category',
          inverse: true,
          data: rows.map((r) => (new Set(rows.map((x) => x.currency)).size > 1 ? `${r.name} (${r.currency})` : r.name)),
          axisLabel: { width: 110, overflow: 'truncate' },
        },
        series: [
          {
            name: 'net revenue',
            type: 'bar',
            label: {
              show: true,
              position: 'right',
              formatter: (p: { dataIndex: number }) => formatMoney(rows[p.dataIndex]!.revenue, rows[p.dataIndex]!.currency),
            },
            data: rows.map((r) => major(r.revenue, r.currency)),
          },
        ],
      };
    },
  }),
  panel({
    id: 'panel-margin',
    title: 'Gross margin by month',
    wide: true,
    query: { name: 'gross_margin', params: { months: 12 } },
    option(rows) {
      // Per currency and month: revenue net of tax, cost of goods sold, and the margin between them (olap/buying-queries.ts).
      const months = [...new Set(rows.map((r) => r.month))].sort();
      const currencies = [...new Set(rows.map((r) => r.currency))];
      const sum = (m: string, c: string, f: 'revenue' | 'cogs' | 'margin') =>
        rows.filter((r) => r.month === m && r.currency === c).reduce((n, r) => n + r[f], 0);
      return {
        ...base,
        tooltip: shadow,
        xAxis: { type: 'category', data: months },
        yAxis: { type: 'value', splitLine: grid },
        series: currencies.flatMap((c) => [
          { name: `revenue ${c}`, type: 'bar', data: months.map((m) => major(sum(m, c, 'revenue'), c)) },
          { name: `cost of goods sold ${c}`, type: 'bar', data: months.map((m) => major(sum(m, c, 'cogs'), c)) },
          { name: `margin ${c}`, type: 'line', data: months.map((m) => major(sum(m, c, 'margin'), c)) },
        ]),
      };
    },
  }),
  panel({
    id: 'panel-inventory',
    title: 'Inventory value at cost',
    query: { name: 'inventory_value', params: { days: 90 } },
    option(rows) {
      const days = [...new Set(rows.map((r) => r.day))].sort();
      const currencies = [...new Set(rows.map((r) => r.currency))];
      return {
        ...base,
        xAxis: { type: 'category', data: days },
        yAxis: { type: 'value', splitLine: grid },
        series: currencies.map((c) => ({
          name: c,
          type: 'line',
          showSymbol: days.length < 2,
          areaStyle: { opacity: 0.15 },
          data: days.map((d) => major(rows.find((r) => r.day === d && r.currency === c)?.value ?? 0, c)),
        })),
      };
    },
  }),
  panel({
    id: 'panel-spend',
    title: 'Purchase spend by supplier',
    query: { name: 'purchase_spend', params: { months: 12 } },
    option(rows) {
      // The last 12 months per supplier and currency, largest first.
      const totals = new Map<string, { label: string; currency: string; value: number }>();
      for (const r of rows) {
        const key = `${r.supplierId ?? ''}|${r.currency}`;
        const t = totals.get(key) ?? { label: `${r.supplierName} (${r.currency})`, currency: r.currency, value: 0 };
        t.value += r.value;
        totals.set(key, t);
      }
      const shown = [...totals.values()].sort((a, b) => b.value - a.value).slice(0, 10);
      return {
        ...base,
        legend: { show: false },
        tooltip: shadow,
        xAxis: { type: 'value', splitLine: grid },
        yAxis: { type: 'category', inverse: true, data: shown.map((t) => t.label), axisLabel: { width: 140, overflow: 'truncate' } },
        series: [
          {
            name: 'spend',
            type: 'bar',
            label: {
              show: true,
              position: 'right',
              formatter: (p: { dataIndex: number }) => formatMoney(shown[p.dataIndex]!.value, shown[p.dataIndex]!.currency),
            },
            data: shown.map((t) => major(t.value, t.currency)),
          },
        ],
      };
    },
  }),
];
