import { randomUUID } from 'node:crypto';
import type { Pool, Tx } from '../db/pool.js';
import type { DeliveryStatus, DeliveryTrigger } from '../domain/delivery-lifecycle.js';
import { emailOnIssue } from '../documents/company.js';
import { documentKey, type BillingDocument } from '../documents/model.js';
import { purchaseOrderKey } from '../documents/purchase-order.js';
import { reminderKey } from '../documents/reminder.js';
import { documentStore } from '../documents/storage.js';
import { documentAttachments, documentSubject, documentText } from '../email/document-message.js';
import { emailSettings, type EmailSettings } from '../email/settings.js';
import { reminderSubject, reminderText } from '../email/reminder-message.js';
import { purchaseOrderSubject, purchaseOrderText } from '../email/purchase-order-message.js';
import { fromDomain, sendMessage, type Attachment } from '../email/transport.js';
import { AppError } from '../errors.js';
import type { Event } from '../events/envelope.js';
import type { ReactionContext } from '../http/definition.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { kindLabel, type DeliverableKind, type DeliveryKind } from './deliverable-kinds.js';
import { loadCreditNoteDocument, loadInvoiceDocument, renderCreditNote, renderInvoice } from './documents.js';
import { loadReminderDocument, renderReminder } from './reminder-documents.js';
import { loadPurchaseOrder, renderPurchaseOrder } from './purchase-order-documents.js';

// E-mailing a document: a billing document to its customer, a purchase order to its supplier. A request (the Send by e-mail command, or the render
// of a new document when the company profile says so) records a delivery and raises
// document_delivery_requested in one transaction; render-document's reaction sends it after commit.
// The states, the retries and the crash between the server's 250 and our commit: docs/rules.md, "E-mail".

type Db = Pool | Tx;

/** A 5xx answer (the address or the message refused) is tried this often, then the delivery stays
 *  failed for good: sending again alone will not help, someone must correct the address and send anew.
 *  A 4xx or no answer at all is retried for as long as the connector redelivers (stack.yml). */
export const permanentFailureAttempts = 5;

export interface DeliveryAnswer {
  deliveryId: string;
  kind: DeliveryKind;
  documentId: string;
  number: string;
  recipient: string;
  status: 'requested';
}

/** A document as e-mailed: who it goes to, what it belongs to (where its deliveries are listed), where
 *  its stored PDF is, and the message around the PDF. */
interface Deliverable {
  number: string;
  /** The customer (billing documents) or the supplier (purchase orders), with the address it goes to. */
  recipient: { name: string; email?: string | undefined };
  owner:
    | { invoiceId: string; customerId: string; purchaseOrderId?: undefined; supplierId?: undefined }
    | { purchaseOrderId: string; supplierId: string; invoiceId?: undefined; customerId?: undefined };
  storageKey: string;
  message: (pdf: Uint8Array) => { subject: string; text: string; attachments: Attachment[] };
}

const pdfAttachment = (number: string, pdf: Uint8Array): Attachment => ({ filename: `${number}.pdf`, content: pdf, contentType: 'application/pdf' });

const billingDeliverable = (doc: BillingDocument, invoiceId: string): Deliverable => ({
  number: doc.number,
  recipient: doc.buyer,
  owner: { invoiceId, customerId: doc.buyer.id },
  storageKey: documentKey(doc),
  message: (pdf) => ({ subject: documentSubject(doc), text: documentText(doc), attachments: documentAttachments(doc, pdf) }),
});

/** The document of a kind as issued (a purchase order: as sent; a draft is no document yet). */
async function documentOf(db: Db, kind: DeliveryKind, id: string): Promise<Deliverable | undefined> {
  switch (kind) {
    case 'invoice': {
      const doc = await loadInvoiceDocument(db, id);
      return doc && billingDeliverable(doc, id);
    }
    case 'credit_note': {
      const { rows } = await db.query<{ invoiceId: string }>('select invoice_id as "invoiceId" from billing.credit_notes where id = $1', [id]);
      const doc = rows[0] && (await loadCreditNoteDocument(db, id));
      return doc && billingDeliverable(doc, rows[0]!.invoiceId);
    }
    case 'reminder': {
      const doc = await loadReminderDocument(db, id);
      return (
        doc && {
          number: doc.number,
          recipient: doc.buyer,
          owner: { invoiceId: doc.invoice.id, customerId: doc.buyer.id },
          storageKey: reminderKey(doc.number),
          message: (pdf) => ({ subject: reminderSubject(doc), text: reminderText(doc), attachments: [pdfAttachment(doc.number, pdf)] }),
        }
      );
    }
    case 'purchase_order': {
      const doc = (await loadPurchaseOrder(db, id))?.document;
      return (
        doc && {
          number: doc.number,
          recipient: doc.supplier,
          owner: { purchaseOrderId: id, supplierId: doc.supplier.id },
          storageKey: purchaseOrderKey(doc.number),
          message: (pdf) => ({ subject: purchaseOrderSubject(doc), text: purchaseOrderText(doc), attachments: [pdfAttachment(doc.number, pdf)] }),
        }
      );
    }
  }
}

