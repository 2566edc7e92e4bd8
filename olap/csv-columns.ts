import { csvJson, csvLines, csvMoney, csvNumber, csvText, type CsvColumn } from '../shared/http/csv.js';

// The CSV columns of each named query of queries.ts (`Accept: text/csv` on GET /query/<name>), in the
// order its SQL selects them; money as minor units plus `<field>_formatted` in the row's currency.
// functions/project-to-olap/handler.ts types this by the query names, so a new query needs its columns.

const text = (...keys: string[]) => keys.map(csvText);
const numbers = (...keys: string[]) => keys.map(csvNumber);

export const biCsvColumns = {
  sales_by_hour: [...text('hour', 'currency'), ...numbers('orders', 'booked'), ...csvMoney('revenue'), ...numbers('rejected', 'cancelled')],
  ar_aging: [...text('bucket', 'currency'), csvNumber('invoices'), ...csvMoney('balance')],
  stock_levels: [...text('sku', 'name'), ...numbers('onHand', 'reserved', 'available')],
  // `value` adds up totals of every currency (the JSON's figure): no one currency to format it in.
  order_funnel: [csvText('status'), ...numbers('orders', 'value')],
  top_products: [...text('sku', 'name', 'currency'), csvNumber('quantity'), ...csvMoney('revenue')],
  headcount_by_department: [csvText('department'), csvNumber('headcount')],
  // `department` is empty on the row of departments too small to show apart (olap/payroll-groups.ts).
  payroll_by_department: [...text('department', 'currency'), csvNumber('headcount'), ...csvMoney('monthlySalary'), csvNumber('departments')],
  order: [
    ...text('id', 'status', 'customerId', 'customerName', 'currency'),
    ...['subtotal', 'tax', 'total', 'amountPaid'].flatMap((k) => csvMoney(k)),
    ...text('invoiceId', 'invoiceNumber', 'dueDate', 'createdAt', 'updatedAt'),
    csvNumber('lastSeq'),
    csvLines('lines'),
  ],
  // `data` differs by event type: kept whole, as its JSON text.
  order_timeline: [csvNumber('seq'), ...text('id', 'type', 'occurredAt', 'actor', 'causationId', 'correlationId'), csvJson('data')],
  gross_margin: [...text('month', 'sku', 'name', 'currency'), ...['revenue', 'cogs', 'margin'].flatMap((k) => csvMoney(k)), csvNumber('marginPercent')],
  inventory_value: [...text('day', 'currency'), ...csvMoney('value')],
  purchase_spend: [...text('month', 'supplierId', 'supplierName', 'currency'), ...numbers('receipts', 'quantity'), ...csvMoney('value')],
  stock_on_order: [...text('sku', 'name', 'supplierId', 'supplierName', 'currency'), ...numbers('ordered', 'received', 'onOrder'), ...csvMoney('value')],
} satisfies Record<string, readonly CsvColumn[]>;
