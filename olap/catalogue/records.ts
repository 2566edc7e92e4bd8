import { z } from 'zod';
import { orderStatuses } from '../../shared/domain/order-lifecycle.js';
import { dimension, measure, type Entry } from './types.js';
import { currency } from './common.js';

// Single records the projector keeps for the workspace (not figures): the projected order and its events.

const id = z.object({ id: z.string().min(1).max(100) }).strict();
const instant = z.string();

export const projectedOrder = {
  title: 'Projected order',
  description: "One order as the projection holds it, with its invoice's number and due date: what the workspace shows while Postgres is behind.",
  grain: 'one row: the order (404 until it is projected)',
  columns: {
    id: dimension("The order's id."),
    status: dimension('Its status now.', { schema: z.enum(orderStatuses) }),
    customerId: dimension("The customer's id.", { nullable: true }),
    customerName: dimension("The customer's name as the order carries it (when it was created).", { nullable: true }),
    currency: { ...currency, nullable: true },
    subtotal: measure('money', 'Net of the lines.', { nullable: true }),
    tax: measure('money', 'Tax of the lines.', { nullable: true }),
    total: measure('money', 'subtotal + tax.', { nullable: true }),
    amountPaid: measure('money', "What the invoice's payments paid."),
    invoiceId: dimension("Its invoice's id.", { nullable: true }),
    invoiceNumber: dimension("Its invoice's number.", { nullable: true }),
    dueDate: dimension("Its invoice's due date, YYYY-MM-DD.", { nullable: true }),
    createdAt: dimension('When it was created, ISO UTC.', { schema: instant }),
    updatedAt: dimension('The instant of its latest event, ISO UTC.', { schema: instant }),
    lastSeq: measure('seq', 'The stream sequence of its latest event.'),
    lines: measure('lines', 'Its lines: {sku, name, quantity, net, tax}, in line order.'),
  },
  params: id,
  parameters: { id: "The order's id." },
  empty: 'An order not yet projected is 404 not_found.',
  asOf: 'The watermark.',
  access: 'records',
} satisfies Entry;

export const orderTimeline = {
  title: 'Order timeline',
  description: 'Every event naming the order (data.orderId, or the order as aggregate), in stream order, with its data as published.',
  grain: 'one row per event naming the order',
  columns: {
    seq: measure('seq', "The event's stream sequence."),
    id: dimension("The event's id."),
    type: dimension('The event type.'),
    occurredAt: dimension('When it happened, ISO UTC.'),
    actor: dimension('Who caused it.'),
    causationId: dimension('The event or command that caused it.', { nullable: true }),
    correlationId: dimension('The flow it belongs to.'),
    data: measure('json', "The event's data as published."),
  },
  params: id,
  parameters: { id: "The order's id." },
  empty: 'No event yet: no rows (never 404).',
  asOf: 'The watermark.',
  access: 'records',
} satisfies Entry;
