import { defineFunction, query } from '../../shared/http/definition.js';
import { getOrder, listOrders } from '../../shared/query/orders.js';
import { getInvoice, listInvoices } from '../../shared/query/invoices.js';
import { listCustomers, listProducts, listStock } from '../../shared/query/catalogue.js';
import { listEmployees } from '../../shared/query/employees.js';
import { byId, employeeList, invoiceList, none, orderList } from './schema.js';

// The one read-side function, over the views each domain publishes (keeps the stack within faasd CE's cap).
export default defineFunction({
  name: 'query',
  routes: [
    query({ path: '/orders/:id', input: byId, run: (db, q) => getOrder(db, q.id) }),
    query({ path: '/orders', input: orderList, run: (db, q) => listOrders(db, q) }),
    query({ path: '/invoices/:id', input: byId, run: (db, q) => getInvoice(db, q.id) }),
    query({ path: '/invoices', input: invoiceList, run: (db, q) => listInvoices(db, q) }),
    query({ path: '/stock', input: none, run: (db) => listStock(db) }),
    query({ path: '/products', input: none, run: (db) => listProducts(db) }),
    query({ path: '/customers', input: none, run: (db) => listCustomers(db) }),
    query({ path: '/employees', input: employeeList, run: (db, q, actor) => listEmployees(db, q, actor) }),
  ],
});
