// The e-invoice syntaxes erpbi writes, by the name a request gives (`format=ubl|cii`), and what each is. Apart
// from their writers (attachment.ts), so that describing the routes does not load xmlbuilder2 and its DOM.
export const einvoiceFormatNames = {
  ubl: 'UBL 2.1 (Peppol BIS Billing 3.0)',
  cii: 'UN/CEFACT CII D16B',
} as const;
export type EInvoiceFormat = keyof typeof einvoiceFormatNames;
