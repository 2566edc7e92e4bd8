import type { BillingDocument } from '../documents/model.js';
import { toEInvoice, type EInvoice, type EParty } from './core.js';
import { xmlDocument, type Doc, type Node } from './xml.js';

// UN/CEFACT Cross Industry Invoice D16B, EN 16931 guideline (also the `factur-x.xml` of a Factur-X PDF
// in its EN 16931 profile). Elements in the order of the D16B schema; the BT numbers are EN 16931's.

export const en16931Guideline = 'urn:cen.eu:en16931:2017';

const ns = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
};

/** The document as CII XML (EN 16931); `einvoice_incomplete` when it lacks what EN 16931 requires. */
export function ciiXml(doc: BillingDocument): string {
  return ciiOf(toEInvoice(doc));
}

/** 2026-12-06 -> 20261206, format 102 (CCYYMMDD). */
const day = (date: string) => date.replaceAll('-', '');

/** The mapped model as CII (ciiXml checks the document first). */
export function ciiOf(e: EInvoice): string {
  const x = xmlDocument('rsm:CrossIndustryInvoice', ns.rsm, ns);
  const { el, opt, root } = x;
  const date = (parent: Node, qname: string, value: string, type: 'udt' | 'qdt' = 'udt') =>
    el(el(parent, qname), `${type}:DateTimeString`, day(value), { format: '102' });

  el(el(el(root, 'rsm:ExchangedDocumentContext'), 'ram:GuidelineSpecifiedDocumentContextParameter'), 'ram:ID', en16931Guideline); // BT-24

  const header = el(root, 'rsm:ExchangedDocument');
  el(header, 'ram:ID', e.number); // BT-1
  el(header, 'ram:TypeCode', e.typeCode); // BT-3
  date(header, 'ram:IssueDateTime', e.issueDate); // BT-2
  for (const note of e.notes) el(el(header, 'ram:IncludedNote'), 'ram:Content', note); // BT-22

  const trade = el(root, 'rsm:SupplyChainTradeTransaction');
  for (const l of e.lines) {
    const item = el(trade, 'ram:IncludedSupplyChainTradeLineItem'); // BG-25
    el(el(item, 'ram:AssociatedDocumentLineDocument'), 'ram:LineID', l.id); // BT-126
    const product = el(item, 'ram:SpecifiedTradeProduct');
    el(product, 'ram:SellerAssignedID', l.sku); // BT-155
    el(product, 'ram:Name', l.name); // BT-153
    el(el(el(item, 'ram:SpecifiedLineTradeAgreement'), 'ram:NetPriceProductTradePrice'), 'ram:ChargeAmount', l.price); // BT-146
    el(el(item, 'ram:SpecifiedLineTradeDelivery'), 'ram:BilledQuantity', l.quantity, { unitCode: 'C62' }); // BT-129, BT-130
    const settlement = el(item, 'ram:SpecifiedLineTradeSettlement');
    const tax = el(settlement, 'ram:ApplicableTradeTax');
    el(tax, 'ram:TypeCode', 'VAT');
    el(tax, 'ram:CategoryCode', l.category); // BT-151
    el(tax, 'ram:RateApplicablePercent', l.rate); // BT-152
    el(el(settlement, 'ram:SpecifiedTradeSettlementLineMonetarySummation'), 'ram:LineTotalAmount', l.net); // BT-131
  }

  const agreement = el(trade, 'ram:ApplicableHeaderTradeAgreement');
  party(x, el(agreement, 'ram:SellerTradeParty'), e.seller, { phone: e.seller.phone, taxRegistration: e.seller.taxRegistration });
  party(x, el(agreement, 'ram:BuyerTradeParty'), e.buyer, { id: e.buyer.id });
  el(el(agreement, 'ram:BuyerOrderReferencedDocument'), 'ram:IssuerAssignedID', e.orderReference); // BT-13

  el(trade, 'ram:ApplicableHeaderTradeDelivery');

  const settlement = el(trade, 'ram:ApplicableHeaderTradeSettlement');
  const payment = e.payment.means;
  if (payment) el(settlement, 'ram:PaymentReference', payment.remittance); // BT-83
  el(settlement, 'ram:InvoiceCurrencyCode', e.currency); // BT-5
  if (payment) {
    const means = el(settlement, 'ram:SpecifiedTradeSettlementPaymentMeans'); // BG-16
    el(means, 'ram:TypeCode', payment.code); // BT-81
    if (payment.account) {
      const account = el(means, 'ram:PayeePartyCreditorFinancialAccount');
      el(account, 'ram:IBANID', payment.account.iban); // BT-84
      opt(account, 'ram:AccountName', payment.account.name); // BT-85
      if (payment.account.bic) el(el(means, 'ram:PayeeSpecifiedCreditorFinancialInstitution'), 'ram:BICID', payment.account.bic); // BT-86
    }
  }
  for (const v of e.vat) {
    const tax = el(settlement, 'ram:ApplicableTradeTax'); // BG-23
    el(tax, 'ram:CalculatedAmount', v.tax); // BT-117
    el(tax, 'ram:TypeCode', 'VAT');
    opt(tax, 'ram:ExemptionReason', v.exemptionReason); // BT-120
    el(tax, 'ram:BasisAmount', v.taxable); // BT-116
    el(tax, 'ram:CategoryCode', v.category); // BT-118
    opt(tax, 'ram:ExemptionReasonCode', v.exemptionCode); // BT-121
    el(tax, 'ram:RateApplicablePercent', v.rate); // BT-119
  }
  const terms = el(settlement, 'ram:SpecifiedTradePaymentTerms');
  el(terms, 'ram:Description', e.payment.terms); // BT-20
  if (e.dueDate) date(terms, 'ram:DueDateDateTime', e.dueDate); // BT-9
  const sums = el(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation'); // BG-22
  el(sums, 'ram:LineTotalAmount', e.totals.lineTotal); // BT-106
  el(sums, 'ram:TaxBasisTotalAmount', e.totals.taxExclusive); // BT-109
  el(sums, 'ram:TaxTotalAmount', e.totals.tax, { currencyID: e.currency }); // BT-110
  el(sums, 'ram:GrandTotalAmount', e.totals.taxInclusive); // BT-112
  el(sums, 'ram:TotalPrepaidAmount', e.totals.prepaid); // BT-113
  el(sums, 'ram:DuePayableAmount', e.totals.payable); // BT-115
  if (e.preceding) {
    const ref = el(settlement, 'ram:InvoiceReferencedDocument');
    el(ref, 'ram:IssuerAssignedID', e.preceding.number); // BT-25
    date(ref, 'ram:FormattedIssueDateTime', e.preceding.issueDate, 'qdt'); // BT-26
  }
  return x.end();
}

/** BG-4 / BG-7: the trade party with its contact, address, electronic address and tax registrations. */
function party(x: Doc, node: Node, p: EParty, extra: { id?: string; phone?: string | undefined; taxRegistration?: string | undefined }) {
  const { el, opt } = x;
  if (extra.id) el(node, 'ram:ID', extra.id); // BT-46
  el(node, 'ram:Name', p.name); // BT-27 / BT-44
  if (extra.phone || p.email) {
    const contact = el(node, 'ram:DefinedTradeContact');
    if (extra.phone) el(el(contact, 'ram:TelephoneUniversalCommunication'), 'ram:CompleteNumber', extra.phone); // BT-42
    if (p.email) el(el(contact, 'ram:EmailURIUniversalCommunication'), 'ram:URIID', p.email); // BT-43 / BT-58
  }
  const address = el(node, 'ram:PostalTradeAddress'); // BG-5 / BG-8
  const [one, two, three] = p.address.lines;
  opt(address, 'ram:PostcodeCode', p.address.postalCode);
  opt(address, 'ram:LineOne', one);
  opt(address, 'ram:LineTwo', two);
  opt(address, 'ram:LineThree', three);
  opt(address, 'ram:CityName', p.address.city);
  el(address, 'ram:CountryID', p.address.country);
  if (p.email) el(el(node, 'ram:URIUniversalCommunication'), 'ram:URIID', p.email, { schemeID: 'EM' }); // BT-34 / BT-49
  if (p.vatId) el(el(node, 'ram:SpecifiedTaxRegistration'), 'ram:ID', p.vatId, { schemeID: 'VA' }); // BT-31 / BT-48
  if (extra.taxRegistration) el(el(node, 'ram:SpecifiedTaxRegistration'), 'ram:ID', extra.taxRegistration, { schemeID: 'FC' }); // BT-32
}
