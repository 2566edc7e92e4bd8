import type { Pool } from '../db/pool.js';
import { decodeIdCursor, idPage, isoUtc } from './paging.js';

interface MovementItem {
  id: number;
}

/** A sku's stock movements, newest first; undefined (404) for a sku that is not in the catalogue. */
export async function listMovements(db: Pool, q: { sku: string; limit: number; cursor?: string | undefined }) {
  const before = decodeIdCursor(q.cursor);
  const known = await db.query('select 1 from inventory.product_catalogue where sku = $1', [q.sku]);
  if (known.rowCount === 0) return undefined;
  // No cursor is "below the largest id": one statement text either way (prepared once per connection).
  const { rows } = await db.query<MovementItem>(
    `select id, kind, on_hand_delta as "onHandDelta", reserved_delta as "reservedDelta", order_id as "orderId", note, ${isoUtc('m.at')} as at,
            value_delta as "valueDelta", reason, purchase_order_id as "purchaseOrderId", actor
     from inventory.movement_view m where sku = $1 and id < $2 order by id desc limit $3`,
    [q.sku, before ?? Number.MAX_SAFE_INTEGER, q.limit + 1],
  );
  return idPage(rows, q.limit);
}