async function addDelivery(
  uow: UnitOfWork,
  kind: DeliveryKind,
  documentId: string,
  { number, owner }: Deliverable,
  recipient: string,
  settings: EmailSettings,
  trigger: DeliveryTrigger,
): Promise<DeliveryAnswer | undefined> {
  const deliveryId = randomUUID();
  const { rowCount } = await uow.tx.query(
    `insert into billing.document_deliveries (id, kind, document_id, document_number, invoice_id, purchase_order_id, recipient, message_id, trigger, requested_by, correlation_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict do nothing`,
    [
      deliveryId,
      kind,
      documentId,
      number,
      owner.invoiceId ?? null,
      owner.purchaseOrderId ?? null,
      recipient,
      `<${deliveryId}@${fromDomain(settings.from)}>`,
      trigger,
      uow.cause.actor,
      uow.cause.correlationId,
    ],
  );
  // on_issue: one per document (a unique index); another request for it already stands.
  if (rowCount === 0) return undefined;
  uow.emit('document_delivery_requested', {
    deliveryId,
    kind,
    documentId,
    number,
    invoiceId: owner.invoiceId ?? null,
    customerId: owner.customerId ?? null,
    supplierId: owner.supplierId ?? null,
    recipient,
    trigger,
  });
  return { deliveryId, kind, documentId, number, recipient, status: 'requested' };
}

/** The Send by e-mail command: a delivery to the customer's billing address, sent after commit; the
 *  requester (the token's sub) is the unit of work's actor. */
export async function requestDelivery(uow: UnitOfWork, input: { kind: DeliverableKind; id: string }): Promise<DeliveryAnswer> {
  const found = await documentOf(uow.tx, input.kind, input.id);
  if (!found) throw new AppError('not_found', `no ${kindLabel[input.kind].toLowerCase()} ${input.id}`);
  const settings = configuredEmail();
  const recipient = found.recipient.email;
  if (!recipient) {
    throw new AppError('no_billing_email', `the customer ${found.recipient.name} has no e-mail address to send ${found.number} to: add one to the customer`, {
      customerId: found.owner.customerId,
    });
  }
  return (await addDelivery(uow, input.kind, input.id, found, recipient, settings, 'manual'))!;
}

/** Send by e-mail for a purchase order (render-document /send-purchase-order): to the supplier's address,
 *  once the order was sent (a draft has no PDF yet and may still change; a cancelled order is void). */
export async function requestPurchaseOrderDelivery(uow: UnitOfWork, input: { purchaseOrderId: string }): Promise<DeliveryAnswer> {
  const order = await loadPurchaseOrder(uow.tx, input.purchaseOrderId);
  if (!order) throw new AppError('unknown_purchase_order', `no purchase order ${input.purchaseOrderId}`, { purchaseOrderId: input.purchaseOrderId });
  if (order.status === 'cancelled' || !order.document) {
    const why = order.status === 'cancelled' ? 'is cancelled' : 'is a draft: send it first (receive-stock/purchase-order/send), which renders its PDF';
    throw new AppError('invalid_transition', `purchase order ${order.number} ${why}`, { status: order.status });
  }
  const settings = configuredEmail();
  const found = (await documentOf(uow.tx, 'purchase_order', input.purchaseOrderId))!;
  const recipient = found.recipient.email;
  if (!recipient) {
    throw new AppError('no_supplier_email', `the supplier ${order.supplierName} has no e-mail address to send ${order.number} to: add one to the supplier`, {
      supplierId: order.supplierId,
    });
  }
  return (await addDelivery(uow, 'purchase_order', input.purchaseOrderId, found, recipient, settings, 'manual'))!;
}

function configuredEmail(): EmailSettings {
  const settings = emailSettings();
  if (!settings) throw new AppError('email_not_configured', 'e-mail is off on this box: set SMTP_HOST and EMAIL_FROM to send documents');
  return settings;
}

/** After a new document's PDF is stored (render-document): its delivery, when the company profile asks
 *  for it, e-mail is configured and the customer (the supplier) has an address; otherwise nothing. */
export async function deliverOnIssue(uow: UnitOfWork, kind: DeliveryKind, documentId: string): Promise<void> {
  if (!(await emailOnIssue(uow.tx))) return;
  const settings = emailSettings();
  if (!settings) return;
  const found = await documentOf(uow.tx, kind, documentId);
  const recipient = found?.recipient.email;
  if (!found || !recipient) return;
  await addDelivery(uow, kind, documentId, found, recipient, settings, 'on_issue');
}

