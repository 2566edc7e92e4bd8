import { z } from 'zod';
import { deliverableKinds } from '../../shared/billing/deliverable-kinds.js';
import { id } from '../../shared/schemas/common.js';

/** Send by e-mail: which billing document, by its id (an invoice's, a credit note's or a reminder's). */
export const sendBody = z.object({ kind: z.enum(deliverableKinds), id }).strict();

/** Send by e-mail for a purchase order, to its supplier. */
export const sendPurchaseOrderBody = z.object({ purchaseOrderId: id }).strict();
