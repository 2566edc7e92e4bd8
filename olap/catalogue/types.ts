import { z } from 'zod';
import { readRoles } from '../../shared/auth/permissions.js';

// The shape of one catalogue entry (olap/catalogue.ts). A column is a dimension (what a row is about)
// or a measure (a figure); its unit says how it is counted, and its zod type follows from the unit, so
// the answer's row schema, the CSV columns and the docs all come from the same entry.

/** text: a dimension's value; money: integer minor units in the row's `currency`; count: how many
 *  things; quantity: units of a product; days, percent, seq (a stream sequence); json, lines: an
 *  order's event data and lines, carried whole. */
export type Unit = 'text' | 'money' | 'count' | 'quantity' | 'percent' | 'seq' | 'json' | 'lines';

/** `S` is the column's value schema as the types see it (the unit's, or `schema`'s), so a query's row
 *  type follows from its entry; `N` is whether it may be null. */
export interface Column<S extends z.ZodType = z.ZodType, N extends boolean = boolean> {
  kind: 'dimension' | 'measure';
  unit: Unit;
  /** The exact definition: which facts count, at which instant, gross or net, currency handling. */
  definition: string;
  /** Null allowed (a dimension that may be absent: `department` of payroll's merged row). */
  nullable?: N;
  /** A narrower schema than the unit's (an enum of statuses, an ISO instant). */
  schema?: S;
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

/** What a column may narrow: its schema, and whether it may be null. */
type More<S extends z.ZodType, N extends boolean> = { nullable?: N; schema?: S };

export const none = z.object({}).strict();

const currencyCode = z.string().regex(/^[A-Z]{3}$/);
const unitSchema = {
  text: z.string(),
  money: z.number().int(),
  count: z.number().int().nonnegative(),
  quantity: z.number().int(),
  percent: z.number(),
  seq: z.number().int().nonnegative(),
  json: z.unknown(),
  lines: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), net: z.number().int(), tax: z.number().int() }).strict()),
} satisfies Record<Unit, z.ZodType>;
/** The unit's value schema, as a type (`Extract` keeps the zod constraint through the index). */
type UnitSchema<U extends Unit> = Extract<(typeof unitSchema)[U], z.ZodType>;

// The column's types come from the arguments alone (NoInfer): an entry's `satisfies Entry` must not
// widen them to Entry's own.
export const dimension = <S extends z.ZodType = UnitSchema<'text'>, N extends boolean = false>(
  definition: string,
  more: More<S, N> = {},
): Column<NoInfer<S>, NoInfer<N>> => ({
  kind: 'dimension',
  unit: 'text',
  definition,
  ...more,
});
export const measure = <U extends Exclude<Unit, 'text'>, S extends z.ZodType = UnitSchema<U>, N extends boolean = false>(
  unit: U,
  definition: string,
  more: More<S, N> = {},
): Column<NoInfer<S>, NoInfer<N>> => ({
  kind: 'measure',
  unit,
  definition,
  ...more,
});

function columnSchema(name: string, c: Column): z.ZodType {
  const base = c.schema ?? (name === 'currency' ? currencyCode : unitSchema[c.unit]);
  return c.nullable ? base.nullable() : base;
}

/** A column's value schema as typed: its own, made nullable when the column says so. */
type ColumnSchema<C> = C extends Column<infer S, infer N> ? (true extends N ? z.ZodNullable<S> : S) : never;
/** The row schema's shape, column by column, from an entry's columns. */
export type RowShape<Cs extends Readonly<Record<string, Column>>> = { -readonly [K in keyof Cs]: ColumnSchema<Cs[K]> };
export type RowSchema<Cs extends Readonly<Record<string, Column>>> = z.ZodObject<RowShape<Cs>, z.core.$strict>;

/** The answer's row: strict (a column the catalogue does not name is our bug), money as integers. Built
 *  from the columns at run time; typed column by column, as the mapped shape says (`Object.fromEntries`
 *  cannot keep the keys). */
export function rowSchema<Cs extends Readonly<Record<string, Column>>>(entry: { columns: Cs }): RowSchema<Cs> {
  return z.object(Object.fromEntries(Object.entries(entry.columns).map(([k, c]) => [k, columnSchema(k, c)]))).strict() as unknown as RowSchema<Cs>;
}

export const watermarkSchema = z
  .object({
    seq: z.number().int().nonnegative(),
    eventTime: z.string().nullable(),
    appliedAt: z.string().nullable(),
    streamSeq: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();
