import fc from 'fast-check';
import type { Role } from '../../../shared/auth/roles.js';
import { badText, hostileText } from './values.js';

// One command under test: its function (and further path), the role that may call it, and each
// field's valid values, values it must refuse, and hostile values it may take but never with a 5xx.
// The fixtures (fx) are made by the test's beforeAll; the generators read them only when they run.

export interface Field {
  name: string;
  required: boolean;
  /** Always in a valid body, yet optional (update-employee needs one field to change). */
  keep?: boolean;
  valid: () => fc.Arbitrary<unknown>;
  bad: fc.Arbitrary<unknown>;
  hostile?: fc.Arbitrary<unknown>;
}
export interface Command {
  fn: string;
  /** A further command of the function (shared/http/definition.ts), e.g. '/refund'; '/' when absent. */
  path?: string;
  role: Role;
  fields: Field[];
  /** Invalid whole bodies beyond field-by-field ones (duplicate lines, ...). */
  extraBad?: () => fc.Arbitrary<Record<string, unknown>>;
}

export const int = (min: number, max: number) => fc.integer({ min, max });
export const name = (n: string, max = 200): Field => ({
  name: n,
  required: true,
  valid: () => fc.constantFrom('Widget', 'Acme Ltd'),
  bad: badText(max),
  hostile: hostileText,
});

export interface Fixtures {
  sku: string;
  hugeSku: string;
  customerId: string;
  orderId: string;
  invoiceId: string;
  employeeId: string;
  supplierId: string;
  purchaseOrderId: string;
}
/** Filled by bad-input.test.ts's beforeAll, before any generator runs. */
export const fx = {} as Fixtures;

export const label = (c: Command) => `${c.fn}${c.path ?? ''}`;
