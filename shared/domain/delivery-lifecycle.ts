// An e-mailed document's delivery (billing.document_deliveries; shared/billing/deliveries.ts sends it,
// docs/rules.md "E-mail" tells the states): requested when asked for, sending while an attempt is out,
// then sent, or failed until the connector's next delivery of the event tries again (failed -> sending).
// sent is final. The CHECKs on status and trigger are held equal to these lists
// (tests/integration/status-constraints.test.ts): a change to either needs a migration.

export const deliveryStatuses = ['requested', 'sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Who asked: a person (Send by e-mail), or the issue itself when the company profile e-mails each document. */
export const deliveryTriggers = ['manual', 'on_issue'] as const;
export type DeliveryTrigger = (typeof deliveryTriggers)[number];
