import { defineFunction, mount, query } from '../../shared/http/definition.js';
import { readRoles } from '../../shared/auth/permissions.js';
import { documentOperations, registerDocumentRoutes } from '../../shared/billing/document-routes.js';
import { einvoiceOperations, registerEInvoiceRoutes } from '../../shared/billing/einvoice-routes.js';
import { getOrder, listOrders } from '../../shared/query/orders.js';
import { getInvoice, listInvoices } from '../../shared/query/invoices.js';
import { getProduct, listProducts, listStock } from '../../shared/query/catalogue.js';
import { getCustomer, listCustomers } from '../../shared/query/customers.js';
import { getSupplier, listSuppliers } from '../../shared/query/suppliers.js';
import { reorderSuggestions } from '../../shared/inventory/reorder.js';
import { listMovements } from '../../shared/query/movements.js';
import { stockValuation } from '../../shared/query/valuation.js';
import { getEmployee, listEmployees } from '../../shared/query/employees.js';
import { customersCsv, employeesCsv, invoicesCsv, ordersCsv, productsCsv, stockCsv, suppliersCsv } from '../../shared/query/csv-exports.js';
import { journal, receivablesAsOf, trialBalanceAsOf } from '../../shared/query/ledger.js';
import { journalCsv, receivablesCsv, trialBalanceCsv } from '../../shared/query/ledger-csv.js';
import { companyProfileRead } from '../../shared/query/company.js';
import { getPurchaseOrder, listPurchaseOrders } from '../../shared/query/purchase-orders.js';
import { orderDetail, orderPage } from '../../shared/query/answers/orders.js';
import { invoiceDetail, invoicePage } from '../../shared/query/answers/invoices.js';
import { movementPage, product, productPage, reorderAnswer, stockPage, valuation } from '../../shared/query/answers/stock.js';
import { customerDetail, customerPage, storedCompany, supplier, supplierPage } from '../../shared/query/answers/parties.js';
import { purchaseOrder, purchaseOrderPage } from '../../shared/query/answers/purchase-orders.js';
import { employee, employeePage } from '../../shared/query/answers/employees.js';
import { journalPage, receivables, trialBalance } from '../../shared/query/answers/ledger.js';
import {
  asOf,
  byId,
  bySku,
  nothing,
  employeeList,
  invoiceList,
  journalList,
  movementList,
  orderList,
  purchaseOrderList,
  receivablesList,
  reorderList,
  searchList,
  valuationAt,
} from './schema.js';

// The one read-side function, over the views each domain publishes (keeps the stack within faasd CE's cap).
// A run answering undefined is a 404; every answer has its schema (shared/query/answers/), checked in tests. Every record is read by the people's roles (pay in the employee
// answers only by admins: shared/query/employees.ts); the ledger only by those who keep the books.
const roles = readRoles.records;
const books = readRoles.ledger;
export default defineFunction({
  name: 'query',
  routes: [
    query({ path: '/orders/:id', roles, input: byId, answer: orderDetail, run: (db, q) => getOrder(db, q.id) }),
    query({ path: '/orders', roles, input: orderList, answer: orderPage, run: (db, q) => listOrders(db, q), csv: ordersCsv }),
    query({ path: '/invoices/:id', roles, input: byId, answer: invoiceDetail, run: (db, q) => getInvoice(db, q.id) }),
    query({ path: '/invoices', roles, input: invoiceList, answer: invoicePage, run: (db, q) => listInvoices(db, q), csv: invoicesCsv }),
    query({ path: '/stock/valuation', roles, input: valuationAt, answer: valuation, run: (db, q) => stockValuation(db, q) }),
    query({ path: '/stock/:sku/movements', roles, input: movementList, answer: movementPage, run: (db, q) => listMovements(db, q) }),
    query({ path: '/stock', roles, input: searchList, answer: stockPage, run: (db, q) => listStock(db, q), csv: stockCsv }),
    query({ path: '/products/:sku', roles, input: bySku, answer: product, run: (db, q) => getProduct(db, q.sku) }),
    query({ path: '/products', roles, input: searchList, answer: productPage, run: (db, q) => listProducts(db, q), csv: productsCsv }),
    query({ path: '/customers/:id', roles, input: byId, answer: customerDetail, run: (db, q) => getCustomer(db, q.id) }),
    query({ path: '/customers', roles, input: searchList, answer: customerPage, run: (db, q) => listCustomers(db, q), csv: customersCsv }),
    query({ path: '/purchase-orders/:id', roles, input: byId, answer: purchaseOrder, run: (db, q) => getPurchaseOrder(db, q.id) }),
    query({ path: '/purchase-orders', roles, input: purchaseOrderList, answer: purchaseOrderPage, run: (db, q) => listPurchaseOrders(db, q) }),
    query({ path: '/suppliers/:id', roles, input: byId, answer: supplier, run: (db, q) => getSupplier(db, q.id) }),
    query({ path: '/suppliers', roles, input: searchList, answer: supplierPage, run: (db, q) => listSuppliers(db, q), csv: suppliersCsv }),
    query({
      path: '/reorder-suggestions',
      roles,
      input: reorderList,
      answer: reorderAnswer,
      run: async (db, q) => ({ groups: await reorderSuggestions(db, q.supplierId) }),
    }),
    query({ path: '/company', roles, input: nothing, answer: storedCompany, run: (db) => companyProfileRead(db) }),
    query({ path: '/employees/:id', roles, input: byId, answer: employee, run: (db, q, actor) => getEmployee(db, q.id, actor) }),
    query({ path: '/employees', roles, input: employeeList, answer: employeePage, run: (db, q, actor) => listEmployees(db, q, actor), csv: employeesCsv }),
    query({ path: '/ledger/journal', roles: books, input: journalList, answer: journalPage, run: (db, q) => journal(db, q), csv: journalCsv }),
    query({ path: '/ledger/trial-balance', roles: books, input: asOf, answer: trialBalance, run: (db, q) => trialBalanceAsOf(db, q), csv: trialBalanceCsv }),
    query({
      path: '/ledger/receivables',
      roles: books,
      input: receivablesList,
      answer: receivables,
      run: (db, q) => receivablesAsOf(db, q),
      csv: receivablesCsv,
    }),
    mount({ register: registerDocumentRoutes, describe: documentOperations }),
    mount({ register: registerEInvoiceRoutes, describe: einvoiceOperations }),
  ],
});
