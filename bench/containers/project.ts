// The bench's compose project: a name of its own, so it never takes down (or reads the containers of)
// the container test's stack, erpbi-ct. tests/containers/stack.ts reads it when first imported: every
// module here that imports stack.ts imports this one first.
process.env.ERPBI_CT_PROJECT ??= 'erpbi-bench';

export const benchProject = process.env.ERPBI_CT_PROJECT;
