import { csvBoolean, csvJson, csvLines, csvMoney, csvNumber, csvText, type CsvColumn, type CsvExport } from '../http/csv.js';
import { allPages } from './all-pages.js';
import { listOrders, type OrderListQuery } from './orders.js';
import { listInvoices, type InvoiceListQuery } from './invoices.js';
import { listProducts, listStock } from './catalogue.js';
import { listCustomers } from './customers.js';
import { listSuppliers } from './suppliers.js';
import { listEmployees, seesPay, type EmployeeListQuery } from './employees.js';
import type { SearchListQuery } from './search.js';

// The CSV export of each list read (`Accept: text/csv`, shared/http/csv.ts): the columns in the order
// of the JSON item's fields, one column per field, money as minor units plus `<field>_formatted`.
// tests/integration/csv-export.test.ts checks that every field of the JSON items has its column.

const orderColumns: readonly CsvColumn[] = [
  ...['id', 'status', 'customerId', 'customerName'].map(csvText),
  csvLines('lines'),
  ...csvMoney('subtotal'),
  ...csvMoney('tax'),
  ...csvMoney('total'),
  ...['currency', 'invoiceId'].map(csvText),
  ...csvMoney('amountPaid'),
  ...['createdAt', 'updatedAt'].map(csvText),
];

const invoiceColumns: readonly CsvColumn[] = [
  ...['id', 'number', 'orderId', 'customerId', 'customerName', 'issueDate', 'dueDate', 'currency'].map(csvText),
  ...['subtotal', 'tax', 'total', 'amountPaid', 'credited', 'balance'].flatMap((k) => csvMoney(k)),
  csvText('status'),
  csvBoolean('overdue'),
  csvNumber('reminderLevel'),
  csvText('createdAt'),
];

const stockColumns: readonly CsvColumn[] = [
  ...['sku', 'name'].map(csvText),
  ...['onHand', 'reserved', 'available', 'reorderLevel'].map(csvNumber),
  csvBoolean('low'),
  ...csvMoney('value'),
  ...csvMoney('averageCost'),
  csvText('currency'),
  ...['onOrder', 'reorderQuantity'].map(csvNumber),
  csvText('preferredSupplierId'),
];

const productColumns: readonly CsvColumn[] = [
  ...['sku', 'name'].map(csvText),
  ...csvMoney('unitPrice'),
  csvText('currency'),
  ...['taxRateBp', 'reorderLevel'].map(csvNumber),
  ...['vatExemptionReason', 'preferredSupplierId', 'supplierSku'].map(csvText),
  csvNumber('reorderQuantity'),
];

// The billing address and the e-invoice's missing fields as their JSON text, like any nested value.
const customerColumns: readonly CsvColumn[] = [
  ...['id', 'name', 'email'].map(csvText),
  csvNumber('paymentTermsDays'),
  csvJson('address'),
  ...['vatId', 'language', 'currency'].map(csvText),
  csvJson('missingForEInvoice'),
];

const supplierColumns: readonly CsvColumn[] = [
  ...['id', 'name'].map(csvText),
  csvJson('address'),
  csvText('vatId'),
  csvNumber('paymentTermsDays'),
  ...['currency', 'email', 'createdAt', 'updatedAt'].map(csvText),
];

const employeeColumns: readonly CsvColumn[] = ['id', 'name', 'email', 'department', 'title', 'status', 'hiredAt', 'terminatedAt'].map(csvText);
// Pay columns only for those who see pay (shared/query/employees.ts, which does not even select them
// for anyone else): a non-admin's file has no salary column at all, not an empty one.
const payColumns: readonly CsvColumn[] = [...csvMoney('salary'), csvText('currency')];

export const ordersCsv: CsvExport<OrderListQuery> = {
  name: 'orders',
  columns: () => orderColumns,
  rows: (db, q) => allPages((p) => listOrders(db, p), q),
};

export const invoicesCsv: CsvExport<InvoiceListQuery> = {
  name: 'invoices',
  columns: () => invoiceColumns,
  rows: (db, q) => allPages((p) => listInvoices(db, p), q),
};

export const stockCsv: CsvExport<SearchListQuery> = { name: 'stock', columns: () => stockColumns, rows: (db, q) => allPages((p) => listStock(db, p), q) };

export const productsCsv: CsvExport<SearchListQuery> = {
  name: 'products',
  columns: () => productColumns,
  rows: (db, q) => allPages((p) => listProducts(db, p), q),
};

export const customersCsv: CsvExport<SearchListQuery> = {
  name: 'customers',
  columns: () => customerColumns,
  rows: (db, q) => allPages((p) => listCustomers(db, p), q),
};

export const suppliersCsv: CsvExport<SearchListQuery> = {
  name: 'suppliers',
  columns: () => supplierColumns,
  rows: (db, q) => allPages((p) => listSuppliers(db, p), q),
};

export const employeesCsv: CsvExport<EmployeeListQuery> = {
  name: 'employees',
  columns: (actor) => (seesPay(actor) ? [...employeeColumns, ...payColumns] : employeeColumns),
  rows: (db, q, actor) => allPages((p) => listEmployees(db, p, actor), q),
};
