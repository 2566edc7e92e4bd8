// The billing documents that can be e-mailed to a customer: the send command's body, the event and the
// delivery table take their kinds from here; each kind's loader is `documentOf` in shared/billing/deliveries.ts.
export const deliverableKinds = ['invoice', 'credit_note', 'reminder'] as const;
export type DeliverableKind = (typeof deliverableKinds)[number];

/** What a person calls it: the first words of the subject line and of the message. */
export const kindLabel: Record<DeliverableKind, string> = { invoice: 'Invoice', credit_note: 'Credit note', reminder: 'Reminder' };
