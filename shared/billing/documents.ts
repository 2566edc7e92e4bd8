import { z } from 'zod';
import type { Pool, Tx } from '../db/pool.js';
import { configuredSeller, readCompanyProfile } from '../documents/company.js';
import { documentKey, type BillingDocument } from '../documents/model.js';
import { categoryOf, notesFor } from '../domain/vat-category.js';
import { renderPdf } from '../documents/render-pdf.js';
import { documentStore } from '../documents/storage.js';
import type { Event } from '../events/envelope.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { ciiXml } from '../einvoice/cii.js';
import { missingForEInvoice } from '../einvoice/core.js';
import { orderLine } from '../events/registry.js';

// Invoices and credit notes as PDF objects: rendered when billing issues them (the render-document
// reaction), read back by the query function. Rendered from billing's records as issued (the lines and
// both parties, frozen on the invoice), not from the event or today's customer entry or profile.
// Invoices from before a party was frozen: the buyer from the customer directory (name and e-mail, as
// before), the seller from the configured company profile when rendered (shared/documents/company.ts).

const invoiceRow = `select i.number, i.order_id as "orderId", i.customer_id as "customerId",
  coalesce(i.buyer, jsonb_build_object('name', c.name, 'email', c.email)) as buyer, i.seller,
  i.issue_date as "issueDate", i.due_date as "dueDate", i.currency, i.subtotal, i.tax, i.total, i.lines
  from billing.invoices i left join orders.customer_directory c on c.id = i.customer_id`;

// Snapshots are read as kept, not checked again: a rule that changed since (a VAT id format) must not
// make an issued document unreadable.
const address = z.object({ lines: z.array(z.string()), postalCode: z.string(), city: z.string(), country: z.string() });
const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);
const buyerSnapshot = z.object({ name: z.string().nullable(), email: opt(z.string()), address: opt(address), vatId: opt(z.string()) });
const sellerSnapshot = z.object({
  name: z.string(),
  address: opt(address),
  vatId: opt(z.string()),
  taxRegistration: opt(z.string()),
  email: opt(z.string()),
  phone: opt(z.string()),
  bank: opt(z.object({ name: opt(z.string()), iban: z.string(), bic: opt(z.string()) })),
});

const invoiceFields = z.object({
  number: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  buyer: buyerSnapshot,
  seller: sellerSnapshot.nullable(),
  issueDate: z.string(),
  dueDate: z.string(),
  currency: z.string(),
  subtotal: z.number(),
  tax: z.number(),
  total: z.number(),
  lines: z.array(orderLine),
});
type InvoiceFields = z.infer<typeof invoiceFields>;

// A credit note's own lines and totals (migration 013): the returned quantities, or the whole invoice on a cancel.
const creditNoteFields = z.object({
  invoiceId: z.string(),
  number: z.string(),
  reason: z.string().nullable(),
  issueDate: z.string(),
  lines: z.array(orderLine),
  subtotal: z.number(),
  tax: z.number(),
  total: z.number(),
});

type Db = Pool | Tx;

function invoiceDocument(i: InvoiceFields): BillingDocument {
  const lines = i.lines.map((l) => ({ ...l, vatCategory: categoryOf(l) }));
  return {
    kind: 'invoice',
    number: i.number,
    issueDate: i.issueDate,
    dueDate: i.dueDate,
    paymentTermsDays: Math.round((Date.parse(i.dueDate) - Date.parse(i.issueDate)) / 86_400_000),
    currency: i.currency,
    seller: i.seller ?? configuredSeller(readCompanyProfile()),
    buyer: { id: i.customerId, name: i.buyer.name ?? i.customerId, email: i.buyer.email, address: i.buyer.address, vatId: i.buyer.vatId },
    orderId: i.orderId,
    lines,
    subtotal: i.subtotal,
    tax: i.tax,
    total: i.total,
    amountDue: i.total,
    notes: notesFor(lines),
  };
}

async function loadInvoice(db: Db, invoiceId: string): Promise<InvoiceFields | undefined> {
  const { rows } = await db.query(`${invoiceRow} where i.id = $1`, [invoiceId]);
  return rows[0] === undefined ? undefined : invoiceFields.parse(rows[0]);
}

/** The invoice as printed; undefined for an unknown id. */
export async function loadInvoiceDocument(db: Db, invoiceId: string): Promise<BillingDocument | undefined> {
  const invoice = await loadInvoice(db, invoiceId);
  return invoice && invoiceDocument(invoice);
}

/** A credit note as printed: its own lines and totals, with the invoice's parties and the invoice it credits. */
export async function loadCreditNoteDocument(db: Db, creditNoteId: string): Promise<BillingDocument | undefined> {
  const { rows } = await db.query(
    `select invoice_id as "invoiceId", number, reason, to_char(issued_at at time zone 'UTC', 'YYYY-MM-DD') as "issueDate", lines, subtotal, tax, amount as total
     from billing.credit_notes where id = $1`,
    [creditNoteId],
  );
  if (rows[0] === undefined) return undefined;
  const note = creditNoteFields.parse(rows[0]);
  const invoice = await loadInvoice(db, note.invoiceId);
  if (!invoice) return undefined;
  const base = invoiceDocument({ ...invoice, lines: note.lines, subtotal: note.subtotal, tax: note.tax, total: note.total });
  return {
    ...base,
    kind: 'credit_note',
    number: note.number,
    issueDate: note.issueDate,
    dueDate: undefined,
    paymentTermsDays: undefined,
    credits: { number: invoice.number, issueDate: invoice.issueDate },
    reason: note.reason ?? undefined,
  };
}

/**
 * The CII XML (EN 16931) the stored PDF embeds as factur-x.xml. Undefined, so a plain PDF, for a
 * document that cannot be an e-invoice (a buyer without a postal address, a document issued before
 * the parties' addresses were kept): its e-invoice routes answer 422 naming what it lacks.
 */
export function embeddedCii(doc: BillingDocument): string | undefined {
  return missingForEInvoice(doc).length === 0 ? ciiXml(doc) : undefined;
}

/**
 * The PDF as stored: Factur-X (PDF/A-3b with the CII XML embedded as factur-x.xml) when the document's
 * CII XML is given, a plain PDF otherwise.
 */
export function documentPdf(doc: BillingDocument, ciiXml: string | undefined): Promise<Buffer> {
  return renderPdf(doc, ciiXml === undefined ? {} : { facturX: { xml: ciiXml } });
}

async function renderAndStore(doc: BillingDocument | undefined, what: string): Promise<void> {
  // Issued in the transaction that emitted the event, so it exists: a missing record is a bug, and a 500 retried.
  if (!doc) throw new Error(`${what} is not in billing's records`);
  const bytes = await documentPdf(doc, embeddedCii(doc));
  await documentStore().put(documentKey(doc), bytes);
}

/** invoice_created: the invoice's PDF, stored under its number. */
export async function renderInvoice(uow: UnitOfWork, event: Event<'invoice_created'>) {
  const { invoiceId } = event.data;
  await renderAndStore(await loadInvoiceDocument(uow.tx, invoiceId), `invoice ${invoiceId}`);
}

/** credit_note_issued: the credit note's PDF, stored under its number. */
export async function renderCreditNote(uow: UnitOfWork, event: Event<'credit_note_issued'>) {
  const { creditNoteId } = event.data;
  await renderAndStore(await loadCreditNoteDocument(uow.tx, creditNoteId), `credit note ${creditNoteId}`);
}
