import { z } from 'zod';
import { agingBuckets } from '../aging.js';
import { orderStatuses, unbookedStatuses } from '../../shared/domain/order-lifecycle.js';
import { dimension, measure, none, type Entry } from './types.js';
import { currency } from './common.js';

// The sales and receivables figures. Every money measure is per currency: a row never adds EUR to USD.

/** Orders in these statuses were never sold (rejected for stock) or were called off: not booked. */
export const unbooked = unbookedStatuses;
const utcHour = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);

export const salesByHour = {
  title: 'Revenue and orders by hour',
  description:
    'Orders and their booked revenue per whole UTC clock hour of creation and per currency, over the last `hours` clock hours up to and ' +
    'including the current one (which is still filling: its figures grow until the hour ends). Revenue is gross (order totals, tax ' +
    'included) of orders booked, i.e. not rejected nor cancelled as they stand now: cancelling an order takes its revenue out of the hour ' +
    'it was created in and counts it as cancelled there; the credit note that follows changes nothing more here (net revenue after ' +
    "credit notes is gross_margin's). Returns credited later stay in this figure (a sale was made).",
  grain: 'one row per UTC clock hour of the window and currency',
  columns: {
    hour: dimension('The UTC clock hour the orders were created in (order_created.occurredAt truncated to the hour), ISO 8601.', { schema: utcHour }),
    currency,
    orders: measure('count', 'Orders created in the hour, in whatever status they are now.'),
    booked: measure('count', `Of those, orders not ${unbooked.join(' nor ')} now.`),
    revenue: measure('money', "Sum of the booked orders' totals (gross: net plus tax), in minor units of the row's currency."),
    rejected: measure('count', 'Of those, orders rejected (not enough stock to reserve).'),
    cancelled: measure('count', 'Of those, orders cancelled (before or after invoicing; an invoiced one was fully credited).'),
  },
  params: z
    .object({
      hours: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 400)
        .default(48),
    })
    .strict(),
  parameters: { hours: 'How many whole UTC clock hours, ending with the current one: 1..9600, default 48.' },
  empty:
    'Every hour of the window is listed for every currency with an order created in the window, with zeros when nothing was created; a window with no order at all has no rows (there is no currency to show).',
  asOf: 'Now: orders in the statuses they have as the projection stands (the watermark); the window ends with the current UTC hour.',
  access: 'figures',
} satisfies Entry;

export const arAging = {
  title: 'Receivables aging',
  description:
    "Open receivables by how long they are past due on `asOf`, per currency. An invoice's open balance is its total (gross) less what was " +
    "paid and credited as known now; invoices with nothing open (paid, or fully credited like a cancelled order's, or a refund due) are " +
    'left out. Buckets are half-open ranges of whole UTC days past the due date: `current` (due on asOf or later), `1-30` (1 to 30 days ' +
    'past due), `31-60`, `61-90`, `91+` (91 days or more). An invoice issued after asOf was not yet receivable on that day and is left out.',
  grain: 'one row per currency and aging bucket',
  columns: {
    bucket: dimension(`The aging bucket: ${agingBuckets.join(', ')}; whole days from the due date to asOf.`, { schema: z.enum(agingBuckets) }),
    currency,
    invoices: measure('count', 'Invoices issued on or before asOf with an open balance, in the bucket.'),
    balance: measure('money', "Sum of their open balances (total - amount paid - credited > 0), gross, in minor units of the row's currency."),
  },
  params: z.object({ asOf: z.iso.date().optional() }).strict(),
  parameters: { asOf: 'The day to age on, YYYY-MM-DD (UTC); default today.' },
  empty: 'All five buckets are listed for every currency with an open invoice, in bucket order, with zeros where nothing falls.',
  asOf: 'Balances as they stand now (payments and credit notes known to the projection), aged as of `asOf`: a later date shows what will be overdue by then if nothing is paid.',
  access: 'figures',
} satisfies Entry;

export const orderFunnel = {
  title: 'Order funnel',
  description:
    'How many orders are in each status now (not how many ever reached it), and their value per currency: the sum of their totals, gross ' +
    'of tax. A status holding orders of two currencies has one row per currency.',
  grain: 'one row per order status and currency',
  columns: {
    status: dimension(`The order's status now: ${orderStatuses.join(', ')} (docs/rules.md, Orders).`, { schema: z.enum(orderStatuses) }),
    currency,
    orders: measure('count', 'Orders in this status now.'),
    value: measure('money', "Sum of those orders' totals (gross: net plus tax), in minor units of the row's currency."),
  },
  params: none,
  parameters: {},
  empty: 'A status with no order now has no row (the dashboard draws it as zero); rows come in lifecycle order, then by currency.',
  asOf: 'Now: each order in the highest-ranked status announced for it (the watermark).',
  access: 'figures',
} satisfies Entry;

export const topProducts = {
  title: 'Top products',
  description:
    'The products that sold best by net revenue, ranked within each currency (currencies are never ranked together nor added): order ' +
    "lines' net amounts (before tax) of orders booked, i.e. not rejected nor cancelled, over all time. Ties go to the larger quantity, " +
    "then the sku. Names are the product's current name (its latest product_upserted), so a renamed product shows its new name; a sku " +
    'with no product record shows the name on its order lines.',
  grain: 'one row per sku and currency, the top `limit` of each currency',
  columns: {
    sku: dimension("The product's sku."),
    name: dimension("The product's current name (latest product_upserted), else the name its order lines carry."),
    currency,
    rank: measure('count', 'Place within the currency: 1 is the highest net revenue.'),
    quantity: measure('quantity', "Units ordered on booked orders' lines."),
    revenue: measure('money', "Sum of those lines' net amounts (before tax), in minor units of the row's currency."),
  },
  params: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }).strict(),
  parameters: { limit: 'How many products per currency: 1..100, default 10.' },
  empty: 'A product with no booked line has no row; a currency with none has no rows.',
  asOf: 'Now: orders in the statuses they have as the projection stands; returns and credit notes do not lower it (gross_margin does).',
  access: 'figures',
} satisfies Entry;
