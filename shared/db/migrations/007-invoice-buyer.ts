// The buyer as issued on the invoice (name, email): a printed invoice is a legal record and must not
// change when the customer is renamed later (a PDF rendered late, after storage was down, included).
// Null for invoices issued before this migration: their documents take the customer directory's entry.
export const sql = `
alter table billing.invoices add column buyer jsonb;
`;
