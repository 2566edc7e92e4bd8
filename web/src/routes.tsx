import type { FunctionComponent } from 'preact';
import { mayRun, readRoles, type CommandName } from '../../shared/auth/permissions.js';
import type { ScreenProps } from './screen.js';
import { Dashboard } from './dashboard/dashboard.js';
import { CompanyEdit } from './screens/company/form.js';
import { CustomerEdit } from './screens/customers/form.js';
import { CustomersList } from './screens/customers/list.js';
import { CustomerPage } from './screens/customers/page.js';
import { EmployeeEdit } from './screens/employees/edit.js';
import { EmployeesList } from './screens/employees/list.js';
import { InvoicesList } from './screens/invoices/list.js';
import { InvoicePage } from './screens/invoices/page.js';
import { InvoicePrint } from './screens/invoices/print.js';
import { Ledger } from './screens/ledger/page.js';
import { NewOrder } from './screens/orders/new.js';
import { OrderPage } from './screens/orders/page.js';
import { OrdersList } from './screens/orders/list.js';
import { ProductEdit } from './screens/products/form.js';
import { ProductsList } from './screens/products/list.js';
import { NewPurchaseOrder } from './screens/purchase-orders/new.js';
import { PurchaseOrderPage } from './screens/purchase-orders/page.js';
import { PurchaseOrdersList } from './screens/purchase-orders/list.js';
import { StockList } from './screens/stock/list.js';
import { StockMovements } from './screens/stock/movements.js';
import { SupplierEdit } from './screens/suppliers/form.js';
import { SuppliersList } from './screens/suppliers/list.js';
import { SupplierPage } from './screens/suppliers/page.js';

interface Screen {
  pattern: string;
  view: FunctionComponent<ScreenProps>;
  /** Who may open it; absent: every erpbi role. */
  allowed?: (roles: string[]) => boolean;
  /** "Your role may not <what>." */
  what: string;
}

const needs = (command: CommandName) => (roles: string[]) => mayRun(roles, command);
/** The books: the roles the ledger reads take (shared/auth/permissions.ts). */
const keepsBooks = (roles: string[]) => readRoles.ledger.some((r) => roles.includes(r));

// Order matters: '/orders/new' before '/orders/:id'.
export const screens: Screen[] = [
  { pattern: '/orders', view: OrdersList, what: 'see orders' },
  { pattern: '/orders/new', view: NewOrder, allowed: needs('create-order'), what: 'enter orders' },
  { pattern: '/orders/:id', view: OrderPage, what: 'see orders' },
  { pattern: '/invoices', view: InvoicesList, what: 'see invoices' },
  { pattern: '/invoices/:id', view: InvoicePage, what: 'see invoices' },
  { pattern: '/invoices/:id/print', view: InvoicePrint, what: 'see invoices' },
  { pattern: '/stock', view: StockList, what: 'see stock' },
  { pattern: '/stock/:sku', view: StockMovements, what: 'see stock' },
  { pattern: '/products', view: ProductsList, what: 'see products' },
  { pattern: '/products/new', view: ProductEdit, allowed: needs('upsert-product'), what: 'create products' },
  { pattern: '/products/:sku', view: ProductEdit, allowed: needs('upsert-product'), what: 'edit products' },
  { pattern: '/purchase-orders', view: PurchaseOrdersList, what: 'see purchase orders' },
  { pattern: '/purchase-orders/new', view: NewPurchaseOrder, allowed: needs('receive-stock/purchase-order'), what: 'enter purchase orders' },
  { pattern: '/purchase-orders/:id', view: PurchaseOrderPage, what: 'see purchase orders' },
  { pattern: '/suppliers', view: SuppliersList, what: 'see suppliers' },
  { pattern: '/suppliers/new', view: SupplierEdit, allowed: needs('upsert-product/supplier'), what: 'create suppliers' },
  { pattern: '/suppliers/:id', view: SupplierPage, what: 'see suppliers' },
  { pattern: '/suppliers/:id/edit', view: SupplierEdit, allowed: needs('upsert-product/supplier'), what: 'edit suppliers' },
  { pattern: '/customers', view: CustomersList, what: 'see customers' },
  { pattern: '/customers/new', view: CustomerEdit, allowed: needs('upsert-customer'), what: 'create customers' },
  { pattern: '/customers/:id', view: CustomerPage, what: 'see customers' },
  { pattern: '/customers/:id/edit', view: CustomerEdit, allowed: needs('upsert-customer'), what: 'edit customers' },
  // HR is the administrator's: salaries are on these screens.
  { pattern: '/employees', view: EmployeesList, allowed: needs('hire-employee'), what: 'manage employees' },
  { pattern: '/employees/new', view: EmployeeEdit, allowed: needs('hire-employee'), what: 'hire employees' },
  { pattern: '/employees/:id', view: EmployeeEdit, allowed: needs('update-employee'), what: 'edit employees' },
  { pattern: '/ledger', view: Ledger, allowed: keepsBooks, what: 'see the ledger' },
  // The seller on every invoice: the administrator's.
  { pattern: '/company', view: CompanyEdit, allowed: needs('upsert-customer/company'), what: 'edit the company profile' },
  { pattern: '/dashboard', view: Dashboard, what: 'see the dashboard' },
];

const nav = [
  { path: '/orders', label: 'Orders' },
  { path: '/invoices', label: 'Invoices' },
  { path: '/stock', label: 'Stock' },
  { path: '/products', label: 'Products' },
  { path: '/purchase-orders', label: 'Purchase orders' },
  { path: '/suppliers', label: 'Suppliers' },
  { path: '/customers', label: 'Customers' },
  { path: '/employees', label: 'Employees' },
  { path: '/ledger', label: 'Ledger' },
  { path: '/company', label: 'Company' },
  { path: '/dashboard', label: 'Dashboard' },
];

export const navFor = (roles: string[]) => nav.filter((n) => screens.find((s) => s.pattern === n.path)?.allowed?.(roles) ?? true);

/** The first screen after sign-in: the accountant's day starts with invoices, everyone else's with orders. */
export const landingFor = (roles: string[]) => (roles.includes('accountant') && !roles.includes('admin') && !roles.includes('clerk') ? '/invoices' : '/orders');
