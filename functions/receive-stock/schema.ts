import { z } from 'zod';
import { minorUnits, quantity, sku, text } from '../../shared/schemas/common.js';

// unitCost: per unit, in the product's currency; absent, the goods come in at the average cost (shared/inventory/stock.ts).
export const body = z.object({ sku, quantity, unitCost: minorUnits.optional(), note: text(500).optional() }).strict();
