import type { BillingDocument } from '../documents/model.js';
import { toEInvoice, type EInvoice, type EParty } from './core.js';
import { xmlDocument, type Doc, type Node } from './xml.js';

// UBL 2.1 in the Peppol BIS Billing 3.0 profile: an Invoice (380), or a CreditNote (381) referencing
// the invoice it credits. Elements in the order of the UBL 2.1 schema; the BT numbers are EN 16931's.

export const peppolBilling = {
  customizationId: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
  profileId: 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0',
} as const;

const ns = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

/** The document as UBL 2.1 XML (Peppol BIS Billing 3.0); `einvoice_incomplete` when it lacks what EN 16931 requires. */
export function ublXml(doc: BillingDocument): string {
  return ublOf(toEInvoice(doc));
}

/** The mapped model as UBL (ublXml checks the document first). */
export function ublOf(e: EInvoice): string {
  const credit = e.typeCode === '381';
  const rootName = credit ? 'CreditNote' : 'Invoice';
  const x = xmlDocument(rootName, `urn:oasis:names:specification:ubl:schema:xsd:${rootName}-2`, ns);
  const { el, opt, root } = x;
  const amount = (parent: Node, qname: string, value: string) => el(parent, qname, value, { currencyID: e.currency });

  el(root, 'cbc:CustomizationID', peppolBilling.customizationId);
  el(root, 'cbc:ProfileID', peppolBilling.profileId);
  el(root, 'cbc:ID', e.number); // BT-1
  el(root, 'cbc:IssueDate', e.issueDate); // BT-2
  if (!credit) opt(root, 'cbc:DueDate', e.dueDate); // BT-9 (a CreditNote has none at this place)
  el(root, credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode', e.typeCode); // BT-3
  for (const note of e.notes) el(root, 'cbc:Note', note); // BT-22
  el(root, 'cbc:DocumentCurrencyCode', e.currency); // BT-5
  el(el(root, 'cac:OrderReference'), 'cbc:ID', e.orderReference); // BT-13
  if (e.preceding) {
    const ref = el(el(root, 'cac:BillingReference'), 'cac:InvoiceDocumentReference');
    el(ref, 'cbc:ID', e.preceding.number); // BT-25
    el(ref, 'cbc:IssueDate', e.preceding.issueDate); // BT-26
  }
  party(x, el(root, 'cac:AccountingSupplierParty'), e.seller, { phone: e.seller.phone, taxRegistration: e.seller.taxRegistration });
  party(x, el(root, 'cac:AccountingCustomerParty'), e.buyer, { id: e.buyer.id });

  const payment = e.payment.means;
  if (payment) {
    const means = el(root, 'cac:PaymentMeans'); // BG-16
    el(means, 'cbc:PaymentMeansCode', payment.code); // BT-81
    el(means, 'cbc:PaymentID', payment.remittance); // BT-83
    if (payment.account) {
      const account = el(means, 'cac:PayeeFinancialAccount');
      el(account, 'cbc:ID', payment.account.iban); // BT-84
      opt(account, 'cbc:Name', payment.account.name); // BT-85
      if (payment.account.bic) el(el(account, 'cac:FinancialInstitutionBranch'), 'cbc:ID', payment.account.bic); // BT-86
    }
  }
  el(el(root, 'cac:PaymentTerms'), 'cbc:Note', e.payment.terms); // BT-20

  const taxTotal = el(root, 'cac:TaxTotal');
  amount(taxTotal, 'cbc:TaxAmount', e.totals.tax); // BT-110
  for (const v of e.vat) {
    const sub = el(taxTotal, 'cac:TaxSubtotal'); // BG-23
    amount(sub, 'cbc:TaxableAmount', v.taxable); // BT-116
    amount(sub, 'cbc:TaxAmount', v.tax); // BT-117
    const cat = el(sub, 'cac:TaxCategory');
    el(cat, 'cbc:ID', v.category); // BT-118
    el(cat, 'cbc:Percent', v.rate); // BT-119
    opt(cat, 'cbc:TaxExemptionReasonCode', v.exemptionCode); // BT-121
    opt(cat, 'cbc:TaxExemptionReason', v.exemptionReason); // BT-120
    el(el(cat, 'cac:TaxScheme'), 'cbc:ID', 'VAT');
  }

  const totals = el(root, 'cac:LegalMonetaryTotal'); // BG-22
  amount(totals, 'cbc:LineExtensionAmount', e.totals.lineTotal); // BT-106
  amount(totals, 'cbc:TaxExclusiveAmount', e.totals.taxExclusive); // BT-109
  amount(totals, 'cbc:TaxInclusiveAmount', e.totals.taxInclusive); // BT-112
  amount(totals, 'cbc:PrepaidAmount', e.totals.prepaid); // BT-113
  amount(totals, 'cbc:PayableAmount', e.totals.payable); // BT-115

  for (const l of e.lines) {
    const line = el(root, credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine'); // BG-25
    el(line, 'cbc:ID', l.id); // BT-126
    el(line, credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', l.quantity, { unitCode: 'C62' }); // BT-129, BT-130 (one)
    amount(line, 'cbc:LineExtensionAmount', l.net); // BT-131
    const item = el(line, 'cac:Item');
    el(item, 'cbc:Name', l.name); // BT-153
    el(el(item, 'cac:SellersItemIdentification'), 'cbc:ID', l.sku); // BT-155
    const cat = el(item, 'cac:ClassifiedTaxCategory');
    el(cat, 'cbc:ID', l.category); // BT-151
    el(cat, 'cbc:Percent', l.rate); // BT-152
    el(el(cat, 'cac:TaxScheme'), 'cbc:ID', 'VAT');
    amount(el(line, 'cac:Price'), 'cbc:PriceAmount', l.price); // BT-146
  }
  return x.end();
}

/** BG-4 / BG-7: the party with its address, VAT id and, for the seller, its contact and tax registration. */
function party(x: Doc, parent: Node, p: EParty, extra: { id?: string; phone?: string | undefined; taxRegistration?: string | undefined }) {
  const { el, opt } = x;
  const node = el(parent, 'cac:Party');
  opt(node, 'cbc:EndpointID', p.email, { schemeID: 'EM' }); // BT-34 / BT-49, electronic address
  if (extra.id) el(el(node, 'cac:PartyIdentification'), 'cbc:ID', extra.id); // BT-46
  el(el(node, 'cac:PartyName'), 'cbc:Name', p.name); // BT-28 / BT-45
  const address = el(node, 'cac:PostalAddress'); // BG-5 / BG-8
  const [street, additional, third] = p.address.lines;
  opt(address, 'cbc:StreetName', street);
  opt(address, 'cbc:AdditionalStreetName', additional);
  opt(address, 'cbc:CityName', p.address.city);
  opt(address, 'cbc:PostalZone', p.address.postalCode);
  if (third?.trim()) el(el(address, 'cac:AddressLine'), 'cbc:Line', third);
  el(el(address, 'cac:Country'), 'cbc:IdentificationCode', p.address.country);
  if (p.vatId) {
    const scheme = el(node, 'cac:PartyTaxScheme');
    el(scheme, 'cbc:CompanyID', p.vatId); // BT-31 / BT-48
    el(el(scheme, 'cac:TaxScheme'), 'cbc:ID', 'VAT');
  }
  if (extra.taxRegistration) {
    const scheme = el(node, 'cac:PartyTaxScheme');
    el(scheme, 'cbc:CompanyID', extra.taxRegistration); // BT-32
    el(el(scheme, 'cac:TaxScheme'), 'cbc:ID', 'TAX');
  }
  el(el(node, 'cac:PartyLegalEntity'), 'cbc:RegistrationName', p.name); // BT-27 / BT-44
  if (extra.phone || p.email) {
    const contact = el(node, 'cac:Contact');
    opt(contact, 'cbc:Telephone', extra.phone); // BT-42
    opt(contact, 'cbc:ElectronicMail', p.email); // BT-43 / BT-58
  }
}
