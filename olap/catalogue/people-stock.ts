import { dimension, measure, none, type Entry } from './types.js';
import { currency } from './common.js';

// Stock on hand and the people: counts now, and pay by department (admin and Grafana's payroll source only).

export const stockLevels = {
  title: 'Stock levels',
  description: "Each product's stock now: units on hand, reserved for orders not yet shipped, and available to promise (on hand less reserved).",
  grain: 'one row per sku with a stock record',
  columns: {
    sku: dimension("The product's sku."),
    name: dimension("The product's current name (the latest product_upserted or stock_changed by stream sequence).", { nullable: true }),
    onHand: measure('quantity', 'Units on hand after the latest stock movement.'),
    reserved: measure('quantity', 'Units reserved for orders not yet fulfilled nor released.'),
    available: measure('quantity', 'onHand - reserved.'),
  },
  params: none,
  parameters: {},
  empty: 'A product never stocked nor upserted has no row; one at zero is listed with zeros.',
  asOf: 'Now: the latest movement of each sku (by movement version) the projection holds.',
  access: 'figures',
} satisfies Entry;

export const headcountByDepartment = {
  title: 'Headcount by department',
  description:
    'Active employees now per department (their current department; terminated employees are not counted). Headcount is not pay: it is exact, with no small-group rule.',
  grain: 'one row per department with an active employee',
  columns: {
    department: dimension("The employee's current department (free text, latest record version)."),
    headcount: measure('count', 'Employees whose status is active now.'),
  },
  params: none,
  parameters: {},
  empty: 'A department with no active employee has no row.',
  asOf: "Now: each employee's latest record version.",
  access: 'figures',
} satisfies Entry;

export const payrollByDepartment = {
  title: 'Payroll by department',
  description:
    'Monthly pay of active employees per department and currency, never added across currencies, and never showing a group of fewer than ' +
    'PAYROLL_MIN_GROUP_SIZE (3) people apart: those are summed into one row per currency with no department, joined by the smallest others ' +
    'until it covers 3, and a currency of fewer than 3 people is left out (docs/rules.md, Pay by department).',
  grain: 'one row per department and currency, plus at most one row per currency of the departments too small to show apart',
  columns: {
    department: dimension('The current department; null on the row of the departments too small to show apart.', { nullable: true }),
    currency,
    headcount: measure('count', 'Active employees the row covers.'),
    monthlySalary: measure('money', "Sum of their current monthly salaries (gross pay), in minor units of the row's currency."),
    departments: measure('count', 'How many departments the row covers: 1 on a named row.'),
  },
  params: none,
  parameters: {},
  empty: 'A department with no active employee has no row; a currency of fewer than 3 people has none.',
  asOf: "Now: each employee's latest record version.",
  access: 'payroll',
} satisfies Entry;
