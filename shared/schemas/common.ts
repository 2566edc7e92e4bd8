import { z } from 'zod';

// Building blocks of the input schemas; limits keep every amount far inside 2^53.
export const id = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.:-]+$/, 'letters, digits, _ . : - only');
export const sku = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, _ . - only');
// No control characters, and no lone UTF-16 surrogate: Postgres refuses one inside jsonb (the outbox)
// and silently replaces one in a text column, so it could only ever be a 500 or a changed value.
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'no control characters or lone surrogates');
export const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
export const minorUnits = z.number().int().nonnegative().max(1_000_000_000_000);
export const positiveMinorUnits = z.number().int().positive().max(1_000_000_000_000);
export const quantity = z.number().int().positive().max(1_000_000);
export const email = z.email().max(254);
