import { z } from 'zod';

// The answer check (answer-check.ts) without checking the same unchanging value twice. A value is
// `settled` when whoever made it promises it will never change, and freezes it whole so that the promise
// holds: the projector's answer cache (olap/answer-cache.ts) hands the same rows to every caller until the
// next batch. Once such a value matched a schema, it matches it at every later send: sending it again,
// in a new envelope (`{name, watermark, rows}`), checks the envelope and skips the rows. Values not
// settled (every answer computed per request) are checked every time, as before.

const settled = new WeakSet<object>();

const isPlain = (value: object) => Array.isArray(value) || [Object.prototype, null].includes(Object.getPrototypeOf(value));

/**
 * Freezes `value` and everything in it, and marks it settled; returns it. Only arrays and plain objects
 * are: one holding anything else (a Date, a Buffer: they change without being assigned to) is frozen as
 * far as it goes but not marked, so it is checked at every send.
 */
export function settle<T>(value: T): T {
  freeze(value);
  return value;
}

/** Whether `value` cannot change now: a primitive, or settled. */
function freeze(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function';
  if (settled.has(value)) return true;
  if (!isPlain(value)) return false;
  let all = true;
  for (const child of Object.values(value)) all = freeze(child) && all;
  Object.freeze(value);
  if (all) settled.add(value);
  return all;
}

/** Settled values found to match each schema. */
const matched = new WeakMap<z.ZodType, WeakSet<object>>();
const known = (schema: z.ZodType, value: unknown) =>
  value !== null && typeof value === 'object' && settled.has(value) && (matched.get(schema)?.has(value) ?? false);
function remember(schema: z.ZodType, value: unknown): void {
  if (value === null || typeof value !== 'object' || !settled.has(value)) return;
  let set = matched.get(schema);
  if (!set) matched.set(schema, (set = new WeakSet()));
  set.add(value);
}

/** An object schema without some of its fields (strictness kept), made once per set of fields. */
const without = new WeakMap<z.ZodObject, Map<string, z.ZodObject>>();
function omitted(schema: z.ZodObject, fields: string[]): z.ZodObject {
  let bySet = without.get(schema);
  if (!bySet) without.set(schema, (bySet = new Map()));
  const key = fields.join('\u0000');
  let out = bySet.get(key);
  if (!out) bySet.set(key, (out = schema.omit(Object.fromEntries(fields.map((f) => [f, true])) as Record<string, true>)));
  return out;
}

/**
 * The issues `schema.safeParse(payload)` finds, none when it matches; the settled values already found
 * to match (the payload itself, or an object payload's fields, each against its field's own schema) are
 * not looked at again. An object schema with checks of its own (a refinement over several fields) is
 * always checked whole.
 */
export function answerIssues(schema: z.ZodType, payload: unknown): z.core.$ZodIssue[] | undefined {
  if (known(schema, payload)) return undefined;
  const plainObject = payload !== null && typeof payload === 'object' && !Array.isArray(payload);
  if (!(schema instanceof z.ZodObject) || !plainObject || (schema.def.checks?.length ?? 0) > 0) {
    const result = schema.safeParse(payload);
    if (!result.success) return result.error.issues;
    remember(schema, payload);
    return undefined;
  }
  const shape = schema.shape as Record<string, z.ZodType>;
  const fields = payload as Record<string, unknown>;
  const skip = Object.keys(shape).filter((k) => Object.hasOwn(fields, k) && known(shape[k]!, fields[k]));
  let result: z.ZodSafeParseResult<unknown>;
  if (skip.length === 0) result = schema.safeParse(payload);
  else {
    const rest = { ...fields };
    for (const k of skip) delete rest[k];
    result = omitted(schema, skip).safeParse(rest);
  }
  if (!result.success) return result.error.issues;
  remember(schema, payload);
  for (const k of Object.keys(shape)) if (Object.hasOwn(fields, k)) remember(shape[k]!, fields[k]);
  return undefined;
}
