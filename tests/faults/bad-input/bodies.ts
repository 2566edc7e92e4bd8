import fc from 'fast-check';
import { fx, type Command } from './command.js';

// Whole bodies from a command's fields: valid ones, ones that can never be accepted (labelled with how
// they are wrong), and valid ones carrying hostile values.

/** A valid body: required fields and any optional ones. */
export function validBody(c: Command): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(c.fields.map((f) => [f.name, f.valid()])), {
    requiredKeys: c.fields.filter((f) => f.required || f.keep).map((f) => f.name),
  }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Bodies that can never be accepted, labelled with how they are wrong. */
export function invalidBodies(c: Command): fc.Arbitrary<{ kind: string; body: unknown }> {
  const base = validBody(c);
  const gens: fc.Arbitrary<{ kind: string; body: unknown }>[] = [
    ...c.fields.map((f) => fc.tuple(base, f.bad).map(([b, v]) => ({ kind: `bad ${f.name}`, body: { ...b, [f.name]: v } }))),
    ...c.fields
      .filter((f) => f.required)
      .map((f) => base.map((b) => ({ kind: `missing ${f.name}`, body: Object.fromEntries(Object.entries(b).filter(([k]) => k !== f.name)) }))),
    fc
      .tuple(base, fc.constantFrom('admin', 'status', 'total', '__proto__', 'constructor', 'id2', 'salary_', '$where'), fc.jsonValue({ maxDepth: 1 }))
      .map(([b, k, v]) => ({ kind: 'unknown field', body: { ...b, [k]: v } })),
    fc
      .oneof(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.integer(), fc.string(), fc.constant(null), fc.boolean())
      .map((body) => ({ kind: 'not an object', body })),
  ];
  if (c.extraBad) gens.push(c.extraBad().map((body) => ({ kind: 'duplicate lines', body })));
  return fc.oneof(...gens);
}

/** Valid bodies with hostile strings or extreme (allowed) numbers where the command has them. */
export function hostileBodies(c: Command): fc.Arbitrary<Record<string, unknown>> | undefined {
  const hostile = c.fields.filter((f) => f.hostile);
  if (hostile.length === 0) return undefined;
  return fc.tuple(validBody(c), fc.constantFrom(...hostile), fc.constant(null)).chain(([b, f]) =>
    f.hostile!.map((v) => {
      const value = f.name === 'lines' ? (v as { quantity: number }[]).map((l) => ({ sku: fx.hugeSku, quantity: l.quantity })) : v;
      return { ...b, [f.name]: value };
    }),
  );
}
