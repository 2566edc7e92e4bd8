import { sql as platform } from './001-platform.js';
import { sql as inventory } from './002-inventory.js';
import { sql as orders } from './003-orders.js';
import { sql as billing } from './004-billing.js';
import { sql as hr } from './005-hr.js';
import { sql as workspaceReads } from './006-workspace-reads.js';
import { sql as invoiceBuyer } from './007-invoice-buyer.js';
import { sql as retention } from './008-retention.js';
import { sql as roles } from './009-roles.js';
import { sql as parties } from './010-parties.js';
import { sql as documentDeliveries } from './011-document-deliveries.js';
import { sql as ledger } from './012-ledger.js';
import { sql as returnsCreditNotes } from './013-returns-credit-notes.js';
import { sql as reminders } from './014-reminders.js';
import { sql as productVatExemption } from './015-product-vat-exemption.js';
import { sql as purchasing } from './016-purchasing.js';
import { sql as stockValuation } from './017-stock-valuation.js';
import { sql as purchaseOrderReceipts } from './017-purchase-order-receipts.js';
import { sql as purchaseOrderDeliveries } from './018-purchase-order-deliveries.js';

// Append only: a released migration is never edited, a change is a new entry. `reapply`: stated again
// at every migrate once applied (grants: a restored dump carries none, and roles made after it ran got none).
export const migrations: { name: string; sql: string; reapply?: true }[] = [
  { name: '001-platform', sql: platform },
  { name: '002-inventory', sql: inventory },
  { name: '003-orders', sql: orders },
  { name: '004-billing', sql: billing },
  { name: '005-hr', sql: hr },
  { name: '006-workspace-reads', sql: workspaceReads },
  { name: '007-invoice-buyer', sql: invoiceBuyer },
  { name: '008-retention', sql: retention },
  { name: '009-roles', sql: roles, reapply: true },
  { name: '010-parties', sql: parties },
  { name: '011-document-deliveries', sql: documentDeliveries },
  { name: '012-ledger', sql: ledger },
  { name: '013-returns-credit-notes', sql: returnsCreditNotes },
  { name: '014-reminders', sql: reminders },
  { name: '015-product-vat-exemption', sql: productVatExemption },
  { name: '016-purchasing', sql: purchasing },
  { name: '017-stock-valuation', sql: stockValuation },
  { name: '017-purchase-order-receipts', sql: purchaseOrderReceipts },
  { name: '018-purchase-order-deliveries', sql: purchaseOrderDeliveries },
];
