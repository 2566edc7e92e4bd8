// The documents erpbi e-mails. `deliverableKinds`: the billing documents, to the customer, that Send by
// e-mail (render-document /send) takes; `deliveryKinds`: every kind a delivery may be of (the event,
// the delivery table), with the purchase order, which goes to its supplier by its own route
// (/send-purchase-order: buying is a clerk's, billing an accountant's). Each kind's loader is
// `documentOf` in shared/billing/deliveries.ts.
export const deliverableKinds = ['invoice', 'credit_note', 'reminder'] as const;
export type DeliverableKind = (typeof deliverableKinds)[number];
export const deliveryKinds = [...deliverableKinds, 'purchase_order'] as const;
export type DeliveryKind = (typeof deliveryKinds)[number];

/** What a person calls it: the first words of the subject line and of the message. */
export const kindLabel: Record<DeliveryKind, string> = {
  invoice: 'Invoice',
  credit_note: 'Credit note',
  reminder: 'Reminder',
  purchase_order: 'Purchase order',
};
