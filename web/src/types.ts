// What the reads answer (docs/api.md). The server's answers have no zod schemas yet; until they do,
// these interfaces are the workspace's reading of that contract.

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  taxRateBp: number;
  net: number;
  tax: number;
}

export interface Order {
  id: string;
  status: string;
  customerId: string;
  customerName: string;
  lines: OrderLine[];
  subtotal: number;
  tax: number;
  total: number;
  currency: string;
  invoiceId: string | null;
  invoiceNumber?: string | null;
  amountPaid: number;
  createdAt: string;
  updatedAt: string;
}

export interface Invoice {
  id: string;
  number: string;
  orderId: string;
  customerId: string;
  customerName: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  credited: number;
  balance: number;
  status: string;
  overdue: boolean;
  createdAt: string;
}

export interface InvoiceDetail extends Invoice {
  lines: OrderLine[];
  payments: { id: string; amount: number; method: string; reference: string | null; receivedAt: string }[];
  creditNotes: { id: string; number: string; amount: number; reason: string | null; issuedAt: string }[];
}

export interface StockLevel {
  sku: string;
  name: string;
  onHand: number;
  reserved: number;
  available: number;
  reorderLevel: number;
  low: boolean;
}

export interface Movement {
  id: string | number;
  kind: 'receipt' | 'reservation' | 'release' | 'shipment';
  onHandDelta: number;
  reservedDelta: number;
  orderId: string | null;
  note: string | null;
  at: string;
}

export interface Product {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  taxRateBp: number;
  reorderLevel: number;
}

export interface Customer {
  id: string;
  name: string;
  email: string | null;
  paymentTermsDays: number;
}

export interface CustomerDetail extends Customer {
  createdAt: string;
  updatedAt: string;
  openBalances: { currency: string; balance: number; invoices: number }[];
}

export interface Employee {
  id: string;
  name: string;
  email: string;
  department: string;
  title: string;
  status: 'active' | 'terminated';
  hiredAt: string;
  terminatedAt: string | null;
  salary?: number;
  currency?: string;
}

export interface TimelineEvent {
  seq: number;
  id: string;
  type: string;
  occurredAt: string;
  actor: string;
  causationId: string | null;
  correlationId: string;
  data: Record<string, unknown>;
}
