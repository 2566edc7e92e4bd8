import { z } from 'zod';
import { body as productBody } from '../../functions/upsert-product/schema.js';
import { body as customerBody } from '../../functions/upsert-customer/schema.js';
import { supplierBody } from '../schemas/supplier.js';
import { minorUnits } from '../schemas/common.js';

// The CSV columns of each import kind, derived from the JSON body its command takes (one source: a
// field added to the body is a column of the import, checked by the same schema). A nested address
// becomes flat columns a spreadsheet can hold; a product row adds its opening stock and unit cost.

export const importKinds = ['products', 'customers', 'suppliers'] as const;
export type ImportKind = (typeof importKinds)[number];

/** What a product row adds to the product: the stock on the shelf when moving in, and what a unit cost. */
export const openingStockColumns = z
  .object({
    openingStock: z.number().int().min(0).max(1_000_000).optional(),
    unitCost: minorUnits.optional(),
  })
  .strict()
  // Stock is valued at cost from its first unit (docs/ledger.md): opening stock without a cost would be worth nothing.
  .refine((r) => !r.openingStock || r.unitCost !== undefined, {
    path: ['unitCost'],
    message: 'required when openingStock is more than 0: stock is valued at cost',
  });

/** The address columns, in the order a sample file shows them; `street` is the first line (1-3 lines). */
export const addressColumns = ['street', 'street2', 'street3', 'postalCode', 'city', 'country'] as const;
const streetColumns = addressColumns.slice(0, 3);

type AnyObject = z.ZodObject<Record<string, z.ZodType>>;

export interface KindSpec {
  /** The command's own body: each row is parsed with it as the command would parse it. */
  body: AnyObject;
  /** Columns beside the body's (a product's opening stock). */
  extra?: AnyObject;
  /** What a row is known by within the file and among stored records (docs/api.md "Moving in"). */
  key: 'sku' | 'id-or-name-and-postal-code';
}

export const kindSpecs: Record<ImportKind, KindSpec> = {
  products: { body: productBody, extra: openingStockColumns, key: 'sku' },
  customers: { body: customerBody, key: 'id-or-name-and-postal-code' },
  suppliers: { body: supplierBody, key: 'id-or-name-and-postal-code' },
};

/** The zod type under optional/default/nullable/a transform's input: what a cell must hold. */
function baseType(schema: z.ZodType): string {
  const def = schema.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType)
    return baseType(def.innerType);
  if (def.type === 'pipe' && def.in) return baseType(def.in);
  return def.type;
}

export interface Column {
  name: string;
  /** A cell of a number field is read as a number (integers: amounts are in minor units). */
  numeric: boolean;
  /** The header must name it: the body requires the field. */
  required: boolean;
}

function columnsOf(schema: AnyObject): Column[] {
  return Object.entries(schema.shape).flatMap(([name, field]): Column[] => {
    const type = baseType(field);
    const required = !field.safeParse(undefined).success;
    if (type === 'object') {
      if (name !== 'address') throw new Error(`import: no flat columns for the nested field ${name}`);
      return addressColumns.map((c) => ({
        name: c,
        numeric: false,
        required: required && (c === 'street' || c === 'postalCode' || c === 'city' || c === 'country'),
      }));
    }
    return [{ name, numeric: type === 'number', required }];
  });
}

/** Every column a file of this kind may have, in the body's order. */
export function columnsFor(kind: ImportKind): Column[] {
  const spec = kindSpecs[kind];
  return [...columnsOf(spec.body), ...(spec.extra ? columnsOf(spec.extra) : [])];
}

/** The field a zod issue's path names, as the column a person sees in the file. */
export function columnOfPath(path: readonly PropertyKey[]): string | null {
  const [first, second, third] = path;
  if (first === undefined) return null;
  if (first === 'address') {
    if (second === 'lines') return typeof third === 'number' ? (streetColumns[third] ?? 'street') : 'street';
    return second === undefined ? 'street' : String(second);
  }
  return String(first);
}

/**
 * The body (and extra) input of one row: an empty cell is an absent field; address cells become the
 * address object when any of them is filled (a partial address is then refused naming the field).
 */
export function rowInput(kind: ImportKind, cells: ReadonlyMap<string, string>): { body: Record<string, unknown>; extra: Record<string, unknown> } {
  const spec = kindSpecs[kind];
  const value = (c: Column): unknown => {
    const cell = cells.get(c.name);
    if (cell === undefined || cell.trim() === '') return undefined;
    // A number column takes an integer as written; anything else goes to the schema as text, which names the problem.
    return c.numeric && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(cell) ? Number(cell) : cell;
  };
  const fill = (schema: AnyObject): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const c of columnsOf(schema)) {
      if ((addressColumns as readonly string[]).includes(c.name)) continue;
      const v = value(c);
      if (v !== undefined) out[c.name] = v;
    }
    if ('address' in schema.shape) {
      const address = Object.fromEntries(addressColumns.map((c) => [c, value({ name: c, numeric: false, required: false })]));
      if (Object.values(address).some((v) => v !== undefined)) {
        out.address = {
          lines: streetColumns.map((c) => address[c]).filter((l) => l !== undefined),
          postalCode: address.postalCode,
          city: address.city,
          country: address.country,
        };
      }
    }
    return out;
  };
  return { body: fill(spec.body), extra: spec.extra ? fill(spec.extra) : {} };
}
