import { z } from 'zod';
import { dimension, measure, none, type Entry } from './types.js';
import { currency } from './common.js';

// Buying and margin (issue 20). The SQL is olap/buying-queries.ts; tests/support/buying-reference.ts
// computes the same figures from the stream's events. Months and days are UTC.

const month = dimension('The UTC calendar month, YYYY-MM.', { schema: z.string().regex(/^\d{4}-\d{2}$/) });
const months = { months: 'How many calendar months, this one and the ones before it (UTC): 1..120, default 12.' };
const supplierName = dimension("The supplier's current name (latest supplier_upserted), else the one on its purchase orders, else its id.");

export const grossMargin = {
  title: 'Gross margin by month',
  description:
    "Per month, product and currency: revenue net of tax minus cost of goods sold. Revenue is invoice lines' net in the month of the " +
    "invoice's issue date, less credit notes in the month they were issued (a cancelled order's full credit takes back every line of its " +
    "invoice, a return's credit the returned quantities at the invoice's prices). Cost is shipments at moving average cost in the month " +
    'they left, less restocked returns at the cost they came back at.',
  grain: 'one row per month, sku and currency with revenue or cost',
  columns: {
    month,
    sku: dimension("The product's sku."),
    name: dimension("The product's current name, else its sku."),
    currency,
    revenue: measure('money', "Invoice lines' net (before tax) issued in the month, less what credit notes issued in the month took back."),
    cogs: measure('money', "Cost of goods sold: -valueDelta of stock_changed reason shipment in the month, less restocked returns' value."),
    margin: measure('money', 'revenue - cogs.'),
    marginPercent: measure('percent', '100 * margin / revenue; null without revenue.', { nullable: true }),
  },
  params: z.object({ months: z.coerce.number().int().min(1).max(120).default(12) }).strict(),
  parameters: months,
  empty: 'A month and product with neither revenue nor cost has no row.',
  asOf: 'Now: every invoice, credit note and movement the projection holds, by the month each happened in.',
  access: 'figures',
} satisfies Entry;

export const inventoryValue = {
  title: 'Inventory value at cost',
  description:
    'The stock at cost at the end of each UTC day, per currency: every sku at the value of its last movement (by movement id) on or before that day. Movements from before 016 carry no value and are left out.',
  grain: 'one row per UTC day and currency',
  columns: {
    day: dimension('The UTC day, YYYY-MM-DD.', { schema: z.iso.date() }),
    currency,
    value: measure('money', 'Sum over skus of the stock value after their last movement on or before the day, in minor units.'),
  },
  params: z.object({ days: z.coerce.number().int().min(1).max(3660).default(90) }).strict(),
  parameters: { days: 'How many UTC days up to today: 1..3660, default 90.' },
  empty: "Days before a sku's first valued movement leave it out; days before any leave no row.",
  asOf: "The end of each day; today's is the value now.",
  access: 'figures',
} satisfies Entry;

export const purchaseSpend = {
  title: 'Purchase spend by supplier',
  description:
    'Goods received at cost (goods_received lines\' value) per month received, supplier and currency. Receipts with no supplier are one row, supplierId null, "without purchase order".',
  grain: 'one row per month, supplier and currency with a receipt',
  columns: {
    month,
    supplierId: dimension("The supplier's id; null for goods received without a purchase order.", { nullable: true }),
    supplierName,
    currency,
    receipts: measure('count', 'Distinct receipts in the month.'),
    quantity: measure('quantity', 'Units received.'),
    value: measure('money', 'Units received at their unit cost, in minor units.'),
  },
  params: z.object({ months: z.coerce.number().int().min(1).max(120).default(12) }).strict(),
  parameters: months,
  empty: 'A month and supplier with no receipt has no row.',
  asOf: 'Now: every receipt the projection holds, by the UTC month it was received in.',
  access: 'figures',
} satisfies Entry;

export const stockOnOrder = {
  title: 'Stock on order',
  description:
    "What purchase orders not cancelled still await, per sku, supplier and currency: each line's quantity less what was received against it (never below 0); a cancelled order awaits nothing more.",
  grain: 'one row per sku, supplier and currency with units still on order',
  columns: {
    sku: dimension("The product's sku."),
    name: dimension("The product's current name, else the purchase order line's."),
    supplierId: dimension("The supplier's id."),
    supplierName,
    currency,
    ordered: measure('quantity', "Units on the open orders' lines."),
    received: measure('quantity', 'Units received against those lines.'),
    onOrder: measure('quantity', 'Units still awaited: ordered - received per line, never below 0.'),
    value: measure('money', "The open units at the lines' unit costs, in minor units."),
  },
  params: none,
  parameters: {},
  empty: 'Nothing left on order: no row.',
  asOf: 'Now: purchase orders and receipts as the projection holds them.',
  access: 'figures',
} satisfies Entry;
