import { z } from 'zod';
import { id, positiveMinorUnits, text } from '../../shared/schemas/common.js';

const method = z.enum(['bank_transfer', 'card', 'cash', 'cheque', 'other']);

export const body = z.object({ invoiceId: id, amount: positiveMinorUnits, method, reference: text(200).optional() }).strict();

/** POST /function/record-payment/credit-note: a credit note for exactly what a return brought back. */
export const creditNoteBody = z.object({ returnId: id, reason: text(200).optional() }).strict();

/** POST /function/record-payment/refund: money owed back paid back, against a credit note. */
export const refundBody = z.object({ creditNoteId: id, amount: positiveMinorUnits, method, reference: text(200).optional() }).strict();
