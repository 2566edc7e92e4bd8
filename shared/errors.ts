// The one error catalogue: stable codes, each with a kind; `httpStatus` is the one place kinds become HTTP.
export const errorKinds = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorKind = keyof typeof errorKinds;

export const errorCatalogue = {
  validation_failed: { kind: 'bad_request', doc: 'The body, query or a header does not match the schema.' },
  invalid_json: { kind: 'bad_request', doc: 'The body is not valid JSON.' },
  body_too_large: { kind: 'payload_too_large', doc: 'The body is larger than the limit.' },
  unsupported_media_type: { kind: 'unsupported_media_type', doc: 'The body must be application/json.' },
  unauthenticated: { kind: 'unauthenticated', doc: 'No token, or a token that is invalid, expired or from another issuer.' },
  forbidden: { kind: 'forbidden', doc: 'The token is valid but its role may not do this.' },
  not_found: { kind: 'not_found', doc: 'No such route or record.' },
  unknown_customer: { kind: 'unprocessable', doc: 'The customer does not exist.' },
  unknown_sku: { kind: 'unprocessable', doc: 'A product with this sku does not exist.' },
  mixed_currencies: { kind: 'unprocessable', doc: 'The order lines are priced in different currencies.' },
  duplicate_line: { kind: 'unprocessable', doc: 'The same sku appears on two lines.' },
  currency_mismatch: { kind: 'unprocessable', doc: 'The currency differs from the existing record.' },
  overpayment: { kind: 'unprocessable', doc: 'The amount is above the invoice balance.' },
  amount_too_large: { kind: 'unprocessable', doc: 'An order total above the largest amount taken (2^53 - 1 minor units).' },
  invoice_not_payable: { kind: 'conflict', doc: 'The invoice is paid in full or credited.' },
  invalid_transition: { kind: 'conflict', doc: 'The record is in a state that does not allow this.' },
  unknown_line: {
    kind: 'unprocessable',
    doc: 'A return names a line number the order does not have, or a goods receipt one the purchase order does not have.',
  },
  over_return: { kind: 'unprocessable', doc: 'A return of more of a line than was shipped and not yet returned.' },
  over_credit: { kind: 'unprocessable', doc: 'A credit note would credit more than was invoiced.' },
  return_already_credited: { kind: 'conflict', doc: 'The return has a credit note already; a return is credited once.' },
  return_not_invoiced: { kind: 'conflict', doc: 'The returned order has no invoice (yet) to credit.' },
  nothing_to_refund: { kind: 'conflict', doc: 'Nothing is owed back on the invoice: it was not paid beyond what is still invoiced, or that was refunded.' },
  over_refund: { kind: 'unprocessable', doc: 'The refund is above what is owed back on the invoice.' },
  idempotency_key_reused: { kind: 'unprocessable', doc: 'The Idempotency-Key was used before with another body.' },
  sequence_gap: {
    kind: 'conflict',
    doc: 'A batch for the projector that does not continue from its watermark one sequence at a time; the feed starts again after the last event it had acknowledged, and the lag alert fires if it never fits.',
  },
  email_taken: { kind: 'conflict', doc: 'An active employee already has this email.' },
  einvoice_incomplete: {
    kind: 'unprocessable',
    doc: 'The document lacks what an EN 16931 e-invoice requires (details.missing names the fields, e.g. seller.address, buyer.vatId).',
  },
  invalid_dates: { kind: 'unprocessable', doc: 'A date is before another it must follow.' },
  unhandled_event: {
    kind: 'unprocessable',
    doc: 'A reaction was sent an event type it does not handle (a subscription that does not match its handlers); the connector dead-letters it.',
  },
  unknown_event_version: {
    kind: 'unprocessable',
    doc: 'An event whose data version is newer than the code reading it; dead-lettered until that code is deployed.',
  },
  too_many_streams: { kind: 'too_many_requests', doc: 'The user already holds as many live streams open as allowed; close a tab or wait for one to end.' },
  no_billing_email: { kind: 'unprocessable', doc: 'The customer the document was issued to has no e-mail address to send it to; add one to the customer.' },
  no_supplier_email: { kind: 'unprocessable', doc: 'The supplier of the purchase order has no e-mail address to send it to; add one to the supplier.' },
  email_not_configured: { kind: 'unavailable', doc: 'E-mail is off on this box (no SMTP_HOST); nothing was written.' },
  email_not_sent: {
    kind: 'unavailable',
    doc: "The SMTP server did not take the message (or could not be reached); the delivery records the server's answer and the connector tries again later.",
  },
  unknown_supplier: { kind: 'unprocessable', doc: 'A supplier with this id does not exist.' },
  unknown_purchase_order: { kind: 'unprocessable', doc: 'A purchase order with this id does not exist.' },
  over_receipt: { kind: 'unprocessable', doc: 'A receipt of more of a purchase order line than is still open (ordered minus received); nothing was received.' },
  below_reserved: { kind: 'unprocessable', doc: 'The adjustment or count would leave less on hand than is reserved for orders (or less than nothing).' },
  nothing_to_reorder: { kind: 'conflict', doc: 'No product of this supplier is at or under its reorder level (available plus on order).' },
  import_invalid: {
    kind: 'unprocessable',
    doc: 'The CSV file has rows that cannot be imported; details.rows names each by line number and field. Nothing was imported.',
  },
  not_ready: { kind: 'unavailable', doc: 'A dependency is not ready yet.' },
  internal: { kind: 'internal', doc: 'An unexpected error; details are in the log, never in the answer.' },
} as const satisfies Record<string, { kind: ErrorKind; doc: string }>;
export type ErrorCode = keyof typeof errorCatalogue;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function httpStatus(code: ErrorCode): number {
  return errorKinds[errorCatalogue[code].kind];
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
}
