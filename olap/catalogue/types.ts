import { z } from 'zod';
import { readRoles } from '../../shared/auth/permissions.js';

// The shape of one catalogue entry (olap/catalogue.ts). A column is a dimension (what a row is about)
// or a measure (a figure); its unit says how it is counted, and its zod type follows from the unit, so
// the answer's row schema, the CSV columns and the docs all come from the same entry.

/** text: a dimension's value; money: integer minor units in the row's `currency`; count: how many
 *  things; quantity: units of a product; days, percent, seq (a stream sequence); json, lines: an
 *  order's event data and lines, carried whole. */
export type Unit = 'text' | 'money' | 'count' | 'quantity' | 'percent' | 'seq' | 'json' | 'lines';

export interface Column {
  kind: 'dimension' | 'measure';
  unit: Unit;
  /** The exact definition: which facts count, at which instant, gross or net, currency handling. */
  definition: string;
  /** Null allowed (a dimension that may be absent: `department` of payroll's merged row). */
  nullable?: boolean;
  /** A narrower schema than the unit's (an enum of statuses, an ISO instant). */
  schema?: z.ZodType;
}

/** Who may read the entry and ask its query (shared/auth/permissions.ts readRoles). */
export type Access = keyof Pick<typeof readRoles, 'figures' | 'payroll' | 'records'>;

export interface Entry<P extends z.ZodType = z.ZodType> {
  title: string;
  /** One paragraph: what the figure answers and the decisions behind it. */
  description: string;
  /** What one row is. */
  grain: string;
  /** In the order the SQL selects them (the JSON keys, the CSV columns). */
  columns: Readonly<Record<string, Column>>;
  /** The parameters' schema: nothing else reaches SQL. */
  params: P;
  /** Each parameter's meaning and bounds. */
  parameters: Readonly<Record<string, string>>;
  /** How groups with nothing in them appear. */
  empty: string;
  /** Which instant the answer describes. */
  asOf: string;
  access: Access;
}

export const dimension = (definition: string, more: Partial<Column> = {}): Column => ({ kind: 'dimension', unit: 'text', definition, ...more });
export const measure = (unit: Exclude<Unit, 'text'>, definition: string, more: Partial<Column> = {}): Column => ({
  kind: 'measure',
  unit,
  definition,
  ...more,
});
export const none = z.object({}).strict();

const currencyCode = z.string().regex(/^[A-Z]{3}$/);
const unitSchema: Record<Unit, z.ZodType> = {
  text: z.string(),
  money: z.number().int(),
  count: z.number().int().nonnegative(),
  quantity: z.number().int(),
  percent: z.number(),
  seq: z.number().int().nonnegative(),
  json: z.unknown(),
  lines: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), net: z.number().int(), tax: z.number().int() }).strict()),
};

function columnSchema(name: string, c: Column): z.ZodType {
  const base = c.schema ?? (name === 'currency' ? currencyCode : unitSchema[c.unit]);
  return c.nullable ? base.nullable() : base;
}

/** The answer's row: strict (a column the catalogue does not name is our bug), money as integers. */
export function rowSchema(entry: Pick<Entry, 'columns'>) {
  return z.object(Object.fromEntries(Object.entries(entry.columns).map(([k, c]) => [k, columnSchema(k, c)]))).strict();
}

export const watermarkSchema = z
  .object({
    seq: z.number().int().nonnegative(),
    eventTime: z.string().nullable(),
    appliedAt: z.string().nullable(),
    streamSeq: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();
