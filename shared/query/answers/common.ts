import { z } from 'zod';

// Building blocks of the answer schemas (issue 23): what the reads send, as the server writes it. They
// check our own output, so they say the shape exactly (strict objects: a field added to a read and not
// here is a failing test, not a silent extra); input rules (trimming, normalising) belong to the bodies.
// zod-only imports in this folder: the workspace bundles these files.

/** An instant as the reads write it (shared/query/paging.ts isoUtc, or toISOString): UTC, with Z. */
export const instant = z.iso.datetime();
/** A calendar day, YYYY-MM-DD (UTC). */
export const day = z.iso.date();
/** Money in integer minor units of the record's currency; may be negative where the field says so. */
export const money = z.number().int();
/** A count or a quantity. */
export const count = z.number().int();
/** An ISO 4217 code. */
export const currencyCode = z.string().regex(/^[A-Z]{3}$/);

/** A postal address as stored (checked on the way in by shared/schemas/parties.ts). */
export const address = z.strictObject({ lines: z.array(z.string()), postalCode: z.string(), city: z.string(), country: z.string() });

/** The answer of every paged list read: its items and the cursor of the next page (null: the last one). */
export const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
export type Page<T> = { items: T[]; nextCursor: string | null };