/** invoice_created: the PDF (shared/billing/documents.ts), then its delivery when the profile asks for it. */
export async function renderAndDeliverInvoice(uow: UnitOfWork, event: Event<'invoice_created'>): Promise<void> {
  await renderInvoice(uow, event);
  await deliverOnIssue(uow, 'invoice', event.data.invoiceId);
}

/** credit_note_issued: likewise. */
export async function renderAndDeliverCreditNote(uow: UnitOfWork, event: Event<'credit_note_issued'>): Promise<void> {
  await renderCreditNote(uow, event);
  await deliverOnIssue(uow, 'credit_note', event.data.creditNoteId);
}

/** reminder_issued: likewise (shared/billing/reminder-documents.ts). */
export async function renderAndDeliverReminder(uow: UnitOfWork, event: Event<'reminder_issued'>): Promise<void> {
  await renderReminder(uow, event);
  await deliverOnIssue(uow, 'reminder', event.data.reminderId);
}

/** purchase_order_sent: the purchase order's PDF (shared/billing/purchase-order-documents.ts), then its
 *  delivery to the supplier when the profile e-mails documents as they are issued. */
export async function renderAndDeliverPurchaseOrder(uow: UnitOfWork, event: Event<'purchase_order_sent'>): Promise<void> {
  await renderPurchaseOrder(uow, event);
  await deliverOnIssue(uow, 'purchase_order', event.data.purchaseOrderId);
}

interface DeliveryRow {
  kind: DeliveryKind;
  documentId: string;
  recipient: string;
  messageId: string;
  status: DeliveryStatus;
}

/**
 * document_delivery_requested: sends the message once its delivery is not yet sent. The delivery's
 * state is written on the pool, committed whatever becomes of the reaction's transaction: `sending`
 * before the message goes out, then `sent` with the server's answer and message id, or `failed` with
 * the server's answer and a 503 (email_not_sent) that makes the connector deliver the event again
 * with growing delays. Concurrent deliveries of one event wait on each other at the inbox row.
 */
export async function sendDelivery(uow: UnitOfWork, event: Event<'document_delivery_requested'>, ctx: ReactionContext): Promise<void> {
  const { deliveryId } = event.data;
  const { rows } = await uow.tx.query<DeliveryRow>(
    'select kind, document_id as "documentId", recipient, message_id as "messageId", status from billing.document_deliveries where id = $1',
    [deliveryId],
  );
  const delivery = rows[0];
  // Written in the transaction that raised the event: a missing row is a bug (a 500, retried and seen).
  if (!delivery) throw new Error(`delivery ${deliveryId} is not in billing's records`);
  if (delivery.status === 'sent') return;

  const settings = emailSettings();
  if (!settings) {
    await recordFailure(ctx.db, deliveryId, 'e-mail is off on this box (no SMTP_HOST)');
    throw new AppError('email_not_configured', 'e-mail is off on this box: the delivery waits until SMTP_HOST is set');
  }
  const found = await documentOf(uow.tx, delivery.kind, delivery.documentId);
  if (!found) throw new Error(`${delivery.kind} ${delivery.documentId} of delivery ${deliveryId} is not in the records`);
  // The stored PDF, byte for byte what the query function serves; not rendered yet: 503, tried again.
  const pdf = await documentStore().get(found.storageKey);
  if (!pdf) throw new AppError('not_ready', `the PDF of ${found.number} is not rendered yet`);

  const claimed = await ctx.db.query<{ attempts: number }>(
    `update billing.document_deliveries set status = 'sending', attempts = attempts + 1, last_attempt_at = now()
     where id = $1 and status <> 'sent' returning attempts`,
    [deliveryId],
  );
  if (claimed.rowCount === 0) return;
  const attempts = claimed.rows[0]!.attempts;

  const outcome = await sendMessage(settings, { to: delivery.recipient, messageId: delivery.messageId, ...found.message(pdf) });
  if (outcome.sent) {
    await ctx.db.query(`update billing.document_deliveries set status = 'sent', sent_at = now(), server_answer = $2, message_id = $3 where id = $1`, [
      deliveryId,
      outcome.response,
      outcome.messageId,
    ]);
    ctx.log.info({ deliveryId, number: found.number, attempts }, 'document e-mailed');
    return;
  }
  await recordFailure(ctx.db, deliveryId, outcome.response);
  ctx.log.warn({ deliveryId, number: found.number, attempts, response: outcome.response }, 'document e-mail refused');
  // Refused for good after a few tries: acknowledged, the delivery stays failed with the server's answer.
  if (outcome.permanent && attempts >= permanentFailureAttempts) return;
  throw new AppError('email_not_sent', `the SMTP server did not take the message: ${outcome.response}`, { deliveryId, response: outcome.response });
}

async function recordFailure(db: Pool, deliveryId: string, answer: string): Promise<void> {
  await db.query(`update billing.document_deliveries set status = 'failed', server_answer = $2 where id = $1 and status <> 'sent'`, [deliveryId, answer]);
}
