import { z } from 'zod';

// What one entry of the registry is (shared/events/registry.ts): the domain files build their entries
// with `spec`, so every entry is checked against EventSpec where it is written.

/** The domains: each publishes its own events' subjects (`<prefix>.<domain>.<type>`) and no other's. */
export const domains = ['orders', 'inventory', 'billing', 'hr'] as const;
export type Domain = (typeof domains)[number];

export interface EventSpec<S extends z.ZodType> {
  domain: Domain;
  version: number;
  summary: string;
  data: S;
  /** The aggregate the event is about and how its id is read from the data. */
  aggregate: {
    type: 'order' | 'customer' | 'product' | 'invoice' | 'employee' | 'company' | 'supplier' | 'purchase_order' | 'delivery';
    id: (data: z.infer<S>) => string;
  };
  /** From version n to n+1, by n; applied in turn to data older than `version`. */
  upgrade?: Readonly<Record<number, (data: unknown) => unknown>>;
}
export const spec = <S extends z.ZodType>(s: EventSpec<S>) => s;
