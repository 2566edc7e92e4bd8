import { z } from 'zod';
import { readRoles } from '../shared/auth/permissions.js';
import type { Role } from '../shared/auth/roles.js';
import { arAging, orderFunnel, salesByHour, topProducts } from './catalogue/sales.js';
import { headcountByDepartment, payrollByDepartment, stockLevels } from './catalogue/people-stock.js';
import { grossMargin, inventoryValue, purchaseSpend, stockOnOrder } from './catalogue/buying.js';
import { orderTimeline, projectedOrder } from './catalogue/records.js';
import { rowSchema, watermarkSchema, type Entry, type RowSchema } from './catalogue/types.js';

// The metric catalogue: every named query of the projector, with its grain, each column's exact
// definition and unit, its parameters, how empty groups appear, the as-of rule, who may read it and the
// answer's row schema. As shared/errors.ts is for error codes, this is the one source: the handler's
// parameters, roles and OpenAPI entries, the CSV columns (olap/csv-columns.ts), docs/api.md (checked by
// olap/catalogue.test.ts), the dashboard's and Grafana's panel descriptions all read it.

export const catalogue = {
  sales_by_hour: salesByHour,
  ar_aging: arAging,
  stock_levels: stockLevels,
  order_funnel: orderFunnel,
  top_products: topProducts,
  headcount_by_department: headcountByDepartment,
  payroll_by_department: payrollByDepartment,
  order: projectedOrder,
  order_timeline: orderTimeline,
  gross_margin: grossMargin,
  inventory_value: inventoryValue,
  purchase_spend: purchaseSpend,
  stock_on_order: stockOnOrder,
} as const satisfies Record<string, Entry>;

export type QueryName = keyof typeof catalogue;
export const queryNames = Object.keys(catalogue) as QueryName[];
/** A value for every query name, from the name. */
export const perQuery = <T>(f: (name: QueryName) => T): Record<QueryName, T> => Object.fromEntries(queryNames.map((n) => [n, f(n)])) as Record<QueryName, T>;
export type Params<N extends QueryName> = z.infer<(typeof catalogue)[N]['params']>;

/** The parameters of each named query; nothing else reaches SQL. */
export const queryParams = Object.fromEntries(queryNames.map((n) => [n, catalogue[n].params])) as { [N in QueryName]: (typeof catalogue)[N]['params'] };

/** Who may ask each query, and read its entry. */
export const queryRoles = perQuery((n): readonly Role[] => readRoles[catalogue[n].access]);

/** The answer's row, per query, typed column by column from its entry. */
const typedRowSchemas = Object.fromEntries(queryNames.map((n): [QueryName, z.ZodType] => [n, rowSchema<Entry['columns']>(catalogue[n])])) as {
  [N in QueryName]: RowSchema<(typeof catalogue)[N]['columns']>;
};
/** One row of a query's answer, typed by its catalogue entry's columns. */
export type QueryRow<N extends QueryName> = z.output<(typeof typedRowSchemas)[N]>;
/** The answer's row, per query: strict, money as integers, currency on every money row. Typed as any
 *  query's row (fields unknown), for code that checks rows of a query chosen at run time. */
export const rowSchemas: Record<QueryName, z.ZodObject<Record<string, z.ZodType>, z.core.$strict>> = typedRowSchemas;

const answerOf = <N extends QueryName>(name: N) =>
  z.object({ name: z.literal(name), watermark: watermarkSchema, rows: z.array(typedRowSchemas[name]) }).strict();
/** GET /query/<name>'s JSON answer schema, per query, as typed. */
type AnswerSchemas = { [N in QueryName]: ReturnType<typeof answerOf<N>> };
/** GET /query/<name>'s JSON answer: a new schema per call, as before; typed through the mapped type
 *  (AnswerSchemas[N] is answerOf<N>'s type, which TypeScript does not see for a generic N), so that for
 *  any query name its parsed answers are a union told apart by `name`. */
export const answerSchema = <N extends QueryName>(name: N) => answerOf(name) as AnswerSchemas[N];
/** A query's parsed answer; of any query (the default), a union told apart by `name`. */
export type Answer<N extends QueryName = QueryName> = z.output<AnswerSchemas[N]>;

/** Any role that may read some BI figure: the catalogue's readers. */
export const catalogueRoles = [...new Set(queryNames.flatMap((n) => queryRoles[n]))];

const columnView = z
  .object({ name: z.string(), kind: z.enum(['dimension', 'measure']), unit: z.string(), definition: z.string(), nullable: z.boolean() })
  .strict();
const entryView = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    grain: z.string(),
    columns: z.array(columnView),
    parameters: z.array(z.object({ name: z.string(), definition: z.string() }).strict()),
    empty: z.string(),
    asOf: z.string(),
    roles: z.array(z.string()),
  })
  .strict();
/** GET /catalogue's answer. */
export const catalogueAnswer = z.object({ queries: z.array(entryView) }).strict();
export type CatalogueEntryView = z.infer<typeof entryView>;

/** The entries `roles` may read (payroll's only to those who may read pay), as served. */
export function catalogueFor(roles: readonly string[]): z.infer<typeof catalogueAnswer> {
  const readable = queryNames.filter((n) => queryRoles[n].some((r) => roles.includes(r)));
  return {
    queries: readable.map((name) => {
      const e: Entry = catalogue[name];
      return {
        name,
        title: e.title,
        description: e.description,
        grain: e.grain,
        columns: Object.entries(e.columns).map(([col, c]) => ({
          name: col,
          kind: c.kind,
          unit: c.unit,
          definition: c.definition,
          nullable: c.nullable ?? false,
        })),
        parameters: Object.entries(e.parameters).map(([p, definition]) => ({ name: p, definition })),
        empty: e.empty,
        asOf: e.asOf,
        roles: [...queryRoles[name]],
      };
    }),
  };
}
